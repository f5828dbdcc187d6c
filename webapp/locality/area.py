"""A locality's set-up: venues and the school calendar, for its manager."""

from webapp.areas import Area, NavLink
from webapp.locality.views import bp
from webapp.models import Role

AREA = Area(
    "locality",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.MANAGER, "locality.venues", "Venues", 50),
        NavLink(Role.ADMIN, "locality.localities", "Localities", 15),
    ),
)
