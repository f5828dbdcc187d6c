"""email change links keep the new address

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('access_tokens', sa.Column('new_email', sa.String(length=254), nullable=True))


def downgrade():
    op.drop_column('access_tokens', 'new_email')
