"""reminders by text: backoff, the provider's id and the delivery receipt

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('reminders', sa.Column('next_try_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('reminders', sa.Column('provider_id', sa.String(length=64), nullable=True))
    op.add_column('reminders', sa.Column('delivery_status', sa.String(length=30), nullable=True))
    op.add_column('reminders', sa.Column('delivery_status_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_reminders_provider_id'), 'reminders', ['provider_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_reminders_provider_id'), table_name='reminders')
    for column in ('delivery_status_at', 'delivery_status', 'provider_id', 'next_try_at'):
        op.drop_column('reminders', column)
