"""Documents on messages and goals: fetching them, adding one to a goal, and documents on the
record's timeline."""

from webapp.areas import Area
from webapp.caseload.timeline import TimelineSource
from webapp.documents.queries import document_items
from webapp.documents.views import bp

AREA = Area(
    "documents",
    blueprints=(bp,),
    timeline_sources=(TimelineSource("documents", "Documents", document_items),),
)
