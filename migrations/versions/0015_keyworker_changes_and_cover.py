"""keyworker changes and cover

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 15:10:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.models.base


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'keyworker_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('from_keyworker_id', sa.Integer(), nullable=True),
        sa.Column('to_keyworker_id', sa.Integer(), nullable=False),
        sa.Column('changed_by_id', sa.Integer(), nullable=False),
        sa.Column('changed_at', webapp.models.base.UTCDateTime(), nullable=False),
        sa.Column(
            'sessions_rule',
            sa.Enum('keep', 'move', 'cancel', name='sessionsrule', native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column('sessions_moved', sa.Integer(), nullable=False),
        sa.Column('sessions_kept', sa.Integer(), nullable=False),
        sa.Column('sessions_cancelled', sa.Integer(), nullable=False),
        sa.Column('told', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['from_keyworker_id'], ['users.id']),
        sa.ForeignKeyConstraint(['participant_id'], ['users.id']),
        sa.ForeignKeyConstraint(['to_keyworker_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_keyworker_changes_participant_id', 'keyworker_changes', ['participant_id'])
    op.create_table(
        'covers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('absent_id', sa.Integer(), nullable=False),
        sa.Column('cover_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('arranged_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', webapp.models.base.UTCDateTime(), nullable=False),
        sa.Column('ended_at', webapp.models.base.UTCDateTime(), nullable=True),
        sa.CheckConstraint('starts_on <= ends_on', name='cover_dates_in_order'),
        sa.CheckConstraint('absent_id <> cover_id', name='cover_not_self'),
        sa.ForeignKeyConstraint(['absent_id'], ['users.id']),
        sa.ForeignKeyConstraint(['arranged_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['cover_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_covers_absent_id', 'covers', ['absent_id'])
    op.create_index('ix_covers_cover_id', 'covers', ['cover_id'])


def downgrade():
    op.drop_index('ix_covers_cover_id', table_name='covers')
    op.drop_index('ix_covers_absent_id', table_name='covers')
    op.drop_table('covers')
    op.drop_index('ix_keyworker_changes_participant_id', table_name='keyworker_changes')
    op.drop_table('keyworker_changes')
