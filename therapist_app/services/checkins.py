"""The weekly trust check-in over time: each partner's own ratings, for their chart."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import load_only

from .. import access
from ..engine.presentation import definition_of
from ..extensions import session
from ..models import Assignment, Response, User
from ..models.response import STATUS_SUBMITTED
from .worksheets import versions_by_id

METRICS = ("trust", "safety", "communication", "closeness")
# A partner's own chart leaves out how safe they feel: phones and screens are often shared.
PORTAL_METRICS = ("trust", "communication", "closeness")


@dataclass(frozen=True)
class CheckInPoint:
    at: datetime
    ratings: dict  # metric -> 0..10


def own_trust_series(partner: User, metrics=METRICS) -> list[CheckInPoint]:
    """This partner's submitted check-in ratings of `metrics`, oldest first. Only ever their own."""
    points = []
    for point in _series(Response.partner_id == partner.id)[partner.id]:
        ratings = {metric: value for metric, value in point.ratings.items() if metric in metrics}
        if ratings:
            points.append(CheckInPoint(point.at, ratings))
    return points


def couple_trust_series(counselor: User, couple) -> dict[int, list[CheckInPoint]]:
    """Both partners' series, for the couple's own counselor (their packet)."""
    access.require_counsels(counselor, couple)
    return _series(Assignment.couple_id == couple.id)


def _series(condition) -> dict[int, list[CheckInPoint]]:
    # Two steps: which submitted responses answer a check-in (the kind lives in the cached definition),
    # then the ratings of those alone, so that no exercise's long answers are decrypted for a chart.
    rows = session.execute(
        select(Response.id, Assignment.worksheet_version_id)
        .join(Assignment, Assignment.id == Response.assignment_id)
        .where(condition, Response.status == STATUS_SUBMITTED)
    ).all()
    versions = versions_by_id(version_id for _, version_id in rows)  # mostly loaded already by the page
    definitions = {response_id: definition_of(versions[version_id]) for response_id, version_id in rows
                   if versions[version_id].policy.charted}
    series: dict[int, list[CheckInPoint]] = defaultdict(list)
    if not definitions:
        return series
    responses = session.scalars(
        select(Response).where(Response.id.in_(definitions))
        .options(load_only(Response.partner_id, Response.submitted, Response.submitted_at))
        .order_by(Response.submitted_at, Response.id)
    )
    for response in responses:
        ratings = {}
        for field in definitions[response.id].all_fields():
            metric = getattr(field, "metric", None)
            value = response.submitted["values"].get(field.id)
            if metric and isinstance(value, int):
                ratings[metric] = value
        if ratings:
            series[response.partner_id].append(CheckInPoint(response.submitted_at, ratings))
    return series
