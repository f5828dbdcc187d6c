"""Handing parents on: keyworker changes on the record's timeline, and the cover page."""

from webapp.areas import Area, NavLink
from webapp.caseload.timeline import TimelineSource
from webapp.handover.queries import keyworker_change_items
from webapp.handover.views import bp
from webapp.models import Role

AREA = Area(
    "handover",
    blueprints=(bp,),
    navigation=(NavLink(Role.MANAGER, "handover.cover", "Cover", 72),),
    timeline_sources=(TimelineSource("keyworker", "Keyworker changes", keyworker_change_items),),
)
