"""Messages between a parent and the staff who work with them: a parent's Messages page, and
each message on the record's timeline."""

from webapp.areas import Area, NavLink
from webapp.caseload.timeline import TimelineSource
from webapp.messages.record import message_items
from webapp.messages.views import bp
from webapp.models import Role

AREA = Area(
    "messages",
    blueprints=(bp,),
    navigation=(NavLink(Role.PARTICIPANT, "messages.conversation", "Messages", 55),),
    timeline_sources=(TimelineSource("messages", "Messages", message_items),),
)
