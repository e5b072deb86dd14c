"""What partners see: when homework shows to them at all (pause, the joint-homework gate, locked
intimacy work), and which of one partner's answers the other may read. The counselor's side of a
couple's records is decided in access.py."""
from sqlalchemy import bindparam, select

from .access import couple_for_counselor
from .extensions import session
from .models import Assignment, Couple, Practice, Response, User, WorksheetVersion
from .models.practice import JOINT_GATE_BLOCK, JOINT_GATE_WARN
from .models.response import STATUS_SUBMITTED
from .models.user import ROLE_CLIENT


def may_see_partner_answers(viewer: User, assignment: Assignment) -> bool:
    """A partner sees the other's shared answers only on a joint assignment both have submitted."""
    return (
        viewer.role == ROLE_CLIENT
        and assignment.is_joint
        and assignment.couple.has_partner(viewer.id)
        and assignment.revealed_at is not None
    )


HIDDEN_PAUSED = "paused"
HIDDEN_LOCKED = "locked"
HIDDEN_WAITING = "waiting"  # joint homework waits for both private check-ins to be read


# Built once: the partners' list and the couple page ask (access.py says why).
_READ_INDIVIDUAL_WORK = (select(Response.partner_id, WorksheetVersion)
                         .join(Assignment, Assignment.id == Response.assignment_id)
                         .join(WorksheetVersion, WorksheetVersion.id == Assignment.worksheet_version_id)
                         .where(Assignment.couple_id == bindparam("couple_id"), Assignment.assignee_id.is_not(None),
                                Response.status == STATUS_SUBMITTED, Response.reviewed_at.is_not(None)))


def check_ins_read(couple: Couple) -> bool:
    """Whether each partner has a private check-in that is submitted and marked read by the counselor.
    Once true it stays true: a later check-in never takes joint homework away again (that would tell
    the other partner something)."""
    rows = session.execute(_READ_INDIVIDUAL_WORK, {"couple_id": couple.id}).all()
    read = {partner_id for partner_id, version in rows if version.policy.screens_safety}
    return {couple.partner_a_id, couple.partner_b_id} <= read


def joint_gate(couple: Couple) -> str:
    """The practice's joint-homework gate for this couple: "block", "warn" or "off"."""
    return session.get(Practice, couple.practice_id).joint_homework_gate or JOINT_GATE_BLOCK


def joint_homework_waits(couple: Couple) -> bool:
    """Joint homework is hidden from both partners alike until both check-ins are read ("block")."""
    return joint_gate(couple) == JOINT_GATE_BLOCK and not check_ins_read(couple)


def joint_gate_warning(couple: Couple) -> bool:
    """The counselor is warned: joint homework is open before both check-ins are read ("warn")."""
    return joint_gate(couple) == JOINT_GATE_WARN and not check_ins_read(couple)


def hidden_from_partners(assignment: Assignment, definition, waiting: bool | None = None) -> str | None:
    """Why the partners can't open this assignment now, or None: joint homework while the couple is
    paused or waits for both check-ins to be read, or a physical-intimacy exercise while those are
    locked. The one rule for pages, posts and the counselor's view of what the partners see.
    `waiting`: joint_homework_waits(couple), when the caller has already asked."""
    couple = assignment.couple
    if assignment.is_joint and couple.joint_paused:
        return HIDDEN_PAUSED
    if assignment.is_joint and (joint_homework_waits(couple) if waiting is None else waiting):
        return HIDDEN_WAITING
    if definition.requires_unlock and not couple.intimacy_unlocked:
        return HIDDEN_LOCKED
    return None


def effective_visibility(assignment: Assignment, field) -> str:
    return (assignment.visibility_overrides or {}).get(field.id, field.visibility)


def answers_shared_with_partner(viewer: User, assignment: Assignment, other: Response | None, fields) -> dict:
    """The other partner's answers that `viewer` may read: submitted, shared, not held back, actually
    answered and, on an assignment released after review, released by the counselor. Skips,
    not-ready choices, held-back and unreleased answers leave no trace at all."""
    if other is None or not other.is_submitted or not may_see_partner_answers(viewer, assignment):
        return {}
    if other.partner_id == viewer.id:
        return {}
    released = set(assignment.released_fields or ()) if assignment.waits_for_release else None
    return {field_id: value for field_id, value in shareable_answers(assignment, other, fields).items()
            if released is None or released_key(other.partner_id, field_id) in released}


def released_key(author_id: int, field_id: str) -> str:
    """How one partner's answer to one question is named in Assignment.released_fields."""
    return f"{author_id}:{field_id}"


def release_preview(counselor: User, assignment: Assignment, viewer: User, other: Response | None, fields) -> dict:
    """What `viewer` would read of the other partner's answers once everything is released: the
    counselor's preview before releasing. The counselor's own access is checked here."""
    couple_for_counselor(counselor, assignment.couple_id)
    if other is None or not other.is_submitted or other.partner_id == viewer.id or not assignment.is_joint:
        return {}
    return shareable_answers(assignment, other, fields)


def shareable_answers(assignment: Assignment, other: Response, fields) -> dict:
    """The sent answers of `other` that its author shares: not held back, not skipped, not empty."""
    held_back = set(other.held_back or ())
    values = other.submitted["values"]
    states = other.submitted["states"]
    return {
        field.id: values[field.id]
        for field in fields
        if effective_visibility(assignment, field) == "shared"
        and field.id not in held_back
        and not states.get(field.id)
        and values.get(field.id) not in (None, "", [])
    }
