"""Messages between a parent and the staff who work with them: a parent's Messages page."""

from webapp.areas import Area, NavLink
from webapp.messages.views import bp
from webapp.models import Role

AREA = Area(
    "messages",
    blueprints=(bp,),
    navigation=(NavLink(Role.PARTICIPANT, "messages.conversation", "Messages", 55),),
)
