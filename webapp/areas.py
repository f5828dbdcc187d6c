"""What each area adds to the others, said once, in the area's own ``area.py``.

An area (plans, bookings, check-ins ...) is a folder under ``webapp/`` with its blueprint. What
it adds to other areas' pages it declares in one ``Area``: links in each role's navigation, a
panel on a parent's Today page or on a participant's record, timeline items, caseload columns
and flags, what counts as contact, report sections and engagement, its demo data. Nothing else
plugs one area into another.

``create_app`` collects the areas in one fixed order (``webapp.web.app.all_areas``) into an
``Areas`` kept on the app, and the pages that show those things read it with ``current()``.
Where the areas' parts are shown together, they come in the areas' order, except the
navigation (each link says its place) and the caseload columns and report sections (the
caseload and the reports put them in their own order, by key).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, current_app, render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from webapp.models import Locality, Role, User

if TYPE_CHECKING:
    from webapp.caseload.facts import CaseloadFact, CaseloadFlag, ContactColumn
    from webapp.caseload.timeline import TimelineSource
    from webapp.demo.large import LargeSeed
    from webapp.reports.figures import EngagementQuery, ReportSection

EXTENSION = "coplan_areas"

# (session, participant, booking id) -> a label for the session the parent took part in, or
# None when it is not one they attended.
BookingCheck = Callable[[Session, User, int], str | None]
DemoSeed = Callable[[Session, Locality], None]


@dataclass(frozen=True)
class NavLink:
    """A link in one role's navigation; ``place`` orders a role's links, smallest first."""

    role: Role
    endpoint: str
    label: str
    place: int


@dataclass(frozen=True)
class Panel:
    """A card an area shows on another's page: a partial, and a function that reads what it
    shows, ``(session, person) -> {name: value}``, so that the partial never queries."""

    template: str
    context: Callable[[Session, User], Mapping[str, Any]] = field(compare=False)

    def render(self, session: Session, person: User) -> Markup:
        return Markup(render_template(self.template, **self.context(session, person)))


@dataclass(frozen=True)
class Area:
    """Everything one area adds to the app and to the other areas."""

    name: str
    blueprints: tuple[Blueprint, ...] = ()
    navigation: tuple[NavLink, ...] = ()
    today_panels: tuple[Panel, ...] = ()  # on a parent's Today page
    record_panels: tuple[Panel, ...] = ()  # on a participant's record, for staff
    timeline_sources: tuple[TimelineSource, ...] = ()
    caseload_facts: tuple[CaseloadFact, ...] = ()
    caseload_flags: tuple[CaseloadFlag, ...] = ()
    contact_columns: tuple[ContactColumn, ...] = ()  # what counts as contact with the service
    report_sections: tuple[ReportSection, ...] = ()
    engagement_queries: tuple[EngagementQuery, ...] = ()
    demo_seed: DemoSeed | None = None  # `flask seed-demo`: (session, locality)
    large_demo_seeds: tuple[LargeSeed, ...] = ()  # `flask seed-demo --scale large`
    booking_check: BookingCheck | None = None  # what feedback about a booking may be about


@dataclass(frozen=True)
class Areas:
    """What all the areas add, put together in the areas' order."""

    names: tuple[str, ...]
    navigation: Mapping[Role, tuple[NavLink, ...]]
    today_panels: tuple[Panel, ...]
    record_panels: tuple[Panel, ...]
    timeline_sources: tuple[TimelineSource, ...]
    caseload_facts: tuple[CaseloadFact, ...]
    caseload_flags: tuple[CaseloadFlag, ...]
    contact_columns: tuple[ContactColumn, ...]
    report_sections: tuple[ReportSection, ...]
    engagement_queries: tuple[EngagementQuery, ...]
    demo_seeds: tuple[DemoSeed, ...]
    large_demo_seeds: tuple[LargeSeed, ...]
    booking_check: BookingCheck = field(compare=False)


def _joined(areas: Sequence[Area], part: str) -> tuple:
    return tuple(item for area in areas for item in getattr(area, part))


def _once(items: Sequence, key: Callable[[Any], str], what: str) -> None:
    seen = set()
    for item in items:
        if key(item) in seen:
            raise ValueError(f"two areas declare the {what} {key(item)!r}")
        seen.add(key(item))


def collect(areas: Sequence[Area]) -> Areas:
    """Put the areas' declarations together; two areas may not declare the same thing."""
    _once(areas, lambda a: a.name, "area")
    navigation: dict[Role, list[NavLink]] = defaultdict(list)
    for link in _joined(areas, "navigation"):
        navigation[link.role].append(link)
    for role, links in navigation.items():
        _once(links, lambda link: link.endpoint, f"{role.value} link to")
    checks = [area.booking_check for area in areas if area.booking_check is not None]
    if len(checks) != 1:
        raise ValueError("exactly one area checks the bookings that feedback is about")
    collected = Areas(
        names=tuple(area.name for area in areas),
        navigation={
            role: tuple(sorted(links, key=lambda link: link.place))
            for role, links in navigation.items()
        },
        today_panels=_joined(areas, "today_panels"),
        record_panels=_joined(areas, "record_panels"),
        timeline_sources=_joined(areas, "timeline_sources"),
        caseload_facts=_joined(areas, "caseload_facts"),
        caseload_flags=_joined(areas, "caseload_flags"),
        contact_columns=_joined(areas, "contact_columns"),
        report_sections=_joined(areas, "report_sections"),
        engagement_queries=_joined(areas, "engagement_queries"),
        demo_seeds=tuple(area.demo_seed for area in areas if area.demo_seed is not None),
        large_demo_seeds=_joined(areas, "large_demo_seeds"),
        booking_check=checks[0],
    )
    _once(collected.timeline_sources, lambda s: s.kind, "timeline items")
    _once(collected.caseload_facts, lambda f: f.key, "caseload column")
    _once(collected.caseload_flags, lambda f: f.key, "caseload flag")
    _once(collected.report_sections, lambda s: s.key, "report section")
    return collected


def init_app(app: Flask, areas: Sequence[Area]) -> None:
    """Register the areas' blueprints and keep what they add on the app."""
    for area in areas:
        for blueprint in area.blueprints:
            app.register_blueprint(blueprint)
    collected = collect(areas)
    missing = [
        link.endpoint
        for links in collected.navigation.values()
        for link in links
        if link.endpoint not in app.view_functions
    ]
    if missing:
        raise ValueError(f"navigation links to pages no area has: {', '.join(missing)}")
    app.extensions[EXTENSION] = collected


def of(app: Flask) -> Areas:
    return app.extensions[EXTENSION]


def current() -> Areas:
    """What the areas of the running app add."""
    return current_app.extensions[EXTENSION]


def render_panels(panels: Sequence[Panel], session: Session, person: User) -> list[Markup]:
    """Each panel drawn for this person, in order."""
    return [panel.render(session, person) for panel in panels]
