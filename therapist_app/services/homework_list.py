"""The partner's homework list: what each partner has to do, in order, with where they are in it."""
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from .. import access, visibility
from ..engine.presentation import definition_of
from ..extensions import session
from ..models import Assignment, Couple, User
from ..models.response import NOT_YET
from .responses import ResponseState, responses_by_assignment

STATUS_NOT_STARTED = "not_started"
STATUS_IN_PROGRESS = "draft"
STATUS_SUBMITTED = "submitted"
STATUS_ON_HOLD_BY_ME = "on_hold"
STATUS_LABELS = {
    STATUS_NOT_STARTED: "Not started yet",
    STATUS_IN_PROGRESS: "In progress",
    STATUS_SUBMITTED: "Submitted",
    STATUS_ON_HOLD_BY_ME: "You said “not yet”",
}


@dataclass
class HomeworkItem:
    assignment: Assignment
    definition: object
    status: str
    held: bool  # a readiness "not yet" holds this exercise; the partner sees only "not started yet"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# Built once, from access's rule (access.py says why).
_PARTNERS_LIST = (access.PARTNERS_ASSIGNMENTS
                  .order_by(Assignment.due_date.is_(None), Assignment.due_date, Assignment.id)
                  # Joined, not a second query: each row has one version, and its definition column is deferred.
                  .options(joinedload(Assignment.worksheet_version)))


def homework_for(partner: User) -> tuple[Couple, list[HomeworkItem], bool]:
    """The partner's list; paused or waiting joint homework is left out for both partners alike. Also
    whether joint homework waits for the check-ins to be read (asked once; the page says so)."""
    couple = access.couple_of_partner(partner)
    assignments = session.scalars(_PARTNERS_LIST, access.partner_params(partner, couple)).all()
    by_assignment = responses_by_assignment([a.id for a in assignments])
    waiting = visibility.joint_homework_waits(couple)
    items = []
    for assignment in assignments:
        definition = definition_of(assignment.worksheet_version)
        if visibility.hidden_from_partners(assignment, definition, waiting):
            continue  # paused: the neutral "next steps" line replaces joint homework for both alike
        mine = by_assignment.get(assignment.id, {}).get(partner.id)
        items.append(HomeworkItem(assignment, definition, *partner_status(assignment, mine, by_assignment.get(assignment.id, {}))))
    # What still needs doing comes first; submitted homework sinks to the end (stable: due dates stay in order).
    items.sort(key=lambda item: item.status == STATUS_SUBMITTED)
    return couple, items, waiting


def partner_status(assignment: Assignment, mine: ResponseState | None, all_responses: dict) -> tuple[str, bool]:
    if mine is not None and mine.readiness == NOT_YET:
        return STATUS_ON_HOLD_BY_ME, True
    held = any(r.readiness == NOT_YET for r in all_responses.values())
    if held or mine is None or mine.revision == 0:
        return STATUS_NOT_STARTED, held
    return (STATUS_SUBMITTED if mine.is_submitted else STATUS_IN_PROGRESS), False
