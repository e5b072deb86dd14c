"""What the counselor sees of a couple: their homework, and the partners' answers side by side. (The
caseload is services/dashboard.py.)"""
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from .. import access, visibility
from ..engine.fields import STATE_LABELS, kind_of
from ..engine.presentation import definition_of, fields_for, label_for
from ..errors import RuleError
from ..extensions import session
from ..models import Assignment, Couple, Response, ResponseRevision, User
from ..models.base import utcnow
from ..models.assignment import STATUS_OPEN
from ..models.response import STATUS_SUBMITTED, answering_role, unread_by_counselor_clause
from ..security.audit import record
from . import audit_log
from .homework_list import STATUS_HELD, STATUS_LABELS, STATUS_ON_HOLD_BY_ME, partner_status
from .response_states import ResponseState, responses_by_assignment
from .risk import is_risk_answer


@dataclass
class PartnerCell:
    status: str
    status_label: str
    response: ResponseState | None  # its state only: lists never hold answers


@dataclass
class AssignmentRow:
    assignment: Assignment
    definition: object
    cells: dict[int, PartnerCell]
    hidden: str | None = None  # why the partners can't see it now (visibility.hidden_from_partners)


# The couple page's homework table shows the newest RECENT_ROWS assignments and, older than those, what
# still needs the counselor or the couple: a sent answer not read yet (or a note added since), and
# homework the counselor gave by hand that is not yet sent by everyone it was given to; and what changed
# since (for the timeline's latest events). A repeating
# check-in a partner let pass is left to the whole list: after two years of weekly check-ins the table
# would otherwise be some hundred rows long and the page twice as slow (docs/benchmarks.md).
RECENT_ROWS = 15
_COUPLE = bindparam("couple_id")
_LATEST, _EARLIER = aliased(Assignment), aliased(Assignment)  # apart from the table's own rows
_NEWEST = (select(_LATEST.id).where(_LATEST.couple_id == _COUPLE)
           .order_by(_LATEST.id.desc()).limit(RECENT_ROWS))
_UNREAD = exists().where(Response.assignment_id == Assignment.id, unread_by_counselor_clause())
_SENT = (select(func.count(Response.id)).where(Response.assignment_id == Assignment.id,
                                               Response.status == STATUS_SUBMITTED).scalar_subquery())
_OUTSTANDING = and_(Assignment.status == STATUS_OPEN, Assignment.series_id.is_(None),
                    _SENT < case((Assignment.assignee_id.is_(None), 2), else_=1))


# The counselor reads who said "not yet", and that the other waits for it (the partners read neutral words).
_COUNSELORS_LABELS = {STATUS_ON_HOLD_BY_ME: "Said “not yet”", STATUS_HELD: "Waits: the other said “not yet”"}


def is_outstanding(row: AssignmentRow) -> bool:
    """`_OUTSTANDING` for a row in hand: one-off homework, open, that a partner it was given to has not
    sent yet. Repeating homework's weeks are missed, not waiting, once the next one comes, and a
    stopped series would wait forever."""
    assignment = row.assignment
    return assignment.series_id is None and assignment.status == STATUS_OPEN and any(
        cell.response is None or not cell.response.is_submitted for cell in row.cells.values())


_NEWEST_FROM = select(func.min(_EARLIER.created_at)).where(_EARLIER.id.in_(_NEWEST)).scalar_subquery()
_ANSWERS = aliased(Response)


def _latest_answer(column):
    return select(func.max(column)).where(_ANSWERS.assignment_id == Assignment.id).scalar_subquery()


# Older homework with something newer than the newest fifteen's first assignment (sent, read, revealed,
# released): the couple page's latest timeline events are among these rows, since fifteen "assigned"
# events are at least as new as that first assignment. Each assignment's latest answer times as values,
# not an EXISTS: PostgreSQL, not knowing "since when" while planning, hashed the EXISTS over every
# response of the practice (a sequential scan of 390,000 rows in bench/scale_bench.py); a value it looks
# up through the answers' assignment index.
_ACTIVE_SINCE = or_(Assignment.revealed_at >= _NEWEST_FROM, Assignment.released_at >= _NEWEST_FROM,
                    _latest_answer(_ANSWERS.submitted_at) >= _NEWEST_FROM,
                    _latest_answer(_ANSWERS.reviewed_at) >= _NEWEST_FROM)
_ALL_OF_COUPLE = select(func.count(Assignment.id)).where(Assignment.couple_id == _COUPLE).scalar_subquery()
# Built once: the couple page is a counselor's most visited (access.py says why).
_COUPLES_HOMEWORK = (select(Assignment, _ALL_OF_COUPLE.label("total")).where(Assignment.couple_id == _COUPLE)
                     .order_by(Assignment.id.desc()).options(joinedload(Assignment.worksheet_version)))
