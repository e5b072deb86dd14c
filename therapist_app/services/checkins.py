"""The weekly trust check-in over time: each partner's own ratings, for their chart."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import load_only

from .. import access
from ..engine.presentation import definition_of, parsed_already
from ..extensions import session
from ..models import Assignment, Response, User, WorksheetVersion
from ..models.response import STATUS_SUBMITTED
from .worksheets import versions_by_id

METRICS = ("trust", "safety", "communication", "closeness")
# A partner's own chart leaves out how safe they feel: phones and screens are often shared.
PORTAL_METRICS = ("trust", "communication", "closeness")


@dataclass(frozen=True)
class CheckInPoint:
    at: datetime
    ratings: dict  # metric -> 0..10


# My homework charts the latest twelve (about three months of weekly check-ins); the partner's check-ins
# page has them all. Only those shown are decrypted, so the page costs the same in the second year.
RECENT_CHECK_INS = 12


def own_trust_series(partner: User, metrics=METRICS, latest: int | None = None) -> list[CheckInPoint]:
    """This partner's submitted check-in ratings of `metrics`, oldest first (only the `latest` ones, if
    given). Only ever their own."""
    points = []
    for point in _series(_SUBMITTED_BY_PARTNER, {"partner_id": partner.id}, latest)[partner.id]:
        ratings = {metric: value for metric, value in point.ratings.items() if metric in metrics}
        if ratings:
            points.append(CheckInPoint(point.at, ratings))
    return points


def couple_trust_series(counselor: User, couple) -> dict[int, list[CheckInPoint]]:
    """Both partners' series, for the couple's own counselor (their packet)."""
    access.require_counsels(counselor, couple)
    return _series(_SUBMITTED_BY_COUPLE, {"couple_id": couple.id})


# Two steps: which submitted responses answer a check-in (the kind lives in the cached definition),
# then the ratings of those alone, so that no exercise's long answers are decrypted for a chart.
# Built once: My homework asks on every visit (access.py says why).
def _submitted(criterion):
    return (select(Response.id, Assignment.worksheet_version_id, WorksheetVersion.content_hash)
            .join(Assignment, Assignment.id == Response.assignment_id)
            .join(WorksheetVersion, WorksheetVersion.id == Assignment.worksheet_version_id)
            .where(criterion, Response.status == STATUS_SUBMITTED)
            .order_by(Response.submitted_at.desc(), Response.id.desc()))


_SUBMITTED_BY_PARTNER = _submitted(Response.partner_id == bindparam("partner_id"))
_SUBMITTED_BY_COUPLE = _submitted(Assignment.couple_id == bindparam("couple_id"))
_RATINGS = (select(Response).where(Response.id.in_(bindparam("response_ids", expanding=True)))
            .options(load_only(Response.partner_id, Response.submitted, Response.submitted_at))
            .order_by(Response.submitted_at, Response.id))


def _series(submitted, params: dict, latest: int | None = None) -> dict[int, list[CheckInPoint]]:
    """`latest`: only the newest that many check-ins (for one partner's series)."""
    rows = session.execute(submitted, params).all()  # newest first: ids only, nothing decrypted
    parsed = {row.content_hash: parsed_already(row.content_hash) for row in rows}
    unparsed = {row.worksheet_version_id for row in rows if parsed[row.content_hash] is None}  # a new process
    for version in versions_by_id(unparsed).values():
        parsed[version.content_hash] = definition_of(version)
    definitions = {}
    for response_id, _, content_hash in rows:
        if parsed[content_hash].policy.charted:
            definitions[response_id] = parsed[content_hash]
            if latest is not None and len(definitions) == latest:
                break
    series: dict[int, list[CheckInPoint]] = defaultdict(list)
    if not definitions:
        return series
    responses = session.scalars(_RATINGS, {"response_ids": list(definitions)})
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
