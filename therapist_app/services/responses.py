"""A partner's answers: autosaved drafts, conflicts between devices, submission and the reveal."""
import copy
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from .. import access, visibility
from ..engine.completeness import ANSWER_NEEDED, too_long_fields, unanswered_fields
from ..engine.presentation import definition_of, fields_for
from ..engine.scoring import score_of
from ..errors import ConflictError, RuleError
from ..extensions import commit_keeping_what_is_loaded, session
from ..models import Assignment, Response, ResponseRevision, User
from ..models.base import utcnow
from ..models.response import NOT_YET, READY, ROLE_NOT_SET, STATUS_SUBMITTED, answering_role, empty_answers, merged_answers
from . import page_saves, releases
from .page_saves import PageSave
from .risk import alert_counselor, has_risk_answer, practice_risk_choice

CLOSED = "Your counselor has closed this exercise, so it can't be changed now. Everything you saved is kept."
REVIEWED = "Your counselor has already reviewed this answer, so it can't be changed now."
PAUSED = "Your counselor will talk with you about next steps."
HELD = ("This exercise isn't open right now. Anything you have written in it is kept, and your counselor will "
        "talk it through with you.")
SAID_NOT_YET = ("You said “not yet” to this exercise, so it waits. When you feel ready, open it from My homework "
                "and say so; everything you have written is kept.")
# The same words for both partners, whoever has or hasn't finished, whatever was answered.
WAITING = "More exercises will appear here after your counselor has checked in with you both."
CHECK_IN_SENT = "Your counselor will read this. If you would like to add something, you can do that here."


@dataclass
class PartnerWorksheet:
    """Everything one partner's page for one assignment may show, already filtered by access."""

    assignment: Assignment
    definition: object
    role: str | None
    response: Response | None
    answers: dict
    partner_shared: dict = field(default_factory=dict)  # the other partner's revealed answers
    partner_role: str | None = None  # the wording the other partner answered in
    awaiting_release: bool = False  # shared answers wait for the counselor to release them
    waiting_for_partner: bool = False
    held: bool = False
    writable: bool = True  # False once the couple is archived: the page is for reading only

    @property
    def fields(self):
        """The questions this partner is asked, given their answers so far (show_if)."""
        return fields_for(self.definition, self.role, self.answers)

    @property
    def missing(self) -> dict[str, str]:
        """What still blocks submitting the draft: field id -> what is needed."""
        return unanswered_fields(self.fields, self.answers)

    @property
    def too_long(self) -> dict[str, str]:
        """Answers kept as typed though longer than their question takes: field id -> what to do."""
        return too_long_fields(self.fields, self.answers)


# Built once: every exercise page asks (access.py says why).
_RESPONSE_OF = select(Response).where(Response.assignment_id == bindparam("assignment_id"),
                                      Response.partner_id == bindparam("partner_id"))


def _response_of(assignment_id: int, partner_id: int) -> Response | None:
    return session.scalar(_RESPONSE_OF, {"assignment_id": assignment_id, "partner_id": partner_id})


def _readiness_hold(assignment: Assignment) -> bool:
    return session.scalar(
        select(Response.id).where(Response.assignment_id == assignment.id, Response.readiness == NOT_YET)
    ) is not None


def _ensure_usable(partner: User, assignment: Assignment, definition) -> None:
    hidden = visibility.hidden_from_partners(assignment, definition)
    if hidden:
        raise RuleError({visibility.HIDDEN_PAUSED: PAUSED, visibility.HIDDEN_WAITING: WAITING}.get(hidden, HELD))


def open_worksheet(partner: User, assignment_id: int, with_partner: bool = True) -> PartnerWorksheet:
    """`with_partner=False`: without what the other partner shared (a save reads the form, nothing more)."""
    assignment = access.assignment_for_partner(partner, assignment_id)
    definition = definition_of(assignment.worksheet_version)
    _ensure_usable(partner, assignment, definition)
    response = _response_of(assignment.id, partner.id)
    role = answering_role(assignment.couple, partner.id, response)
    answers = copy.deepcopy(response.draft) if response else empty_answers()
    page = PartnerWorksheet(assignment, definition, role, response, answers,
                            writable=access.couple_writable(assignment.couple))
    if definition.readiness_check and _readiness_hold(assignment) and not (response and response.readiness == NOT_YET):
        page.held = True
    if assignment.is_joint and with_partner:
        other_id = assignment.couple.other_partner_id(partner.id)
        other = _response_of(assignment.id, other_id)
        other_role = answering_role(assignment.couple, other_id, other)
        page.partner_shared = visibility.answers_shared_with_partner(
            partner, assignment, other, fields_for(definition, other_role)
        )
        page.partner_role = other_role
        page.awaiting_release = assignment.waits_for_release and assignment.released_at is None
        page.waiting_for_partner = bool(response and response.is_submitted and assignment.revealed_at is None)
    return page


