"""Sign-in adds only its pages."""

from webapp.areas import Area
from webapp.auth.routes import bp

AREA = Area("auth", blueprints=(bp,))
