"""The parents' voice: ideas for parents, the summary for managers."""

from webapp.areas import Area, NavLink
from webapp.models import Role
from webapp.voice.views import bp

AREA = Area(
    "voice",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.PARTICIPANT, "voice.ideas", "Ideas", 70),
        NavLink(Role.MANAGER, "voice.overview", "Parents' voice", 60),
    ),
)
