"""Requests to join a locality, for its staff."""

from webapp.areas import Area, NavLink
from webapp.joining.views import bp
from webapp.models import Role

AREA = Area(
    "joining",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.KEYWORKER, "joining.queue", "Requests to join", 50),
        NavLink(Role.MANAGER, "joining.queue", "Requests to join", 30),
    ),
)
