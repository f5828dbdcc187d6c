"""The manifest, service worker and offline pages add only their addresses."""

from webapp.areas import Area
from webapp.pwa.views import bp

AREA = Area("pwa", blueprints=(bp,))