_COUPLES_CURRENT_HOMEWORK = _COUPLES_HOMEWORK.where(or_(Assignment.id.in_(_NEWEST), _UNREAD, _OUTSTANDING,
                                                         _ACTIVE_SINCE, Assignment.release_pending))


@dataclass
class CoupleHomework:
    couple: Couple
    rows: list[AssignmentRow]
    waiting: bool  # joint homework waits for the check-ins to be read (asked once: the gate note says it too)
    total: int  # all the couple's assignments, shown or not

    @property
    def all_shown(self) -> bool:
        return len(self.rows) == self.total


def couple_homework(counselor: User, couple_id: int, everything: bool = True) -> CoupleHomework:
    """The couple's homework with each partner's state, newest first: all of it, or (`everything=False`)
    the newest and whatever older still needs attention."""
    couple = access.couple_for_counselor(counselor, couple_id)
    found = session.execute(_COUPLES_HOMEWORK if everything else _COUPLES_CURRENT_HOMEWORK,
                            {"couple_id": couple.id}).all()
    assignments = [row.Assignment for row in found]
    by_assignment = responses_by_assignment([a.id for a in assignments])
    waiting = visibility.joint_homework_waits(couple)
    rows = []
    for assignment in assignments:
        mine = by_assignment.get(assignment.id, {})
        cells = {}
        for partner in couple.partners:
            if not assignment.assigned_to(partner.id):
                continue
            status, _ = partner_status(assignment, mine.get(partner.id), mine)
            label = _COUNSELORS_LABELS.get(status) or STATUS_LABELS[status]
            cells[partner.id] = PartnerCell(status, label, mine.get(partner.id))
        definition = definition_of(assignment.worksheet_version)
        rows.append(AssignmentRow(assignment, definition, cells,
                                  visibility.hidden_from_partners(assignment, definition, waiting)))
    return CoupleHomework(couple, rows, waiting, found[0].total if found else 0)


@dataclass
class AnswerCell:
    applies: bool
    text: object = ""           # str, or a list of row dicts for a `rows` field
    asked: str = ""             # the question as its author was asked it (hurt/involved wording)
    value: object = None        # the raw answer (a 0–10 rating for a scale), for gaps between partners
    state: str | None = None    # "Skipped" / "Not ready yet"
    held_back: bool = False
    flagged: bool = False       # a risk answer of the private check-in


@dataclass
class AnswerRow:
    field: object
    section_title: str
    visibility: str
    cells: list[AnswerCell] = field(default_factory=list)

    @property
    def worded_differently(self) -> bool:
        """The partners were asked this question in different words: each answer shows its own."""
        return len({cell.asked for cell in self.cells if cell.applies}) > 1

    @property
    def gap(self) -> int | None:
        """How far apart the partners rated the same 0–10 question, when both did."""
        ratings = [c.value for c in self.cells if c.applies and not c.state and isinstance(c.value, int)]
        return abs(ratings[0] - ratings[1]) if kind_of(self.field).numeric and len(ratings) == 2 else None

    @property
    def records_agreement(self) -> bool:
        """The counselor writes down what the couple agreed on this question, in session."""
        return kind_of(self.field).records_agreement

    @property
    def question(self) -> str:
        """The question as asked, when both partners were asked the same words."""
        asked = [cell.asked for cell in self.cells if cell.applies]
        return asked[0] if asked and not self.worded_differently else self.field.label


@dataclass
class EarlierVersion:
    """A version the partner replaced: an earlier submission, or a save kept aside from a conflict."""
    partner: User
    kind: str
    at: object
    answers: list[tuple[str, object]]  # (question, answer text or table)


@dataclass
class SideBySide:
    assignment: Assignment
    definition: object
    partners: list[User]
    responses: list[Response | None]
    rows: list[AnswerRow]
    earlier: list[EarlierVersion] = field(default_factory=list)

    @property
    def can_comment(self) -> bool:
        return self.definition.policy.comments_allowed

    @property
    def shows_sharing(self) -> bool:
        return self.definition.policy.shareable

    @property
    def sharing_locked(self) -> bool:
        """Sharing is fixed once a partner has submitted: they answered under it."""
        return any(r is not None and r.submitted_at is not None for r in self.responses)


