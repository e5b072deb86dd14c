"""Giving homework to a couple or one partner: checks, assigning, sharing, agreements, cancelling."""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from .. import access, visibility
from ..engine.fields import kind_of
from ..engine.presentation import definition_of
from ..engine.schema import VISIBILITY_COUNSELOR, VISIBILITY_SHARED
from ..errors import RuleError
from ..extensions import session
from ..mail.outbox import withdraw
from ..models import Assignment, Couple, Response, User
from ..models.assignment import RELEASE_AFTER_REVIEW, RELEASE_WHEN_BOTH_SUBMITTED, STATUS_CANCELLED, STATUS_OPEN
from ..security.audit import record
from ..timezones import today_in
from . import worksheets
from .notices import ASSIGNED, notify_something_new

SAFETY_CHECK_IN_SLUG = "safety-check-in"


@dataclass
class AssignResult:
    assignments: list[Assignment]
    warning: str | None


def library_by_fit(couple: Couple, library: list) -> tuple[list, list]:
    """Exercises for the couple's current stage (and any-stage ones) first, then those ahead of it.
    Locked physical exercises are left out until the counselor unlocks them."""
    fits, ahead = [], []
    for version in library:
        definition = definition_of(version)
        if definition.requires_unlock and not couple.intimacy_unlocked:
            continue
        stage = f"stage {definition.stage}" if definition.stage else "any stage"
        label = f"{definition.title} ({stage}, {definition.estimated_minutes} min)"
        (ahead if definition.stage > couple.stage else fits).append((version, label))
    return fits, ahead


def stage_warning(couple: Couple, definition) -> str | None:
    warnings = []
    if definition.stage and definition.stage > couple.stage:
        warnings.append(f"This exercise belongs to stage {definition.stage}; the couple is in stage {couple.stage}. "
                        "It was assigned as you asked.")
    if couple.hurt_partner_id is None and has_role_parts(definition):
        warnings.append("This exercise has parts worded for the partner who was hurt and for the partner who "
                        "broke trust. “Who was hurt” is not set for this couple, so both answer only the parts "
                        "for everyone. Set it under Pacing and safety before they start, if it fits.")
    return " ".join(warnings) or None


GATE_WAITING = ("Joint homework waits until you have read both partners' private check-ins; until then both "
                "partners see the same neutral line.")
# Said whether a check-in is unsent or sent and unread: "have not been read" read as "were sent".
GATE_WARNING = ("Joint homework is open to them, though you have not yet read a private check-in from each "
                "partner.")


def gate_warning(couple: Couple, waiting: bool | None = None) -> str | None:
    """What the counselor is told about the joint-homework gate for this couple, or None. `waiting`:
    joint_homework_waits(couple), when the caller has already asked."""
    if visibility.joint_homework_waits(couple) if waiting is None else waiting:
        return GATE_WAITING
    return GATE_WARNING if visibility.joint_gate_warning(couple) else None


def has_role_parts(definition) -> bool:
    return any(section.only_for or any(f.only_for for f in section.fields) for section in definition.sections)


@dataclass
class CheckedAssignment:
    """What the counselor asked for, checked: the couple, the version, and one assignee per copy
    (None: a joint copy for both)."""
    couple: Couple
    version: object
    definition: object
    overrides: dict
    assignees: list
    release_mode: str


def check_assignment(counselor: User, couple_id: int, version_id: int, *, assignee_id: int | None,
                     due_date: date | None, visibility_overrides: dict | None, today: date,
                     release_mode: str | None = None) -> CheckedAssignment:
    couple = access.writable_couple_for_counselor(counselor, couple_id)
    version = worksheets.usable_version(counselor, version_id)
    definition = definition_of(version)
    if due_date is not None and due_date < today:
        raise RuleError("The due date is in the past. Please choose today or a later date.", field="due_date")
    if definition.requires_unlock and not couple.intimacy_unlocked:
        raise RuleError(
            "This exercise is locked for this couple. Unlock physical-intimacy exercises on the couple's page first.",
            field="worksheet",
        )
    if assignee_id is not None and not couple.has_partner(assignee_id):
        raise RuleError("Choose one of this couple's partners.", field="assignee")
    if definition.completed_by == "one_partner" and assignee_id is None:
        raise RuleError("This exercise is completed by one partner. Choose which one.", field="assignee")
    overrides = _checked_overrides(definition, visibility_overrides or {})
    release_mode = release_mode or definition.release
    if release_mode not in (RELEASE_WHEN_BOTH_SUBMITTED, RELEASE_AFTER_REVIEW):
        raise RuleError("Choose when the other partner sees shared answers.", field="release")
    # The private check-in is always individual: one assignment per partner, invisible to the other.
    if definition.policy.one_per_partner and assignee_id is None:
        assignees = [couple.partner_a_id, couple.partner_b_id]
    else:
        assignees = [assignee_id]
    return CheckedAssignment(couple, version, definition, overrides, assignees, release_mode)


def assign(counselor: User, couple_id: int, version_id: int, *, assignee_id: int | None = None,
           due_date: date | None = None, note: str | None = None,
           visibility_overrides: dict | None = None, today: date | None = None,
           release_mode: str | None = None) -> AssignResult:
    checked = check_assignment(counselor, couple_id, version_id, assignee_id=assignee_id, due_date=due_date,
                               visibility_overrides=visibility_overrides, today=today or today_in(counselor.timezone),
                               release_mode=release_mode)
    couple = checked.couple
    created = []
    for partner_id in checked.assignees:
        assignment = Assignment(
            couple_id=couple.id, worksheet_version_id=checked.version.id, assignee_id=partner_id,
            created_by_id=counselor.id, due_date=due_date, note=(note or "").strip() or None,
            visibility_overrides=checked.overrides, status=STATUS_OPEN, release_mode=checked.release_mode,
            released_fields=[],
        )
        session.add(assignment)
        created.append(assignment)
    session.flush()
    for assignment in created:
        notify_partners(couple, assignment)
    for assignment in created:
        record(counselor.id, "assign_homework", assignment)
    session.commit()
    # The joint-homework gate is not said here: the couple's page, where assigning leads, always says it.
    return AssignResult(created, stage_warning(couple, checked.definition))


def _checked_overrides(definition, overrides: dict) -> dict:
    known = {f.id for f in definition.all_fields()}
    cleaned = {}
    for field_id, who_sees in overrides.items():
        if field_id not in known or who_sees not in (VISIBILITY_COUNSELOR, VISIBILITY_SHARED):
            raise RuleError("The sharing settings name a question this worksheet does not have.", field="visibility")
        if not definition.policy.shareable and who_sees == VISIBILITY_SHARED:
            raise RuleError("Check-in answers are always for the counselor only.", field="visibility")
        cleaned[field_id] = who_sees
    return cleaned


def notify_partners(couple: Couple, assignment: Assignment, not_before=None) -> None:
    """"Something new in your portal" for each partner the assignment is for (notices decides who
    gets one and when); `not_before(partner)` may hold it until a humane hour (the scheduler creates
    recurring homework at any hour)."""
    for partner in couple.partners:
        if assignment.assigned_to(partner.id):
            notify_something_new(partner, ASSIGNED, f"{assignment.id}:{partner.id}",
                                 not_before=not_before(partner) if not_before else None)


def assign_safety_check_ins(counselor: User, couple: Couple, enabled: bool | None = None) -> list[Assignment]:
    """Each partner's private check-in, given when the couple is added, before joint homework
    (unless THERAPIST_ASSIGN_CHECK_IN_ON_NEW_COUPLE, or `enabled`, says otherwise)."""
    if enabled is None:
        enabled = current_app.config["THERAPIST_ASSIGN_CHECK_IN_ON_NEW_COUPLE"]
    if not enabled:
        return []
    try:
        version = worksheets.version_by_slug(SAFETY_CHECK_IN_SLUG)
    except LookupError:
        return []
    created = []
    for partner_id in (couple.partner_a_id, couple.partner_b_id):
        assignment = Assignment(
            couple_id=couple.id, worksheet_version_id=version.id, assignee_id=partner_id,
            created_by_id=counselor.id, visibility_overrides={}, status=STATUS_OPEN,
        )
        session.add(assignment)
        created.append(assignment)
    session.flush()
    for assignment in created:
        record(counselor.id, "assign_homework", assignment)
    return created


def set_sharing(counselor: User, assignment_id: int, shared_field_ids: list[str]) -> Assignment:
    """The counselor's per-assignment choice of which questions are shared. Fixed once anyone has
    submitted: partners answered under the old rule, and changing it then would disclose by surprise."""
    assignment = access.assignment_for_counselor(counselor, assignment_id)
    access.require_writable(assignment.couple, counselor)
    if session.scalar(select(Response.id).where(Response.assignment_id == assignment.id,
                                               Response.submitted_at.is_not(None))):
        raise RuleError("Sharing can't change after a partner has submitted: they answered under the current settings.")
    definition = definition_of(assignment.worksheet_version)
    wanted = set(shared_field_ids)
    overrides = {}
    for field in definition.all_fields():
        choice = VISIBILITY_SHARED if field.id in wanted else VISIBILITY_COUNSELOR
        if choice != field.visibility:
            overrides[field.id] = choice
    unknown = wanted - {f.id for f in definition.all_fields()}
    if unknown:
        raise RuleError("The sharing settings name a question this worksheet does not have.")
    assignment.visibility_overrides = _checked_overrides(definition, overrides)
    record(counselor.id, "change_sharing", assignment)
    session.commit()
    return assignment


def record_agreement(counselor: User, assignment_id: int, field_id: str, wording: str) -> Assignment:
    """The couple's agreed version of an `agreement` question, written down by the counselor."""
    assignment = access.assignment_for_counselor(counselor, assignment_id)
    access.require_writable(assignment.couple, counselor)
    definition = definition_of(assignment.worksheet_version)
    field = next((f for f in definition.all_fields() if f.id == field_id and kind_of(f).records_agreement), None)
    if field is None:
        raise RuleError("This question is not an agreement.")
    wording = (wording or "").strip()
    if len(wording) > field.max_length:
        raise RuleError(f"Please keep the agreed wording under {field.max_length:,} characters.", field="wording")
    agreements = dict(assignment.agreements or {})
    if wording:
        agreements[field_id] = wording
    else:
        agreements.pop(field_id, None)
    assignment.agreements = agreements
    record(counselor.id, "record_agreement", assignment)
    session.commit()
    return assignment


def cancel(counselor: User, assignment_id: int) -> Assignment:
    assignment = access.assignment_for_counselor(counselor, assignment_id)
    access.require_writable(assignment.couple, counselor)
    assignment.status = STATUS_CANCELLED
    withdraw([f"due-soon:{assignment.id}:", f"overdue:{assignment.id}:"])  # queued, not yet sent
    record(counselor.id, "cancel_assignment", assignment)
    session.commit()
    return assignment
