"""One-to-one sessions: a parent's sessions and the keyworker's diary, the next session and
what a break means for bookings on a parent's Today page, sessions, group places and reminders
on the timeline, the next session on the caseload, a reminder that did not arrive flagged on
the caseload, attended sessions as contact, the sessions report, the check of what session
feedback is about, and the demo's sessions."""

from webapp.areas import Area, NavLink, Panel
from webapp.caseload.facts import CaseloadFact, CaseloadFlag
from webapp.caseload.timeline import TimelineSource
from webapp.demo.bookings import seed_bookings, seed_large_groups, seed_large_sessions
from webapp.models import Role
from webapp.reports.figures import ReportSection
from webapp.sessions import queries, record, reminder_texts
from webapp.sessions.routes import bp

AREA = Area(
    "sessions",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.PARTICIPANT, "sessions.my_sessions", "Sessions", 30),
        NavLink(Role.KEYWORKER, "sessions.diary", "Diary", 30),
        NavLink(Role.MANAGER, "sessions.diaries", "Diaries", 25),
    ),
    today_panels=(
        Panel("sessions/_next_session.html", queries.today_panel),
        Panel("sessions/_break_today.html", queries.break_panel),
    ),
    record_panels=(Panel("sessions/_record_sessions.html", record.record_panel),),
    timeline_sources=(
        TimelineSource("sessions", "Sessions", record.session_items),
        TimelineSource("groups", "Group sessions", record.group_place_items),
        TimelineSource("reminders", "Reminders", reminder_texts.reminder_items),
    ),
    caseload_facts=(
        CaseloadFact(
            "next_session", "Next session", record.next_session_columns, record.present_next_session
        ),
    ),
    caseload_flags=(
        CaseloadFlag(
            "missed_session",
            "Did not attend their last session",
            record.missed_session_columns,
            record.missed_session_check,
        ),
        CaseloadFlag(
            "reminder_failed",
            "Reminder not delivered",
            reminder_texts.failed_reminder_columns,
            reminder_texts.failed_reminder_check,
        ),
    ),
    contact_columns=(record.attended_sessions_contact, record.attended_groups_contact),
    report_sections=(ReportSection("sessions", record.sessions_held_and_attended),),
    engagement_queries=(record.sessions_engagement,),
    demo_seed=seed_bookings,
    # The group sessions read the one-to-ones, so that no parent is in two places at once.
    large_demo_seeds=(seed_large_sessions, seed_large_groups),
    booking_check=queries.attended_session_label,
)