def sides_by_side(counselor: User, assignments: list[Assignment]) -> list[SideBySide]:
    """Both partners' submitted answers to each assignment, field by field, with skips and held-back
    answers marked: for the counselor of their couple only. In two queries whatever their number (the
    prep packet prints a dozen): every response, then every earlier submitted version."""
    for assignment in assignments:
        access.require_counsels(counselor, assignment.couple)
    ids = [a.id for a in assignments]
    responses = {(r.assignment_id, r.partner_id): r
                 for r in session.scalars(select(Response).where(Response.assignment_id.in_(ids)))} if ids else {}
    earlier = defaultdict(list)
    if responses:
        for revision in session.scalars(
                select(ResponseRevision).where(ResponseRevision.response_id.in_([r.id for r in responses.values()]),
                                               ResponseRevision.kind == "submitted")
                .order_by(ResponseRevision.created_at, ResponseRevision.id)):
            earlier[revision.response_id].append(revision)
    return [_side_by_side(a, responses, earlier) for a in assignments]


def _side_by_side(assignment: Assignment, all_responses: dict, earlier: dict) -> SideBySide:
    couple = assignment.couple
    definition = definition_of(assignment.worksheet_version)
    partners = [p for p in couple.partners if assignment.assigned_to(p.id)]
    responses = [all_responses.get((assignment.id, p.id)) for p in partners]
    roles = [answering_role(couple, p.id, r) for p, r in zip(partners, responses, strict=True)]
    # What each author was asked, given their own submitted answers (show_if).
    visible = [{f.id for f in fields_for(definition, role, r.submitted if r is not None and r.submitted else None)}
               for role, r in zip(roles, responses, strict=True)]
    risk_choice = couple.counselor.practice.risk_answers
    rows = []
    for section in definition.sections:
        for spec in section.fields:
            row = AnswerRow(spec, section.title, visibility.effective_visibility(assignment, spec))
            for index, response in enumerate(responses):
                if spec.id not in visible[index]:
                    row.cells.append(AnswerCell(applies=False))
                    continue
                asked = label_for(spec, roles[index])
                answers = response.submitted if response is not None and response.submitted else None
                if answers is None:
                    row.cells.append(AnswerCell(applies=True, asked=asked))
                    continue
                state = answers["states"].get(spec.id)
                row.cells.append(AnswerCell(
                    flagged=is_risk_answer(spec, answers["values"].get(spec.id), risk_choice) and not state,
                    applies=True, asked=asked, value=answers["values"].get(spec.id),
                    text=kind_of(spec).display(answers["values"].get(spec.id), spec) if not state else "",
                    state=STATE_LABELS.get(state),
                    held_back=spec.id in (response.held_back or ()),
                ))
            if any(cell.applies for cell in row.cells):
                rows.append(row)
    return SideBySide(assignment, definition, partners, responses, rows,
                      _earlier_versions(definition, partners, responses, roles, earlier))


def _earlier_versions(definition, partners, responses, roles, earlier: dict) -> list[EarlierVersion]:
    """Earlier submitted versions. Saves kept aside from an edit conflict are drafts, and a draft is
    seen by no one but its author, so they are never listed here."""
    by_id = {r.id: (p, role) for p, r, role in zip(partners, responses, roles, strict=True) if r is not None}
    revisions = sorted((rev for response_id in by_id for rev in earlier.get(response_id, ())),
                       key=lambda rev: (rev.created_at, rev.id))
    versions = []
    for revision in revisions:
        content = revision.content
        partner, role = by_id[revision.response_id]
        answers = [(label_for(spec, role), kind_of(spec).display(content["values"][spec.id], spec))
                   for spec in definition.all_fields()
                   if content["values"].get(spec.id) not in (None, "", []) and not content["states"].get(spec.id)]
        versions.append(EarlierVersion(partner, revision.kind, revision.created_at, answers))
    return versions


def answers_for_counselor(counselor: User, assignment_id: int) -> SideBySide:
    assignment = access.assignment_for_counselor(counselor, assignment_id)
    audit_log.viewed(counselor, "view_answers", assignment)
    return sides_by_side(counselor, [assignment])[0]


def response_for(counselor: User, response_id: int) -> Response:
    return access.response_for_counselor(counselor, response_id)


def mark_reviewed(counselor: User, response_id: int, comment: str | None = None) -> Response:
    response = access.response_for_counselor(counselor, response_id)
    access.require_writable(response.assignment.couple, counselor)
    if not response.is_submitted:
        raise RuleError("Only a submitted answer can be marked reviewed.")
    if not definition_of(response.assignment.worksheet_version).policy.comments_allowed:
        comment = None  # never a message on the private check-in: portals are read on shared devices
    response.reviewed_at = utcnow()
    response.counselor_comment = (comment or "").strip() or None
    record(counselor.id, "mark_reviewed", response)
    session.commit()
    return response
