"""Each person's home: the first link in a parent's and a manager's navigation."""

from webapp.areas import Area, NavLink
from webapp.home.views import bp
from webapp.models import Role

AREA = Area(
    "home",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.PARTICIPANT, "home.today", "Today", 10),
        NavLink(Role.MANAGER, "home.manager", "Locality", 10),
        NavLink(Role.ADMIN, "home.manager", "Overview", 10),
    ),
)
