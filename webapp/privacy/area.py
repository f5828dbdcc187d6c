"""Subject access and erasure: a parent's "My information"."""

from webapp.areas import Area, NavLink
from webapp.models import Role
from webapp.privacy.views import bp

AREA = Area(
    "privacy",
    blueprints=(bp,),
    navigation=(NavLink(Role.PARTICIPANT, "privacy.index", "My information", 80),),
)
