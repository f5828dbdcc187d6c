"""record closures

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    # A participant's status is a plain string of up to 20 characters with no constraint in
    # the database, so the new "referred" status needs no change to participant_profiles.
    op.create_table('record_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('entered-work', 'support-ended', 'moved-away', 'no-longer-wanted', 'no-contact', 'other', name='closurereason', native_enum=False, length=20), nullable=False),
    sa.Column('no_contact_months', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.Column('outcome_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('no_contact_months IS NULL OR (no_contact_months BETWEEN 1 AND 36)', name=op.f('ck_record_closures_no_contact_months_range')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_record_closures_closed_by_id_users')),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_record_closures_outcome_id_outcomes')),
    sa.ForeignKeyConstraint(['participant_id'], ['users.id'], name=op.f('fk_record_closures_participant_id_users')),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['users.id'], name=op.f('fk_record_closures_reopened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_closures'))
    )
    with op.batch_alter_table('record_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_closures_participant_id'), ['participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('record_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_closures_participant_id'))

    op.drop_table('record_closures')
