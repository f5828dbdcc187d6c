"""The caseload and each participant's record, with the service record's own timeline items,
columns, flags and contact, and its demo data."""

from webapp.areas import Area, NavLink
from webapp.caseload import facts, timeline
from webapp.caseload.facts import CaseloadFact, CaseloadFlag
from webapp.caseload.routes import bp
from webapp.caseload.timeline import TimelineSource
from webapp.demo.caseload import seed_service_record
from webapp.models import Role

AREA = Area(
    "caseload",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.PARTICIPANT, "caseload.my_notes", "Notes", 60),
        NavLink(Role.KEYWORKER, "caseload.index", "Caseload", 10),
        NavLink(Role.KEYWORKER, "caseload.invite", "Invite a parent", 40),
        NavLink(Role.MANAGER, "caseload.index", "Participants", 20),
        NavLink(Role.ADMIN, "caseload.index", "Participants", 20),
    ),
    timeline_sources=(
        TimelineSource("notes", "Notes", timeline.note_items),
        TimelineSource("referrals", "Referrals", timeline.referral_items),
        TimelineSource("outcomes", "Outcomes", timeline.outcome_items),
        TimelineSource("stages", "Pipeline stage", timeline.stage_items),
        TimelineSource("pauses", "Breaks", timeline.pause_items),
        TimelineSource("closures", "Closed and reopened", timeline.closure_items),
    ),
    caseload_facts=(
        CaseloadFact(
            "last_contact", "Last contact", facts.last_contact_columns, facts.present_last_contact
        ),
        CaseloadFact("stage", "Stage", facts.stage_columns, facts.present_stage),
    ),
    caseload_flags=(
        CaseloadFlag(
            "no_contact",
            f"No contact for {facts.NO_CONTACT_DAYS} days",
            facts.last_contact_columns,
            facts.no_contact_check,
        ),
        CaseloadFlag(
            "never_contacted",
            "Never contacted",
            facts.last_contact_columns,
            facts.never_contacted_check,
        ),
        CaseloadFlag(
            "contact_requested",
            "Asked to be contacted",
            facts.contact_request_columns,
            facts.contact_request_check,
        ),
    ),
    contact_columns=(facts.staff_notes_contact, facts.outcomes_contact),
    demo_seed=seed_service_record,
)
