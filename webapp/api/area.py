"""The JSON sync API adds only its addresses."""

from webapp.api.views import bp
from webapp.areas import Area

AREA = Area("api", blueprints=(bp,))
