"""action plans: goals, steps, history, agreement and comments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Reserved for the plans area: it fills in this migration with its tables.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