def _editable_response(partner: User, assignment_id: int,
                        opened: PartnerWorksheet | None = None) -> tuple[Assignment, object, Response]:
    """The partner's response, if they may still change it (created on the first save). `opened`: the
    page this request has just opened for the same partner and assignment (through access), whose
    objects serve instead of asking for them again."""
    if (opened is not None and opened.assignment.id == assignment_id
            and (opened.response is None or opened.response.partner_id == partner.id)):
        assignment, definition, response = opened.assignment, opened.definition, opened.response
    else:
        assignment = access.assignment_for_partner(partner, assignment_id)
        definition = definition_of(assignment.worksheet_version)
        response = _response_of(assignment.id, partner.id)
    access.require_writable(assignment.couple, partner)
    if not assignment.is_open:
        raise RuleError(CLOSED)
    _ensure_usable(partner, assignment, definition)
    if response is None:
        response = Response(assignment_id=assignment.id, partner_id=partner.id, draft=empty_answers(),
                            held_back=[], revision=0,
                            answered_as=assignment.couple.role_of(partner.id) or ROLE_NOT_SET)
        session.add(response)
        try:
            session.flush()
        except IntegrityError:  # the other device (or a double click) created it a moment ago
            session.rollback()
            response = _response_of(assignment.id, partner.id)
    if response.reviewed_at is not None:
        raise RuleError(REVIEWED)
    if definition.policy.hidden_once_sent and response.is_submitted:
        # Sent answers are never shown again (phones are shared); an addendum is the way to add.
        raise RuleError(CHECK_IN_SENT)
    return assignment, definition, response


def save_draft(partner: User, assignment_id: int, values: dict, states: dict, base_revision: int | None = None,
               opened: PartnerWorksheet | None = None, page_save: PageSave | None = None) -> Response:
    """Merges the posted answers into the server-side draft (`opened`: see _editable_response). A save
    based on an older revision that would change answers saved since is kept aside, never written over
    them, unless those answers came from the same page (`page_save`: see page_saves)."""
    for _ in range(3):
        try:
            return _save_draft_once(partner, assignment_id, values, states, base_revision, opened, page_save)
        except page_saves.MovedMeanwhile:
            session.rollback()  # another save of this answer landed after it was read: read it again
            opened = None
    raise RuleError("Several saves of this answer arrived at once. Your text is still here; please save again.")


def _save_draft_once(partner, assignment_id, values, states, base_revision, opened, page_save) -> Response:
    assignment, definition, response = _editable_response(partner, assignment_id, opened)
    order = page_saves.order_of(response, page_save)
    if order == page_saves.STALE:
        return response
    allowed = {f.id for f in fields_for(definition, answering_role(assignment.couple, partner.id, response))}
    values = {k: v for k, v in values.items() if k in allowed}
    states = {k: v for k, v in states.items() if k in allowed}
    if order == page_saves.OTHER and base_revision is not None and base_revision != response.revision:
        _refuse_if_conflicting(response, values, states, page_save)
    draft = merged_answers(response.draft, values, states)
    if draft != response.draft or page_saves.would_record(response, page_save):
        page_saves.claim(response)  # from here to the commit, no other save of this answer can land
    if draft != response.draft:
        response.draft = draft
        response.new_revision()
    page_saves.record(response, page_save)
    commit_keeping_what_is_loaded()  # the caller answers with the revision just written
    return response


def _refuse_if_conflicting(response: Response, values: dict, states: dict, page_save: PageSave | None) -> None:
    draft = response.draft
    differing = [k for k in values if draft["values"].get(k) != values[k]] + [
        k for k in states if draft["states"].get(k) != states[k]]
    if not differing:
        return
    # Both sides, as they stand: this page's save (and the page, which a reload shows it to), and the
    # newer answers it met, which the page's next save (once the person has seen both) may replace.
    newer = {k: draft["values"].get(k) for k in differing}
    session.add(ResponseRevision(response_id=response.id, kind="conflict", content={
        "values": values, "states": states, "newer": newer, **page_saves.naming(page_save)}))
    session.commit()
    raise ConflictError(
        "A newer version of some answers was saved after this page was opened (perhaps in another "
        "window). Both versions are kept: the newer one is shown under each answer. Edit the "
        "answer as you want it and save again.", response.revision, newer)


