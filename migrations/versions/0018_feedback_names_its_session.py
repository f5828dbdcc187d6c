"""session feedback names its session by a foreign key

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 10:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # Feedback naming a session that no longer exists keeps its words but not the dangling id.
    op.execute(
        "UPDATE session_feedback SET booking_id = NULL "
        "WHERE booking_id IS NOT NULL AND booking_id NOT IN (SELECT id FROM sessions)"
    )
    # session_feedback is a leaf table (nothing refers to it), so SQLite's copy is safe here.
    with op.batch_alter_table('session_feedback') as batch:
        batch.create_foreign_key(
            batch.f('fk_session_feedback_booking_id_sessions'),
            'sessions',
            ['booking_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('session_feedback') as batch:
        batch.drop_constraint(
            batch.f('fk_session_feedback_booking_id_sessions'), type_='foreignkey'
        )
