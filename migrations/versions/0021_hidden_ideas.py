"""hidden ideas

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 15:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # Who hid an idea is in the audit log; the idea keeps when, and the reason its author reads.
    op.add_column('ideas', sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('ideas', sa.Column('hidden_reason', sa.Text(), nullable=True))


def downgrade():
    op.drop_column('ideas', 'hidden_reason')
    op.drop_column('ideas', 'hidden_at')
