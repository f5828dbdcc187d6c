"""Group sessions (peer support, workshops): their pages. Places at them are on the record's
timeline through the sessions area, which seeds them in the demo too."""

from webapp.areas import Area
from webapp.groups.views import bp

AREA = Area("groups", blueprints=(bp,))
