"""sessions, availability, venues and school calendars

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Overlapping sessions for one keyworker or one parent are refused by the database itself:
on PostgreSQL by exclusion constraints over tstzrange (btree_gist), on SQLite by triggers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

ACTIVE = "status <> 'cancelled'"


def add_overlap_guards():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for column, name in (("keyworker_id", "keyworker"), ("participant_id", "participant")):
            op.execute(
                f"ALTER TABLE sessions ADD CONSTRAINT sessions_no_overlap_{name} "
                f"EXCLUDE USING gist ({column} WITH =, tstzrange(starts_at, ends_at) WITH &&) "
                f"WHERE ({ACTIVE})"
            )
    elif op.get_bind().dialect.name == "sqlite":
        # Same rule as the exclusion constraints: half-open ranges, cancelled sessions ignored.
        clash = (
            "SELECT 1 FROM sessions s WHERE s.status <> 'cancelled' AND s.id IS NOT NEW.id"
            " AND (s.keyworker_id = NEW.keyworker_id OR s.participant_id = NEW.participant_id)"
            " AND s.starts_at < NEW.ends_at AND NEW.starts_at < s.ends_at"
        )
        for event in ("INSERT", "UPDATE"):
            op.execute(
                f"CREATE TRIGGER sessions_no_overlap_{event.lower()} BEFORE {event} ON sessions "
                f"WHEN NEW.status <> 'cancelled' AND EXISTS ({clash}) "
                "BEGIN SELECT RAISE(ABORT, 'sessions_no_overlap'); END"
            )


def upgrade():
    op.create_table('school_calendar_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('locality_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('term', 'holiday', 'in-service', name='calendarentrykind', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_school_calendar_entries_order')),
    sa.ForeignKeyConstraint(['locality_id'], ['localities.id'], name=op.f('fk_school_calendar_entries_locality_id_localities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_calendar_entries'))
    )
    with op.batch_alter_table('school_calendar_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_calendar_entries_locality_id'), ['locality_id'], unique=False)

    op.create_table('school_calendars',
    sa.Column('locality_id', sa.Integer(), nullable=False),
    sa.Column('day_starts', sa.Time(), nullable=False),
    sa.Column('day_ends', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['locality_id'], ['localities.id'], name=op.f('fk_school_calendars_locality_id_localities')),
    sa.PrimaryKeyConstraint('locality_id', name=op.f('pk_school_calendars'))
    )
    op.create_table('venues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('locality_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('accessibility_notes', sa.Text(), nullable=False),
    sa.Column('has_creche', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['locality_id'], ['localities.id'], name=op.f('fk_venues_locality_id_localities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venues'))
    )
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venues_locality_id'), ['locality_id'], unique=False)

    op.create_table('availability_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keyworker_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('mode', sa.Enum('office', 'community-venue', 'phone', 'video', 'home-visit', name='sessionmode', native_enum=False, length=20), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_availability_rules_order')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_availability_rules_weekday')),
    sa.ForeignKeyConstraint(['keyworker_id'], ['users.id'], name=op.f('fk_availability_rules_keyworker_id_users')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_availability_rules_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_rules'))
    )
    with op.batch_alter_table('availability_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_availability_rules_keyworker_id'), ['keyworker_id'], unique=False)

    op.create_table('calendar_feed_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feed_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_tokens_token_hash'))
    )
    with op.batch_alter_table('calendar_feed_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feed_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('free_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_free_windows_order')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_free_windows_weekday')),
    sa.ForeignKeyConstraint(['participant_id'], ['users.id'], name=op.f('fk_free_windows_participant_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_free_windows'))
    )
    with op.batch_alter_table('free_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_free_windows_participant_id'), ['participant_id'], unique=False)

    op.create_table('group_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('locality_id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('led_by_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('creche_places', sa.Integer(), nullable=False),
    sa.Column('is_cancelled', sa.Boolean(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity > 0 AND creche_places >= 0', name=op.f('ck_group_sessions_places')),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_group_sessions_order')),
    sa.ForeignKeyConstraint(['led_by_id'], ['users.id'], name=op.f('fk_group_sessions_led_by_id_users')),
    sa.ForeignKeyConstraint(['locality_id'], ['localities.id'], name=op.f('fk_group_sessions_locality_id_localities')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_group_sessions_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_sessions'))
    )
    with op.batch_alter_table('group_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_sessions_locality_id'), ['locality_id'], unique=False)

    op.create_table('keyworker_settings',
    sa.Column('keyworker_id', sa.Integer(), nullable=False),
    sa.Column('session_minutes', sa.Integer(), nullable=False),
    sa.Column('buffer_minutes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['keyworker_id'], ['users.id'], name=op.f('fk_keyworker_settings_keyworker_id_users')),
    sa.PrimaryKeyConstraint('keyworker_id', name=op.f('pk_keyworker_settings'))
    )
    op.create_table('sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keyworker_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('mode', sa.Enum('office', 'community-venue', 'phone', 'video', 'home-visit', name='sessionmode', native_enum=False, length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('booked', 'cancelled', 'attended', 'did-not-attend', name='sessionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('starts_at < ends_at', name=op.f('ck_sessions_order')),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_sessions_booked_by_id_users')),
    sa.ForeignKeyConstraint(['keyworker_id'], ['users.id'], name=op.f('fk_sessions_keyworker_id_users')),
    sa.ForeignKeyConstraint(['participant_id'], ['users.id'], name=op.f('fk_sessions_participant_id_users')),
    sa.ForeignKeyConstraint(['venue_id'], ['venues.id'], name=op.f('fk_sessions_venue_id_venues')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sessions'))
    )
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.create_index('ix_sessions_keyworker_starts', ['keyworker_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_sessions_participant_starts', ['participant_id', 'starts_at'], unique=False)

    op.create_table('time_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keyworker_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['keyworker_id'], ['users.id'], name=op.f('fk_time_off_keyworker_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_off'))
    )
    with op.batch_alter_table('time_off', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_time_off_keyworker_id'), ['keyworker_id'], unique=False)

    op.create_table('group_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_session_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('creche_children', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('booked', 'cancelled', 'attended', 'did-not-attend', name='sessionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_session_id'], ['group_sessions.id'], name=op.f('fk_group_attendees_group_session_id_group_sessions')),
    sa.ForeignKeyConstraint(['participant_id'], ['users.id'], name=op.f('fk_group_attendees_participant_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_attendees')),
    sa.UniqueConstraint('group_session_id', 'participant_id', name=op.f('uq_group_attendees_group_session_id_participant_id'))
    )
    with op.batch_alter_table('group_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_attendees_group_session_id'), ['group_session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_attendees_participant_id'), ['participant_id'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=40), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_reminders_session_id_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('session_id', 'channel', name=op.f('uq_reminders_session_id_channel'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index('ix_reminders_due', ['sent_at', 'due_at'], unique=False)

    add_overlap_guards()



def downgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_due')

    op.drop_table('reminders')
    with op.batch_alter_table('group_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_attendees_participant_id'))
        batch_op.drop_index(batch_op.f('ix_group_attendees_group_session_id'))

    op.drop_table('group_attendees')
    with op.batch_alter_table('time_off', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_off_keyworker_id'))

    op.drop_table('time_off')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_participant_starts')
        batch_op.drop_index('ix_sessions_keyworker_starts')

    op.drop_table('sessions')
    op.drop_table('keyworker_settings')
    with op.batch_alter_table('group_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_sessions_locality_id'))

    op.drop_table('group_sessions')
    with op.batch_alter_table('free_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_free_windows_participant_id'))

    op.drop_table('free_windows')
    with op.batch_alter_table('calendar_feed_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_tokens_user_id'))

    op.drop_table('calendar_feed_tokens')
    with op.batch_alter_table('availability_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_rules_keyworker_id'))

    op.drop_table('availability_rules')
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venues_locality_id'))

    op.drop_table('venues')
    op.drop_table('school_calendars')
    with op.batch_alter_table('school_calendar_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_calendar_entries_locality_id'))

    op.drop_table('school_calendar_entries')


def downgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_due')

    op.drop_table('reminders')
    with op.batch_alter_table('group_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_attendees_participant_id'))
        batch_op.drop_index(batch_op.f('ix_group_attendees_group_session_id'))

    op.drop_table('group_attendees')
    with op.batch_alter_table('time_off', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_off_keyworker_id'))

    op.drop_table('time_off')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_participant_starts')
        batch_op.drop_index('ix_sessions_keyworker_starts')

    op.drop_table('sessions')
    op.drop_table('keyworker_settings')
    with op.batch_alter_table('group_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_sessions_locality_id'))

    op.drop_table('group_sessions')
    with op.batch_alter_table('free_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_free_windows_participant_id'))

    op.drop_table('free_windows')
    with op.batch_alter_table('calendar_feed_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feed_tokens_user_id'))

    op.drop_table('calendar_feed_tokens')
    with op.batch_alter_table('availability_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_rules_keyworker_id'))

    op.drop_table('availability_rules')
    with op.batch_alter_table('venues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venues_locality_id'))

    op.drop_table('venues')
    op.drop_table('school_calendars')
    with op.batch_alter_table('school_calendar_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_calendar_entries_locality_id'))

    op.drop_table('school_calendar_entries')
