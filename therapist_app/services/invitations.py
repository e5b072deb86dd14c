"""Single-use invitations that let a new partner or counselor choose a password, and new ones: from the
counselor for a partner, from the practice admin for a counselor."""
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from .. import access
from ..errors import NotFoundError, RuleError
from ..extensions import session
from ..mail import messages
from ..mail.outbox import enqueue
from ..models import Invitation, User
from ..models.base import utcnow
from ..security.audit import record
from ..security.passwords import hash_password, password_problem
from .links import invitation_link

EXPIRED_OR_USED = (
    "This invitation link has expired or has already been used. "
    "Please ask your counselor to send you a new one."
)
# Counselors and admins are invited by the practice's administrator, and may have chosen a password already.
STAFF_EXPIRED_OR_USED = (
    "This invitation link has expired or has already been used. "
    "Please ask your practice's administrator to send you a new one. If you have already chosen a password, "
    "sign in with it, or use \"Forgot your password?\" on the sign-in page."
)


def _unusable(user: User | None) -> RuleError:
    """The refusal of a link, in words for the person it was for (partners' when it names no one)."""
    return RuleError(EXPIRED_OR_USED if user is None or user.is_client else STAFF_EXPIRED_OR_USED)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="therapist_app.invitation")


def create_invitation(user: User) -> tuple[Invitation, str]:
    """A new invitation for `user` and the token for its link. Earlier open invitations stop working."""
    now = utcnow()
    session.execute(
        update(Invitation).where(Invitation.user_id == user.id, Invitation.used_at.is_(None)).values(used_at=now)
    )
    invitation = Invitation(
        user_id=user.id, nonce=secrets.token_urlsafe(24),
        expires_at=now + current_app.config["THERAPIST_INVITE_MAX_AGE"],
    )
    session.add(invitation)
    session.flush()
    return invitation, _serializer().dumps({"i": invitation.id, "n": invitation.nonce})


def send_invitation(user: User) -> str:
    """Creates an invitation and queues its email (when the person has an address). Returns the link."""
    invitation, token = create_invitation(user)
    link = invitation_link(token)
    days = current_app.config["THERAPIST_INVITE_MAX_AGE"].days
    text = (
        messages.invitation(user.display_name, link, days) if user.is_client
        else messages.counselor_invitation(user.display_name, user.practice.name, link, days)
    )
    enqueue(user, f"invite:{invitation.id}", text)
    return link


def _invitation_of(token: str) -> Invitation | None:
    """The invitation a link names, usable or not; None for a link we did not sign."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    return session.scalar(
        select(Invitation).where(Invitation.id == payload.get("i"), Invitation.nonce == payload.get("n"))
    )


def invitee_of(token: str) -> User | None:
    """Whom a link was made for, even once it is used or expired (pages at the door wear their look)."""
    invitation = _invitation_of(token)
    return invitation.user if invitation is not None else None


def open_invitation(token: str) -> Invitation:
    """The invitation behind a link, if it is still usable; otherwise RuleError with a kind message."""
    invitation = _invitation_of(token)
    if invitation is None:
        raise _unusable(None)
    if invitation.used_at is not None or invitation.expires_at < utcnow() or not invitation.user.is_active_account:
        raise _unusable(invitation.user)
    return invitation


def accept_invitation(token: str, password: str) -> User:
    invitation = open_invitation(token)
    problem = password_problem(password)
    if problem:
        raise RuleError(problem, field="password")
    # Conditional update: of two simultaneous uses, exactly one wins.
    won = session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.used_at.is_(None)).values(used_at=utcnow())
    ).rowcount
    user = invitation.user
    if not won:
        session.rollback()
        raise _unusable(user)
    user.password_hash = hash_password(password)
    user.session_version += 1
    record(user.id, "invitation_accepted", user)
    session.commit()
    return user


def reissue_for_partner(counselor: User, couple_id: int, partner_id: int, ip: str | None = None):
    """A new invitation for a partner of this counselor's couple; every earlier link stops working.
    By email for a partner who has not chosen a password yet; a fresh paper link for a partner
    without email (who has no other way back in). Returns (couple, paper link or None)."""
    couple = access.couple_for_counselor(counselor, couple_id)
    partner = next((p for p in couple.partners if p.id == partner_id), None)
    if partner is None:
        raise NotFoundError("partner")
    if partner.email and partner.password_hash:
        raise _already_chose_a_password(partner)
    link = _invite_again(counselor, partner, ip)
    return couple, (None if partner.email else link)


def reissue_for_counselor(admin: User, counselor_id: int, ip: str | None = None) -> User:
    """A new invitation email for a counselor of the admin's own practice (anyone else's: not found) who
    has not chosen a password yet; every earlier link stops working. Returns the counselor."""
    counselor = access.counselor_of_practice(admin, counselor_id)
    if counselor.password_hash:
        raise _already_chose_a_password(counselor)
    if not counselor.is_active_account:  # their link would only say it can't be used
        raise RuleError(f"{counselor.display_name} is deactivated. Reactivate them first, then send the "
                        "invitation again.")
    _invite_again(admin, counselor, ip)
    return counselor


def _already_chose_a_password(person: User) -> RuleError:
    return RuleError(f"{person.display_name} has already chosen a password. If it is forgotten, "
                     "\"Forgot your password?\" on the sign-in page sends them a new-password link.")


def _invite_again(sender: User, person: User, ip: str | None) -> str:
    """Sends `person` a new invitation (the earlier links stop working), audited under the sender."""
    link = send_invitation(person)
    record(sender.id, "invitation_reissued", person, ip)
    session.commit()
    return link


@dataclass(frozen=True)
class LinkState:
    """Where a person's newest invitation link stands, for the admin's list of counselors."""
    expires_at: datetime
    expired: bool


def link_states(people: list[User]) -> dict[int, LinkState]:
    """The newest invitation of each of these people (those who have one), by person id."""
    now, states = utcnow(), {}
    query = select(Invitation).where(Invitation.user_id.in_([p.id for p in people])).order_by(Invitation.id)
    for invitation in session.scalars(query):  # oldest first: each person ends with their newest
        states[invitation.user_id] = LinkState(invitation.expires_at, invitation.expires_at < now)
    return states
