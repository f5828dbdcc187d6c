"""People and a plan for the plans tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from webapp.models import User


@dataclass
class Cast:
    parent: User
    keyworker: User
    other_parent: User
    outsider: User  # a keyworker in another locality


@pytest.fixture
def cast(make) -> Cast:
    locality = make.locality()
    keyworker = make.keyworker(locality=locality, name="Ewan MacLeod")
    parent = make.participant(locality=locality, keyworker=keyworker, name="Aisha Rahman")
    other_parent = make.participant(locality=locality, keyworker=keyworker, name="Kirsty Donnelly")
    elsewhere = make.locality()
    outsider = make.keyworker(locality=elsewhere, name="Priya Sharma")
    return Cast(parent, keyworker, other_parent, outsider)
