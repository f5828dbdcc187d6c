"""sessions, availability, venues and school calendars

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Reserved for the bookings area: it fills in this migration with its tables.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass

