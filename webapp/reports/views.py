"""Locality reports for managers: figures per period with charts, tables and CSV downloads."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from wtforms import Form, SelectField
from wtforms.fields.choices import SelectChoice

from webapp.models import Role
from webapp.reports import queries
from webapp.reports.charts import bar_chart
from webapp.reports.csv import csv_response
from webapp.reports.figures import (
    Scope,
    build_report,
    quarterly_return_rows,
    section_keys,
)
from webapp.reports.periods import Period, parse_quarter, quarter_label, recent_quarters
from webapp.services import audit
from webapp.web.extensions import db
from webapp.web.policy import allow

bp = Blueprint("reports", __name__, url_prefix="/reports")

ALL = 0


class ReportFilterForm(Form):
    period = SelectField("Period")
    locality = SelectField("Locality", coerce=int)


def report_scope() -> tuple[Scope, ReportFilterForm, str]:
    """The period and localities asked for, within what the signed-in manager may see."""
    form = ReportFilterForm(request.args)
    quarters = recent_quarters(date.today())
    form.period.choices = [SelectChoice(p.key, quarter_label(p)) for p in quarters]
    period: Period = parse_quarter(form.period.data or "") or quarters[0]
    form.period.data = period.key
    if current_user.role == Role.ADMIN:
        localities = queries.localities(db.session)
        form.locality.choices = [
            SelectChoice(ALL, "All localities"),
            *(SelectChoice(loc.id, loc.name) for loc in localities),
        ]
        chosen = form.locality.data or ALL
        if chosen not in {loc.id for loc in localities}:
            chosen = ALL
        form.locality.data = chosen
        ids = [loc.id for loc in localities if chosen in (ALL, loc.id)]
        name = next((loc.name for loc in localities if loc.id == chosen), "All localities")
    else:
        locality = current_user.locality
        form.locality.choices = [SelectChoice(locality.id, locality.name)]
        form.locality.data = locality.id
        ids, name = [locality.id], locality.name
    return Scope(ids, period), form, name


@bp.route("/")
@allow(Role.MANAGER, Role.ADMIN)
def index():
    scope, form, locality_name = report_scope()
    sections = build_report(db.session, scope)
    charts = {s.key: bar_chart(s.rows) for s in sections if s.chart}
    return render_template(
        "reports/index.html",
        form=form,
        sections=sections,
        charts=charts,
        locality_name=locality_name,
        period=scope.period,
        period_label=quarter_label(scope.period),
        query=request.args.to_dict(),
    )


@bp.route("/<key>.csv")
@allow(Role.MANAGER, Role.ADMIN)
def download(key: str):
    if key not in section_keys():
        abort(404)
    scope, _, locality_name = report_scope()
    section = next(s for s in build_report(db.session, scope) if s.key == key)
    audit.record(db.session, "report.downloaded", actor=current_user, report=key)
    db.session.commit()
    return csv_response(
        f"coplan-{key}-{scope.period.key}.csv",
        ["Locality", "Period", *section.columns],
        [(locality_name, scope.period.key, *row) for row in section.rows],
    )


@bp.route("/quarterly-return.csv")
@allow(Role.MANAGER, Role.ADMIN)
def quarterly_return():
    scope, _, locality_name = report_scope()
    sections = build_report(db.session, scope)
    audit.record(db.session, "report.downloaded", actor=current_user, report="quarterly-return")
    db.session.commit()
    return csv_response(
        f"coplan-quarterly-return-{scope.period.key}.csv",
        ["Locality", "Period", "Section", "Measure", "Value"],
        quarterly_return_rows(sections, locality_name, scope.period),
    )
