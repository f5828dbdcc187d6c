"""Believable demo data for trying CoPlan out. Never for a live service.

The people are made here; each area's own demo data is in this package too (``plans.py``,
``bookings.py`` ...), declared in the area's ``area.py`` (``demo_seed``), and ``large.py``
builds the large dataset at DESIGN.md's scale."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp import areas
from webapp.auth.operations import create_user
from webapp.models import (
    Locality,
    ParticipantProfile,
    ParticipantStatus,
    Role,
    SchoolStage,
    User,
    utcnow,
)

DEMO_PASSWORD = "coplan-demo"


@dataclass(frozen=True)
class DemoSignIn:
    role: str
    email: str
    name: str


DEMO_SIGN_INS = [
    DemoSignIn("Parent", "parent@example.org", "Aisha Rahman"),
    DemoSignIn("Keyworker", "keyworker@example.org", "Ewan MacLeod"),
    DemoSignIn("Manager", "manager@example.org", "Morag Campbell"),
]

# name, email, phone, children's stages, keyworker (0 = Ewan, 1 = Priya), signed up yet?
DEMO_PARTICIPANTS = [
    ("Aisha Rahman", "parent@example.org", "07700 900101", ["nursery", "primary"], 0, True),
    ("Kirsty Donnelly", "kirsty.d@example.org", None, ["primary"], 0, True),
    ("Shannon McBride", None, "07700 900103", ["under-3", "primary"], 0, True),
    ("Gemma Robertson", "gemma.r@example.org", "07700 900104", ["secondary"], 1, True),
    ("Jodie Fraser", "jodie.f@example.org", None, ["nursery"], 1, True),
    ("Laura Reid", None, "07700 900106", ["primary", "secondary"], 1, False),
]


def database_is_empty(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User)) == 0


def seed_demo(session: Session) -> Locality:
    """One locality with a manager, two keyworkers and six parents."""
    locality = Locality(name="Glasgow North East")
    session.add(locality)
    session.flush()

    def staff(role: Role, name: str, email: str) -> User:
        return create_user(
            session,
            role=role,
            name=name,
            email=email,
            password=DEMO_PASSWORD,
            locality_id=locality.id,
        )

    staff(Role.MANAGER, "Morag Campbell", "manager@example.org")
    keyworkers = [
        staff(Role.KEYWORKER, "Ewan MacLeod", "keyworker@example.org"),
        staff(Role.KEYWORKER, "Priya Sharma", "priya.sharma@example.org"),
    ]
    now = utcnow()
    for name, email, phone, stages, keyworker, signed_up in DEMO_PARTICIPANTS:
        user = create_user(
            session,
            role=Role.PARTICIPANT,
            name=name,
            email=email,
            phone=phone,
            password=DEMO_PASSWORD if signed_up else None,
            locality_id=locality.id,
        )
        user.profile = ParticipantProfile(
            keyworker=keyworkers[keyworker],
            children_stages=[SchoolStage(s).value for s in stages],
            status=ParticipantStatus.ACTIVE if signed_up else ParticipantStatus.INVITED,
            consent_version="2026-11" if signed_up else None,
            consented_at=now if signed_up else None,
        )
    session.flush()
    for seed_area in areas.current().demo_seeds:
        seed_area(session, locality)
    return locality
