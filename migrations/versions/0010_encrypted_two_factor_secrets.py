"""staff's authenticator secrets encrypted with TWO_FACTOR_KEYS

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

from webapp.services import crypto


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

credentials = sa.table(
    'two_factor_credentials', sa.column('user_id', sa.Integer), sa.column('secret', sa.String)
)


def _rewrite_secrets(change):
    # Written by hand: each secret as it is, encrypted or decrypted with the app's keys.
    connection = op.get_bind()
    rows = connection.execute(sa.select(credentials.c.user_id, credentials.c.secret)).all()
    for user_id, secret in rows:
        connection.execute(
            credentials.update()
            .where(credentials.c.user_id == user_id)
            .values(secret=change(secret))
        )


def upgrade():
    with op.batch_alter_table('two_factor_credentials', schema=None) as batch_op:
        batch_op.alter_column('secret',
               existing_type=sa.String(length=64),
               type_=sa.String(length=255),
               existing_nullable=False)
    _rewrite_secrets(crypto.encrypt)


def downgrade():
    _rewrite_secrets(crypto.decrypt)
    with op.batch_alter_table('two_factor_credentials', schema=None) as batch_op:
        batch_op.alter_column('secret',
               existing_type=sa.String(length=255),
               type_=sa.String(length=64),
               existing_nullable=False)
