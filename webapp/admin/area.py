"""The audit log and deletion requests, for managers and admins."""

from webapp.admin.views import bp
from webapp.areas import Area, NavLink
from webapp.models import Role

AREA = Area(
    "admin",
    blueprints=(bp,),
    navigation=(
        NavLink(Role.MANAGER, "admin.audit_log", "Audit log", 80),
        NavLink(Role.MANAGER, "admin.erasure_requests", "Deletion requests", 90),
        NavLink(Role.ADMIN, "admin.audit_log", "Audit log", 40),
        NavLink(Role.ADMIN, "admin.erasure_requests", "Deletion requests", 50),
    ),
)
