"""Locality reports, and the service record's own report sections and engagement."""

from webapp.areas import Area, NavLink
from webapp.models import Role
from webapp.reports import figures
from webapp.reports.figures import ReportSection
from webapp.reports.views import bp

AREA = Area(
    "reports",
    blueprints=(bp,),
    navigation=(NavLink(Role.MANAGER, "reports.index", "Reports", 40),),
    report_sections=(
        ReportSection("engagement", figures.engagement),
        ReportSection("outcomes", figures.outcomes_by_type),
        ReportSection("stages", figures.people_by_stage),
        ReportSection("progressions", figures.progressions),
        ReportSection("job_entries", figures.job_entries),
        ReportSection("in_work", figures.in_work_support),
    ),
    engagement_queries=(
        figures.notes_engagement,
        figures.outcomes_engagement,
        figures.referrals_engagement,
        figures.stages_engagement,
    ),
)
