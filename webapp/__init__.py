"""CoPlan: co-produced action plans, school-hours bookings and wellbeing check-ins."""

from webapp.app import create_app

__all__ = ["create_app"]
