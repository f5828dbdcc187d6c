"""The booking world (a locality, its keyworkers and parents) the sessions tests use too."""

from tests.sessions.conftest import world  # noqa: F401 -- the fixture, shared
