"""wellbeing and confidence check-ins

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

One table: each check-in, unique by the UUID the phone gave it, with the seven SWEMWBS
answers, the raw and metric scores, and the six confidence scales.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.Uuid(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('optimistic', sa.SmallInteger(), nullable=False),
    sa.Column('useful', sa.SmallInteger(), nullable=False),
    sa.Column('relaxed', sa.SmallInteger(), nullable=False),
    sa.Column('problems', sa.SmallInteger(), nullable=False),
    sa.Column('thinking', sa.SmallInteger(), nullable=False),
    sa.Column('close', sa.SmallInteger(), nullable=False),
    sa.Column('own_mind', sa.SmallInteger(), nullable=False),
    sa.Column('swemwbs_raw', sa.SmallInteger(), nullable=False),
    sa.Column('swemwbs_metric', sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=False),
    sa.Column('confidence_work', sa.SmallInteger(), nullable=False),
    sa.Column('confidence_money', sa.SmallInteger(), nullable=False),
    sa.Column('confidence_childcare', sa.SmallInteger(), nullable=False),
    sa.Column('confidence_health', sa.SmallInteger(), nullable=False),
    sa.Column('confidence_skills', sa.SmallInteger(), nullable=False),
    sa.Column('confidence_support', sa.SmallInteger(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('note_shared', sa.Boolean(), nullable=False),
    sa.Column('contact_me', sa.Boolean(), nullable=False),
    sa.CheckConstraint('close BETWEEN 1 AND 5', name=op.f('ck_checkins_close_1_to_5')),
    sa.CheckConstraint('confidence_childcare BETWEEN 1 AND 10', name=op.f('ck_checkins_confidence_childcare_1_to_10')),
    sa.CheckConstraint('confidence_health BETWEEN 1 AND 10', name=op.f('ck_checkins_confidence_health_1_to_10')),
    sa.CheckConstraint('confidence_money BETWEEN 1 AND 10', name=op.f('ck_checkins_confidence_money_1_to_10')),
    sa.CheckConstraint('confidence_skills BETWEEN 1 AND 10', name=op.f('ck_checkins_confidence_skills_1_to_10')),
    sa.CheckConstraint('confidence_support BETWEEN 1 AND 10', name=op.f('ck_checkins_confidence_support_1_to_10')),
    sa.CheckConstraint('confidence_work BETWEEN 1 AND 10', name=op.f('ck_checkins_confidence_work_1_to_10')),
    sa.CheckConstraint('optimistic BETWEEN 1 AND 5', name=op.f('ck_checkins_optimistic_1_to_5')),
    sa.CheckConstraint('own_mind BETWEEN 1 AND 5', name=op.f('ck_checkins_own_mind_1_to_5')),
    sa.CheckConstraint('problems BETWEEN 1 AND 5', name=op.f('ck_checkins_problems_1_to_5')),
    sa.CheckConstraint('relaxed BETWEEN 1 AND 5', name=op.f('ck_checkins_relaxed_1_to_5')),
    sa.CheckConstraint('swemwbs_raw BETWEEN 7 AND 35', name=op.f('ck_checkins_swemwbs_raw_7_to_35')),
    sa.CheckConstraint('thinking BETWEEN 1 AND 5', name=op.f('ck_checkins_thinking_1_to_5')),
    sa.CheckConstraint('useful BETWEEN 1 AND 5', name=op.f('ck_checkins_useful_1_to_5')),
    sa.ForeignKeyConstraint(['participant_id'], ['users.id'], name=op.f('fk_checkins_participant_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
    sa.UniqueConstraint('uuid', name=op.f('uq_checkins_uuid'))
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_participant_recorded', ['participant_id', 'recorded_at'], unique=False)



def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_checkins_participant_recorded')

    op.drop_table('checkins')
