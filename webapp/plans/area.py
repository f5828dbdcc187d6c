"""Action plans: their pages, the next steps on a parent's Today page, plan events on the
record's timeline, overdue steps on the caseload, and the demo plan."""

from webapp.areas import Area, NavLink, Panel
from webapp.caseload.facts import CaseloadFact, CaseloadFlag
from webapp.caseload.timeline import TimelineSource
from webapp.demo.plans import seed_demo_plan
from webapp.models import Role
from webapp.plans import queries, record
from webapp.plans.routes import bp

AREA = Area(
    "plans",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.PARTICIPANT, "plans.my_plan", "My plan", 20),
        NavLink(Role.KEYWORKER, "plans.due_this_week", "Steps due", 20),
    ),
    today_panels=(Panel("plans/_today.html", queries.today_panel),),
    timeline_sources=(TimelineSource("plan", "Plan", record.plan_event_items),),
    caseload_facts=(
        CaseloadFact(
            "overdue_steps",
            "Overdue steps",
            record.overdue_steps_columns,
            record.present_overdue_steps,
        ),
    ),
    caseload_flags=(
        CaseloadFlag(
            "overdue_steps",
            "Steps in their plan overdue",
            record.overdue_steps_columns,
            record.overdue_steps_check,
        ),
    ),
    demo_seed=seed_demo_plan,
)
