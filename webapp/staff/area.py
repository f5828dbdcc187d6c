"""Staff accounts, for managers and admins."""

from webapp.areas import Area, NavLink
from webapp.models import Role
from webapp.staff.views import bp

AREA = Area(
    "staff",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.MANAGER, "staff.index", "Staff", 70),
        NavLink(Role.ADMIN, "staff.index", "Staff", 30),
    ),
)
