"""Scored measures over time (the CSI-4 and any other worksheet with a `scoring:` block): each
partner's scores, for the counselor's couple page and the prep packet. Never shown to partners."""
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import load_only

from .. import access
from ..engine.presentation import definition_of
from ..extensions import session
from ..models import Assignment, Response, User, WorksheetVersion
from ..models.response import STATUS_SUBMITTED
from ..charts import measure_svg
from ..timezones import to_local


@dataclass
class ScoredTrend:
    name: str
    minimum: int
    maximum: int
    cutoff: float | None
    cutoff_label: str | None
    chart: object
    rows: list  # (day, [each partner's scores that day]), oldest first


# Whole rows (their scores sealed to them open only as entities), loading just these columns. Built
# once: the couple page asks on every visit (access.py says why).
_SCORED = (select(Response, WorksheetVersion)
           .options(load_only(Response.partner_id, Response.submitted_at, Response.score))
           .join(Assignment, Assignment.id == Response.assignment_id)
           .join(WorksheetVersion, WorksheetVersion.id == Assignment.worksheet_version_id)
           .where(Assignment.couple_id == bindparam("couple_id"), Response.status == STATUS_SUBMITTED,
                  Response.score.is_not(None))
           .order_by(Response.submitted_at))


def couple_measures(counselor: User, couple) -> list[ScoredTrend]:
    """One trend per scored measure the couple has answered, both partners on one chart, with the
    measure's cutoff line: for the couple's own counselor, dated on their clock."""
    access.require_counsels(counselor, couple)
    zone_name = counselor.timezone
    rows = session.execute(_SCORED, {"couple_id": couple.id}).all()
    by_measure: dict = {}
    for response, version in rows:
        scoring = definition_of(version).scoring
        if scoring is None or not response.score:
            continue
        entry = by_measure.setdefault(scoring.name, (scoring, {p.id: [] for p in couple.partners}))
        entry[1].setdefault(response.partner_id, []).append((response.submitted_at, response.score["value"]))
    return [_trend(couple, scoring, points, zone_name) for scoring, points in by_measure.values()]


def _trend(couple, scoring, points: dict, zone_name: str) -> ScoredTrend:
    names = {partner.id: partner.display_name for partner in couple.partners}
    lines = {names[pid]: values for pid, values in points.items() if pid in names}
    chart = measure_svg(lines, f"{scoring.name} over time", maximum=scoring.maximum, cutoff=scoring.cutoff,
                        cutoff_label=f"cutoff {scoring.cutoff:g}" if scoring.cutoff is not None else "")
    days: dict = {}
    for name, values in lines.items():
        for at, value in values:
            days.setdefault(to_local(at, zone_name).date(), {}).setdefault(name, []).append(_number(value))
    table = [(day, [days[day].get(name, []) for name in names.values()]) for day in sorted(days)]
    return ScoredTrend(scoring.name, scoring.minimum, scoring.maximum, scoring.cutoff, scoring.cutoff_label,
                       chart, table)


def _number(value) -> str:
    return f"{value:g}"
