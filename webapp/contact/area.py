"""How CoPlan contacts each parent: their "How we contact you" page, and the text provider's
callbacks (a STOP reply)."""

from webapp.areas import Area, NavLink
from webapp.contact.callbacks import bp as callbacks_bp
from webapp.contact.views import bp
from webapp.models import Role

AREA = Area(
    "contact",
    blueprints=(bp, callbacks_bp),
    navigation=(NavLink(Role.PARTICIPANT, "contact.choose", "How we contact you", 75),),
)