def set_readiness(partner: User, assignment_id: int, ready: bool) -> Response:
    assignment, definition, response = _editable_response(partner, assignment_id)
    if not definition.readiness_check:
        raise RuleError("This exercise has no readiness question.")
    response.readiness = READY if ready else NOT_YET
    session.commit()
    return response


def skip_unanswered(partner: User, assignment_id: int) -> Response:
    """The partner's deliberate choice to skip every optional question they left blank."""
    assignment, definition, response = _editable_response(partner, assignment_id)
    fields = fields_for(definition, answering_role(assignment.couple, partner.id, response), response.draft)
    blank = {field_id for field_id, problem in unanswered_fields(fields, response.draft).items()
             if problem != ANSWER_NEEDED}
    if blank:
        draft = copy.deepcopy(response.draft)
        draft["states"].update({field_id: "skipped" for field_id in blank})
        response.draft = draft
        response.new_revision()
        session.commit()
    return response


def submit(partner: User, assignment_id: int, held_back: list[str], revision: int) -> Response:
    """Submits the draft as reviewed on the review page. Submitting the same revision twice
    (a double click, a resent form) changes nothing the second time."""
    assignment, definition, response = _editable_response(partner, assignment_id)
    fields = fields_for(definition, answering_role(assignment.couple, partner.id, response), response.draft)
    if definition.readiness_check and _readiness_hold(assignment):
        raise RuleError(SAID_NOT_YET if response.readiness == NOT_YET else HELD)
    # Answers to questions a later choice hid are not part of what is submitted: the partner changed
    # course, and no one reads what they were no longer asked.
    answers = _only(response.draft, {f.id for f in fields})
    shareable = {f.id for f in fields if visibility.effective_visibility(assignment, f) == "shared"}
    kept_back = sorted(set(held_back) & shareable)
    # The same answers, revision and choice of what to keep back: a double click, or a resent form. A
    # new "keep this for my counselor" on a sent answer is a change, and is kept (it was dropped here).
    if response.is_submitted and response.submitted == answers and revision == response.revision \
            and kept_back == sorted(response.held_back or ()):
        return response
    _refuse_unless_ready_to_send(response, fields, revision)
    if response.submitted is not None:
        session.add(ResponseRevision(response_id=response.id, kind="submitted",
                                     content={**response.submitted, "held_back": response.held_back}))
        _unrelease_changed(assignment, partner, response.submitted, answers)
    response.submitted = answers
    response.held_back = kept_back
    response.status = STATUS_SUBMITTED
    response.submitted_at = utcnow()
    response.risk_flagged = has_risk_answer(definition, response.submitted, practice_risk_choice(assignment, definition))
    score = score_of(definition, answers)
    response.score = {"name": score.name, "value": score.value} if score else None
    if response.risk_flagged:
        alert_counselor(assignment)
    _reveal_if_both_submitted(assignment)
    releases.note_what_waits(assignment)
    session.commit()
    return response


def _refuse_unless_ready_to_send(response: Response, fields, revision: int) -> None:
    """The review that was read is the draft now, every question is answered or skipped, none too long."""
    if revision != response.revision:
        raise RuleError("Your answers changed after you opened the review. Please review them once more.")
    if unanswered_fields(fields, response.draft):
        raise RuleError("Some questions still need an answer or a choice to skip them.")
    if too_long_fields(fields, response.draft):
        raise RuleError("Some answers are longer than they can be. Please shorten them, then submit.")


def _unrelease_changed(assignment: Assignment, partner: User, before: dict, after: dict) -> None:
    """An answer the counselor released, then changed: the new words wait for the counselor again.
    Released once, an answer went on to the other partner however it was rewritten, unread."""
    if not assignment.waits_for_release or not assignment.released_fields:
        return
    changed = {field_id for part in ("values", "states")
               for field_id in set(before[part]) | set(after[part])
               if before[part].get(field_id) != after[part].get(field_id)}
    stale = {visibility.released_key(partner.id, field_id) for field_id in changed}
    if stale & set(assignment.released_fields):
        assignment.released_fields = [key for key in assignment.released_fields if key not in stale]


def _only(answers: dict, field_ids: set) -> dict:
    return {"values": {k: v for k, v in answers["values"].items() if k in field_ids},
            "states": {k: v for k, v in answers["states"].items() if k in field_ids}}


def _reveal_if_both_submitted(assignment: Assignment) -> None:
    if not assignment.is_joint or assignment.revealed_at is not None:
        return
    session.flush()
    submitted = session.scalars(
        select(Response.partner_id).where(Response.assignment_id == assignment.id, Response.status == STATUS_SUBMITTED)
    ).all()
    if {assignment.couple.partner_a_id, assignment.couple.partner_b_id} <= set(submitted):
        assignment.revealed_at = utcnow()
