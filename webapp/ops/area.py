"""Health checks add only their addresses."""

from webapp.areas import Area
from webapp.ops.views import bp

AREA = Area("ops", blueprints=(bp,))
