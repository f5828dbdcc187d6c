"""CoPlan: co-produced action plans, school-hours bookings and wellbeing check-ins."""

from webapp.web.app import create_app

__all__ = ["create_app"]
