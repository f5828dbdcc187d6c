"""service record: notes, referrals, outcomes, pipeline stages and parents' voice

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

Reserved for the service record area: it fills in this migration with its tables.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

