"""Check-ins: their pages, the check-in panel on a parent's Today page and on their record,
check-ins on the timeline, wellbeing on the caseload, check-ins as contact, distance travelled
in the reports, and the demo check-ins."""

from webapp.areas import Area, NavLink, Panel
from webapp.caseload.facts import CaseloadFact, CaseloadFlag
from webapp.caseload.timeline import TimelineSource
from webapp.checkins import queries, record
from webapp.checkins.views import bp
from webapp.demo.checkins import seed_checkins, seed_large_checkins
from webapp.models import Role
from webapp.reports.figures import ReportSection

AREA = Area(
    "checkins",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.PARTICIPANT, "checkins.new", "Check in", 40),
        NavLink(Role.PARTICIPANT, "checkins.journey", "My journey", 50),
    ),
    today_panels=(Panel("checkins/_today_panel.html", queries.today_panel),),
    record_panels=(Panel("checkins/_record_section.html", queries.record_panel),),
    timeline_sources=(TimelineSource("checkins", "Check-ins", record.checkin_items),),
    caseload_facts=(
        CaseloadFact("wellbeing", "Wellbeing", record.wellbeing_columns, record.present_wellbeing),
    ),
    caseload_flags=(
        CaseloadFlag(
            "wellbeing",
            "Wellbeing dropped or asked for contact",
            record.wellbeing_columns,
            record.wellbeing_check,
        ),
    ),
    contact_columns=(record.checkins_contact,),
    report_sections=(ReportSection("distance_travelled", record.distance_travelled),),
    engagement_queries=(record.checkins_engagement,),
    demo_seed=seed_checkins,
    large_demo_seeds=(seed_large_checkins,),
)
