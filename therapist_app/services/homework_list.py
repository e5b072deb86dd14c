"""The partner's homework list: what each partner has to do, in order, with where they are in it."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from .. import access, visibility
from ..engine.presentation import definition_of
from ..extensions import session
from ..models import Assignment, Couple, Response, User
from ..models.response import NOT_YET, STATUS_SUBMITTED as RESPONSE_SUBMITTED
from ..models.series import PASSED_INSTANCE
from .response_states import ResponseState, responses_by_assignment

STATUS_NOT_STARTED = "not_started"
STATUS_IN_PROGRESS = "draft"
STATUS_SUBMITTED = "submitted"
STATUS_ON_HOLD_BY_ME = "on_hold"
# Held by the other partner's "not yet": said in the same neutral words the exercise's page uses (the
# readiness answer is the counselor's alone). "Not started yet" was untrue of a partner's draft.
STATUS_HELD = "held"
STATUS_LABELS = {
    STATUS_NOT_STARTED: "Not started yet",
    STATUS_IN_PROGRESS: "In progress",
    STATUS_SUBMITTED: "Submitted",
    STATUS_ON_HOLD_BY_ME: "You said “not yet”",
    STATUS_HELD: "Not open right now",
}


@dataclass
class HomeworkItem:
    assignment: Assignment
    definition: object
    status: str
    held: bool  # a readiness "not yet" holds this exercise; the other partner sees "not open right now"
    submitted_at: datetime | None = None  # when this partner submitted it (the done list says so)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


# What the list shows of what is done: the latest few. A couple in care for two years has some two
# hundred check-ins and exercises behind them; the whole of it is one link away (finished_for), so that
# My homework stays short on a phone and costs the same in week 100 as in week 1 (docs/benchmarks.md).
RECENT_DONE = 5
FINISHED_PER_PAGE = 20

# This partner's own submission of an assignment (none: still to do).
_MY_SUBMISSION = ((Response.assignment_id == Assignment.id) & (Response.partner_id == bindparam("partner_id"))
                  & (Response.status == RESPONSE_SUBMITTED))
_MINE = aliased(Response)  # apart from the list's own join of this partner's sent answers
_BEGUN_BY_ME = exists().where(_MINE.assignment_id == Assignment.id, _MINE.partner_id == bindparam("partner_id"),
                              (_MINE.revision > 0) | (_MINE.status == RESPONSE_SUBMITTED))
# Joint homework is hidden from both partners while the couple is paused or waits for the check-ins to
# be read (visibility.hidden_from_partners, asked before the list): left out here, before the latest
# few are picked and counted, so that hidden work takes no place in them.
_SHOWN_NOW = or_(bindparam("joint_shown", type_=Boolean), Assignment.assignee_id.is_not(None))
# Built once, from access's rule (access.py says why). One query for the whole list: everything still to
# do (but a repeating check-in's missed weeks), the latest RECENT_DONE of what is done, and how many are
# done in all (window functions, numbered within each of the two groups). Joined, not a second query:
# each row has one version, and its definition column is deferred.
_RANKED = (access.PARTNERS_ASSIGNMENTS.where(_SHOWN_NOW, ~(PASSED_INSTANCE & ~_BEGUN_BY_ME))
           .with_only_columns(Assignment.id.label("assignment_id"), Response.id.label("submission_id"),
                              func.count(Response.id).over().label("done_total"),
                              func.row_number().over(partition_by=Response.id.is_(None),
                                                     order_by=(Response.submitted_at.desc(), Assignment.id.desc()))
                              .label("rank"), maintain_column_froms=True)
           .outerjoin(Response, _MY_SUBMISSION)
           .subquery())
_LIST = (select(Assignment, _RANKED.c.submission_id, _RANKED.c.done_total)
         .join(_RANKED, _RANKED.c.assignment_id == Assignment.id)
         .where(_RANKED.c.submission_id.is_(None) | (_RANKED.c.rank <= RECENT_DONE))
         # To do by due date; done newest first (by its rank).
         .order_by(_RANKED.c.submission_id.is_not(None),
                   case((_RANKED.c.submission_id.is_(None), 0), else_=_RANKED.c.rank),
                   Assignment.due_date.is_(None), Assignment.due_date, Assignment.id)
         .options(joinedload(Assignment.worksheet_version)))
# One page of what is done, newest first by when this partner submitted, with how many in all.
_DONE = (access.PARTNERS_ASSIGNMENTS.where(_SHOWN_NOW).add_columns(func.count().over().label("total"))
         .join(Response, _MY_SUBMISSION)
         .order_by(Response.submitted_at.desc(), Assignment.id.desc())
         .limit(bindparam("limit")).offset(bindparam("offset"))
         .options(joinedload(Assignment.worksheet_version)))
_DONE_COUNT = (access.PARTNERS_ASSIGNMENTS.where(_SHOWN_NOW)
               .with_only_columns(func.count(), maintain_column_froms=True).join(Response, _MY_SUBMISSION))


@dataclass
class HomeworkList:
    couple: Couple
    to_do: list[HomeworkItem]
    done: list[HomeworkItem]  # the latest RECENT_DONE (or one page of finished_for)
    done_total: int  # all this partner has submitted (that they may still see)
    waiting: bool  # joint homework waits for the check-ins to be read (asked once; the page says so)

    @property
    def items(self) -> list[HomeworkItem]:
        """What still needs doing first; what is done below it."""
        return self.to_do + self.done


def homework_for(partner: User) -> HomeworkList:
    """The partner's list: everything still to do, and the latest of what is done. Paused or waiting
    joint homework is left out for both partners alike."""
    couple = access.couple_of_partner(partner)
    waiting = visibility.joint_homework_waits(couple)
    rows = session.execute(_LIST, _params(partner, couple, waiting)).all()
    to_do = [row.Assignment for row in rows if row.submission_id is None]
    done = [row.Assignment for row in rows if row.submission_id is not None]
    done_total = rows[0].done_total if rows else 0
    to_do_items, done_items = _items(partner, [to_do, done], waiting)
    # Sent, but held since by a "not yet" of the other partner: it waits again, so it is listed with what waits.
    to_do_items += [item for item in done_items if item.status != STATUS_SUBMITTED]
    done_items = [item for item in done_items if item.status == STATUS_SUBMITTED]
    return HomeworkList(couple, to_do_items, done_items, done_total, waiting)


def finished_for(partner: User, page: int) -> HomeworkList:
    """One page (from 1) of everything this partner has submitted, newest first."""
    couple = access.couple_of_partner(partner)
    waiting = visibility.joint_homework_waits(couple)
    done, done_total = _done(_params(partner, couple, waiting), FINISHED_PER_PAGE, (page - 1) * FINISHED_PER_PAGE)
    (done_items,) = _items(partner, [done], waiting)
    return HomeworkList(couple, [], done_items, done_total, waiting)


def _params(partner: User, couple: Couple, waiting: bool) -> dict:
    return {**access.partner_params(partner, couple), "joint_shown": not (couple.joint_paused or waiting)}


def _done(params: dict, limit: int, offset: int) -> tuple[list[Assignment], int]:
    rows = session.execute(_DONE, {**params, "limit": limit, "offset": offset}).all()
    if rows or not offset:
        return [row[0] for row in rows], (rows[0].total if rows else 0)
    return [], session.scalar(_DONE_COUNT, params)  # a page past the end: how many pages there are


def _items(partner: User, lists: list[list[Assignment]], waiting: bool) -> list[list[HomeworkItem]]:
    by_assignment = responses_by_assignment([a.id for assignments in lists for a in assignments])
    shown = []
    for assignments in lists:
        items = []
        for assignment in assignments:
            definition = definition_of(assignment.worksheet_version)
            if visibility.hidden_from_partners(assignment, definition, waiting):
                continue  # paused: the neutral "next steps" line replaces joint homework for both alike
            responses = by_assignment.get(assignment.id, {})
            mine = responses.get(partner.id)
            status, held = partner_status(assignment, mine, responses)
            items.append(HomeworkItem(assignment, definition, status, held,
                                      mine.submitted_at if status == STATUS_SUBMITTED else None))
        shown.append(items)
    return shown


def partner_status(assignment: Assignment, mine: ResponseState | None, all_responses: dict) -> tuple[str, bool]:
    if mine is not None and mine.readiness == NOT_YET:
        return STATUS_ON_HOLD_BY_ME, True
    if any(r.readiness == NOT_YET for r in all_responses.values()):
        return STATUS_HELD, True
    if mine is None or mine.revision == 0:
        return STATUS_NOT_STARTED, False
    return (STATUS_SUBMITTED if mine.is_submitted else STATUS_IN_PROGRESS), False
