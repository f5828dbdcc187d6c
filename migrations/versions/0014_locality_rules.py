"""locality rules

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 13:10:34.033121

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMNs: a batch copy of localities would trip SQLite's foreign keys.
    op.add_column('localities', sa.Column('min_notice_hours', sa.Integer(), nullable=True))
    op.add_column('localities', sa.Column('horizon_days', sa.Integer(), nullable=True))
    op.add_column('localities', sa.Column('travel_minutes', sa.Integer(), nullable=True))
    op.add_column('localities', sa.Column('phone', sa.String(length=30), nullable=True))
    op.add_column('localities', sa.Column('opening_hours', sa.String(length=200), nullable=True))


def downgrade():
    for column in ('opening_hours', 'phone', 'travel_minutes', 'horizon_days', 'min_notice_hours'):
        op.drop_column('localities', column)
