"""'Forgot your password?': a single-use, one-hour link by email, with the same answer for any address.

No table: the signed token carries the user id and a fingerprint of the current password hash, so
it stops working as soon as the password changes (it is used, or changed another way)."""
import hashlib
import secrets
import time
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from ..errors import RuleError
from ..extensions import session
from ..mail import messages
from ..mail.outbox import enqueue
from ..models import OutboxMessage, User
from ..models.base import utcnow
from ..security.audit import record
from ..security.passwords import hash_password, password_problem
from . import login_throttle
from .links import password_reset_link

LINK_UNUSABLE = ("This link has expired or has already been used. "
                 "You can ask for a new one on the sign-in page (\"Forgot your password?\").")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="therapist_app.password-reset")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash or ''}".encode()).hexdigest()[:20]


def _emails_sent_lately(user: User) -> int:
    return session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.user_id == user.id, OutboxMessage.unique_key.like("reset:%"),
        OutboxMessage.created_at > utcnow() - timedelta(hours=1)))


def request_reset(email: str, ip: str | None = None) -> None:
    """Queues a reset email to each active account with this address (at most a few an hour each).
    Returns nothing, after the same time whether or not an account exists: queuing an email costs
    about a millisecond more, which enough requests could measure."""
    started = time.perf_counter()
    _queue_reset_emails(email, ip)
    floor = current_app.config["THERAPIST_PASSWORD_RESET_ANSWER_SECONDS"]
    time.sleep(max(0.0, floor - (time.perf_counter() - started)))


def _queue_reset_emails(email: str, ip: str | None) -> None:
    email = (email or "").strip().lower()
    users = session.scalars(select(User).where(func.lower(User.email) == email,
                                               User.is_active_account.is_(True))).all()
    max_age = current_app.config["THERAPIST_PASSWORD_RESET_MAX_AGE"]
    for user in users:
        if _emails_sent_lately(user) < current_app.config["THERAPIST_PASSWORD_RESET_EMAILS_PER_HOUR"]:
            token = _serializer().dumps({"u": user.id, "f": _fingerprint(user)})
            text = messages.password_reset(user.display_name, password_reset_link(token),
                                           int(max_age.total_seconds() // 60))
            enqueue(user, f"reset:{user.id}:{secrets.token_hex(8)}", text)
        record(None, "password_reset_requested", user, ip)
    if not users:
        record(None, "password_reset_requested", None, ip)
    session.commit()


def open_reset(token: str) -> User:
    """The person a reset link is for, while it is usable; otherwise RuleError(LINK_UNUSABLE)."""
    max_age = current_app.config["THERAPIST_PASSWORD_RESET_MAX_AGE"].total_seconds()
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except BadSignature:  # also SignatureExpired
        raise RuleError(LINK_UNUSABLE) from None
    user = session.get(User, payload.get("u")) if isinstance(payload, dict) else None
    if user is None or not user.is_active_account or payload.get("f") != _fingerprint(user):
        raise RuleError(LINK_UNUSABLE)
    return user


def reset_password(token: str, password: str, ip: str | None = None) -> User:
    """Sets the new password once, ends every session of this person and any sign-in lockout."""
    user = open_reset(token)
    problem = password_problem(password)
    if problem:
        raise RuleError(problem, field="password")
    # Conditional update: of two uses of one link at once, exactly one wins.
    unchanged = (User.password_hash.is_(None) if user.password_hash is None
                 else User.password_hash == user.password_hash)
    won = session.execute(
        update(User).where(User.id == user.id, unchanged)
        .values(password_hash=hash_password(password), session_version=User.session_version + 1)
    ).rowcount
    if not won:
        session.rollback()
        raise RuleError(LINK_UNUSABLE)
    for login in filter(None, (user.email, user.sign_in_name)):
        login_throttle.clear(login)
    record(user.id, "password_reset", user, ip)
    session.commit()
    session.refresh(user)
    return user
