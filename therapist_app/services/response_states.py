"""What lists show of each response: its state, never its answers. Loading only these keeps list pages
(My homework, the couple page, the caseload, the packet's status table) from decrypting and parsing
every answer ever written."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from ..extensions import session
from ..models import Response
from ..models.response import ResponseStateRules

STATUS_COLUMNS = (Response.id, Response.assignment_id, Response.partner_id, Response.status, Response.revision,
                  Response.readiness, Response.risk_flagged, Response.submitted_at, Response.reviewed_at,
                  Response.addendum_at)


@dataclass(frozen=True, slots=True)
class ResponseState(ResponseStateRules):
    """A response as lists see it: plain values of STATUS_COLUMNS, no answers to reach by mistake, and
    none of an ORM object's cost (about half the time of loading the same rows as objects)."""
    id: int
    assignment_id: int
    partner_id: int
    status: str
    revision: int
    readiness: str | None
    risk_flagged: bool
    submitted_at: datetime | None
    reviewed_at: datetime | None
    addendum_at: datetime | None


# Built once: every list asks (access.py says why).
_STATES = select(*STATUS_COLUMNS).where(Response.assignment_id.in_(bindparam("assignment_ids", expanding=True)))


def responses_by_assignment(assignment_ids: list[int]) -> dict[int, dict[int, ResponseState]]:
    """Every response to these assignments in one query, their state only:
    {assignment id: {partner id: state}}."""
    found: dict[int, dict[int, ResponseState]] = {}
    if assignment_ids:
        for row in session.execute(_STATES, {"assignment_ids": assignment_ids}):
            state = ResponseState(**row._mapping)
            found.setdefault(state.assignment_id, {})[state.partner_id] = state
    return found
