"""End of care: archiving (discharge) and reactivating a couple, moving a couple to another counselor,
and deleting a couple's records for good. The couple's counselor or the practice admin decides; every
step is audited by ids only."""
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import selectinload

from .. import access
from ..errors import RuleError
from ..extensions import session
from ..models import (Appointment, Assignment, AssignmentSeries, Couple, Invitation, OutboxMessage, PendingSave,
                      Response, ResponseRevision, SessionSummary, SessionTopic, User)
from ..models.appointment import STATUS_CANCELLED, STATUS_SCHEDULED
from ..models.base import utcnow
from ..models.couple import STATUS_ACTIVE, STATUS_ARCHIVED
from ..models.response import needs_attention_clause
from ..models.user import ROLE_COUNSELOR
from ..pdf import cache
from ..security.audit import record
from .unsubscribe import take_back_queued_email

UNREAD_FIRST = ("{count} private answer{s} that need{verb} attention {have} not been read yet. Please read "
                "{them} on the couple's page (marked “needs attention” or “added a note”) before archiving, so that nothing "
                "waits unread once care has ended.")
WRONG_NAME = "That is not the couple's name as shown on this page. Type it exactly, or leave this page to keep everything."


def couple_for(actor: User, couple_id: int) -> Couple:
    """The couple, for its counselor or the practice admin; not found for anyone else."""
    return access.couple_for_steward(actor, couple_id)


@dataclass
class ArchiveResult:
    couple: Couple
    cancelled_sessions: int


def _unread_alerts(couple: Couple) -> int:
    return session.scalar(
        select(func.count(Response.id)).join(Assignment, Assignment.id == Response.assignment_id)
        .where(Assignment.couple_id == couple.id, needs_attention_clause())
    ) or 0


def archive(actor: User, couple_id: int, ip: str | None = None) -> ArchiveResult:
    """Ends care: the couple's records become read-only for everyone (access.couple_writable), sessions
    still to come are cancelled, reminders and "something new" emails not yet sent are taken back, and
    the scheduler gives them nothing more. Refused while a risk answer or a check-in note waits unread. Archiving twice
    changes nothing."""
    couple = access.couple_for_steward(actor, couple_id)
    if not access.couple_writable(couple):
        return ArchiveResult(couple, 0)
    unread = _unread_alerts(couple)
    if unread:
        many = unread != 1
        raise RuleError(UNREAD_FIRST.format(count=unread, s="s" if many else "", verb="" if many else "s",
                                            have="have" if many else "has", them="them" if many else "it"))
    upcoming = session.scalars(select(Appointment).where(
        Appointment.couple_id == couple.id, Appointment.status == STATUS_SCHEDULED,
        Appointment.starts_at > utcnow())).all()
    for appointment in upcoming:
        appointment.status = STATUS_CANCELLED
        record(actor.id, "session_cancelled", appointment, ip)
    for partner_id in (couple.partner_a_id, couple.partner_b_id):
        take_back_queued_email(partner_id)
    couple.status = STATUS_ARCHIVED
    record(actor.id, "archive_couple", couple, ip)
    session.commit()
    return ArchiveResult(couple, len(upcoming))


def reactivate(actor: User, couple_id: int, ip: str | None = None) -> Couple:
    """Care resumes: the records can change again. Cancelled sessions stay cancelled; repeating
    homework carries on from its next period."""
    couple = access.couple_for_steward(actor, couple_id)
    if couple.status != STATUS_ACTIVE:
        couple.status = STATUS_ACTIVE
        record(actor.id, "reactivate_couple", couple, ip)
        session.commit()
    return couple


# ---- moving couples to another counselor ---------------------------------------------------------

def counselors_to_take_over(admin: User, leaving_id: int | None) -> list[User]:
    """Active counselors of the admin's practice who could take a couple over (not the one leaving)."""
    query = select(User).where(User.practice_id == admin.practice_id, User.role == ROLE_COUNSELOR,
                               User.is_active_account.is_(True)).order_by(User.display_name, User.id)
    if leaving_id is not None:
        query = query.where(User.id != leaving_id)
    return list(session.scalars(query))


def _successor(admin: User, counselor_id: int, leaving_id: int) -> User:
    """The counselor who takes over: of the admin's own practice (anyone else does not exist here)."""
    successor = access.counselor_of_practice(admin, counselor_id)
    if successor.id == leaving_id:
        raise RuleError("This counselor already has these couples. Choose another counselor.", field="counselor")
    if not successor.is_active_account:
        raise RuleError("This counselor is deactivated. Choose an active counselor.", field="counselor")
    return successor


def transfer(admin: User, couple_id: int, counselor_id: int, ip: str | None = None) -> Couple:
    """The couple moves to another counselor of the same practice, with all their records; the earlier
    counselor no longer sees them. An archived couple may move too (their records stay read-only)."""
    couple = access.couple_for_admin(admin, couple_id)
    successor = _successor(admin, counselor_id, couple.counselor_id)
    couple.counselor_id = successor.id
    record(admin.id, "transfer_couple", couple, ip)
    session.commit()
    return couple


