"""Importing a caseload from a spreadsheet, for managers and admins."""

from webapp.areas import Area, NavLink
from webapp.imports.views import bp
from webapp.models import Role

AREA = Area(
    "imports",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.MANAGER, "imports.upload", "Import a caseload", 75),
        NavLink(Role.ADMIN, "imports.upload", "Import a caseload", 35),
    ),
)
