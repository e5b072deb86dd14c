"""Single-use invitations that let a new partner or counselor choose a password, and new ones from the counselor."""
import secrets

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


def open_invitation(token: str) -> Invitation:
    """The invitation behind a link, if it is still usable; otherwise RuleError with a kind message."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise RuleError(EXPIRED_OR_USED) from None
    invitation = session.scalar(
        select(Invitation).where(Invitation.id == payload.get("i"), Invitation.nonce == payload.get("n"))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at < utcnow():
        raise RuleError(EXPIRED_OR_USED)
    if not invitation.user.is_active_account:
        raise RuleError(EXPIRED_OR_USED)
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
    if not won:
        session.rollback()
        raise RuleError(EXPIRED_OR_USED)
    user = invitation.user
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
        raise RuleError(f"{partner.display_name} has already chosen a password. If it is forgotten, "
                        "\"Forgot your password?\" on the sign-in page sends them a new-password link.")
    link = send_invitation(partner)
    record(counselor.id, "invitation_reissued", partner, ip)
    session.commit()
    return couple, (None if partner.email else link)