def couples_of_counselor(admin: User, counselor_id: int) -> list[Couple]:
    return list(session.scalars(select(Couple).where(Couple.practice_id == admin.practice_id,
                                                     Couple.counselor_id == counselor_id).order_by(Couple.id)))


def hand_over_all(admin: User, leaving: User, counselor_id: int | None, ip: str | None = None) -> int:
    """Before a counselor is deactivated: every couple of theirs (archived ones too) goes to
    `counselor_id`. With no one chosen, refused while any couple is still in care. Returns how many
    moved. The caller commits, together with the deactivation."""
    couples = couples_of_counselor(admin, leaving.id)
    if counselor_id is None:
        in_care = sum(access.couple_writable(c) for c in couples)
        if in_care:
            raise RuleError(f"{leaving.display_name} still has {in_care} couple{'s' if in_care != 1 else ''} in care. "
                            "Choose the counselor who takes them over.", field="transfer_to")
        return 0
    successor = _successor(admin, counselor_id, leaving.id)
    for couple in couples:
        couple.counselor_id = successor.id
        record(admin.id, "transfer_couple", couple, ip)
    return len(couples)


# ---- the admin's view of the practice's couples ---------------------------------------------------

SHOW = {"active": "In care", "archived": "Archived"}


def practice_couples(admin: User, show: str = "active") -> list[Couple]:
    """The practice's couples (names and counselor only: admins manage care, they do not read records)."""
    status = STATUS_ARCHIVED if show == "archived" else STATUS_ACTIVE
    return list(session.scalars(
        select(Couple).where(Couple.practice_id == admin.practice_id, Couple.status == status)
        .options(selectinload(Couple.partner_a), selectinload(Couple.partner_b), selectinload(Couple.counselor))
        .order_by(Couple.id)))


# ---- deleting for good ----------------------------------------------------------------------------

def _same_text(typed: str | None, expected: str) -> bool:
    normal = lambda text: unicodedata.normalize("NFC", " ".join((text or "").split()))  # noqa: E731
    return normal(typed) == normal(expected)


def delete_couple(actor: User, couple_id: int, typed_name: str | None, ip: str | None = None) -> int:
    """Deletes everything of the couple once `typed_name` is the couple's name as shown (Couple.label):
    answers and their earlier versions, homework and repeating homework, sessions with notes and
    summaries, topics, saves kept after a sign-out, invitations, email to the partners (and risk
    alerts about this couple), the partners' accounts, and their cached PDFs. What stays is one audit
    entry, "delete_couple", with the couple's id, who and when: no names, no health information.
    Returns the deleted couple's id."""
    couple = access.couple_for_steward(actor, couple_id)
    if not _same_text(typed_name, couple.label):
        raise RuleError(WRONG_NAME, field="confirm_name")
    couple_id = couple.id
    partners = [couple.partner_a_id, couple.partner_b_id]
    assignments = list(session.scalars(select(Assignment.id).where(Assignment.couple_id == couple_id)))
    appointments = select(Appointment.id).where(Appointment.couple_id == couple_id)
    responses = select(Response.id).where(or_(Response.assignment_id.in_(assignments), Response.partner_id.in_(partners)))
    record(actor.id, "delete_couple", couple, ip)
    steps = [
        delete(PendingSave).where(or_(PendingSave.user_id.in_(partners), PendingSave.assignment_id.in_(assignments))),
        delete(ResponseRevision).where(ResponseRevision.response_id.in_(responses)),
        delete(Response).where(Response.id.in_(responses)),
        delete(OutboxMessage).where(or_(OutboxMessage.user_id.in_(partners),
                                        OutboxMessage.unique_key.in_([f"risk:{a}" for a in assignments]))),
        delete(Invitation).where(Invitation.user_id.in_(partners)),
        delete(SessionSummary).where(SessionSummary.appointment_id.in_(appointments)),
        delete(SessionTopic).where(or_(SessionTopic.couple_id == couple_id, SessionTopic.author_id.in_(partners))),
        delete(Appointment).where(Appointment.couple_id == couple_id),
        delete(Assignment).where(Assignment.couple_id == couple_id),
        delete(AssignmentSeries).where(AssignmentSeries.couple_id == couple_id),
        delete(Couple).where(Couple.id == couple_id),
        # A partner's account exists for this one couple only (partner_a_id and partner_b_id are unique):
        # with the couple gone it would hold a name and an email for nothing. Audit entries they caused
        # stay as they were, naming them by id only (the audit log has no foreign keys).
        delete(User).where(User.id.in_(partners)),
    ]
    for step in steps:
        session.execute(step.execution_options(synchronize_session=False))
    session.commit()
    cache.purge_couple(couple_id)  # after the commit: a failed deletion keeps its PDFs with its rows
    return couple_id
