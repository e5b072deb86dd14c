"""Signing in and out: finding the account, checking and changing the password, ending sessions on the server."""
from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import joinedload

from ..errors import RuleError
from ..extensions import session
from ..models import User
from ..models.base import utcnow
from ..security.audit import record
from ..security.passwords import hash_password, password_problem, verify_password
from ..security.signed_out import ACCOUNT_CLOSED
from . import login_throttle, pending_saves, unsubscribe
from ..timezones import require_timezone

WRONG_CREDENTIALS = "That email (or sign-in name) and password don't match. Please try again."
NOT_CURRENT_PASSWORD = "That is not your current password. Please type it again."


class AccountDeactivated(RuleError):
    """The right password for an account the practice has deactivated: told so, not "doesn't match"
    (which sends a person to reset a password that would open nothing). Only the password's holder
    learns that the account exists; anyone else is told that the password doesn't match."""

    def __init__(self):
        super().__init__(ACCOUNT_CLOSED, field="password")


def authenticate(login: str, password: str) -> User | None:
    """The active account with this email or sign-in name and password, else None. The same email
    may exist in two practices; the password decides which account is meant. Raises
    login_throttle.LockedOut after too many wrong passwords for this email or name."""
    login = (login or "").strip().lower()
    _refuse_if_locked(login)  # before any password is checked
    candidates = session.scalars(
        select(User).where(or_(func.lower(User.email) == login, func.lower(User.sign_in_name) == login))
    ).all()
    deactivated = None
    for user in candidates:
        if verify_password(user.password_hash, password):
            if not user.is_active_account:
                deactivated = user
                continue
            user.last_login_at = utcnow()
            login_throttle.clear(login)
            return user
    if deactivated is not None:
        record(None, "login_refused_deactivated", deactivated)
        session.commit()
        raise AccountDeactivated()
    if not candidates:
        verify_password(None, password)  # same cost whether or not the account exists
    login_throttle.record_failure(login)  # commits
    # Filed under each account the login names (its practice's admin sees it), by id only; a login
    # that names no account is kept with no practice (docs/security.md). After the throttle's own
    # commit: appending locks the chain head, and a transaction holding it should take no other lock.
    for user in candidates or [None]:
        record(None, "login_failed", user)
    session.commit()
    return None


def email_taken(practice_id: int, email: str) -> bool:
    """Whether someone in this practice already uses this email address (in any letter case)."""
    return session.scalar(
        select(User.id).where(User.practice_id == practice_id, func.lower(User.email) == email.strip().lower())
    ) is not None


def _refuse_if_locked(login: str) -> None:
    """Raises login_throttle.LockedOut, recorded, while this login is locked out."""
    try:
        login_throttle.check(login)
    except login_throttle.LockedOut:
        record(None, "login_refused_locked")  # which account is not said: the lockout answers alike for all
        session.commit()
        raise


def signed_in(user: User, address: str | None) -> None:
    """Records a sign-in that has just started a session (security.identity.sign_in set the cookie)."""
    record(user.id, "login", user, address)
    session.commit()


def end_all_sessions(user: User) -> None:
    """Every cookie issued before now stops working (logout, password change, deactivation), and
    answers kept from those sessions after an idle sign-out are dropped with them."""
    user.session_version += 1
    pending_saves.discard_for(user.id)


def sign_out(user: User, address: str | None) -> None:
    """Ends every session of this person on every server, and records it (no content, ever)."""
    end_all_sessions(user)
    record(user.id, "logout", user, address)
    session.commit()


def change_password(user: User, current: str, new: str, ip: str | None = None) -> None:
    """A signed-in person's new password. Every session of theirs ends; the caller signs this one
    in again. Wrong current passwords count towards the account's sign-in lockout."""
    login = user.email or user.sign_in_name or ""
    _refuse_if_locked(login)
    if not verify_password(user.password_hash, current):
        login_throttle.record_failure(login)
        raise RuleError(NOT_CURRENT_PASSWORD, field="current")
    problem = password_problem(new)
    if problem:
        raise RuleError(problem, field="password")
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    record(user.id, "password_changed", user, ip)
    session.commit()


# The practice comes in the same query: nearly every page reads it (footer, gates), and the user,
# held for the whole request, keeps it in the session's (weak) identity map. Built once: every
# signed-in request runs it, and building it (with its loader option) cost more than running it.
_USER_WITH_PRACTICE = select(User).options(joinedload(User.practice)).where(User.id == bindparam("user_id"))


def is_deactivated(user_id: int | None) -> bool:
    """Whether this account exists and the practice has deactivated it (asked only once a cookie of
    theirs stops working, to tell them why)."""
    return user_id is not None and session.scalar(select(User.is_active_account).where(User.id == user_id)) is False


def load_user(user_id: int, session_version: int) -> User | None:
    user = session.execute(_USER_WITH_PRACTICE, {"user_id": user_id}).scalar_one_or_none()
    if user is None or user.session_version != session_version or not user.is_active_account:
        return None
    return user


def update_preferences(user: User, *, email_reminders: bool, reminder_hour: int, timezone: str) -> None:
    """Email preferences. Reminders are never sent at night (the form offers 08:00–20:00 only). Turned
    off, the portal's email stops at once: what is queued is taken back."""
    if user.email_reminders and not email_reminders:
        unsubscribe.take_back_queued_email(user.id)
    user.email_reminders = email_reminders
    user.reminder_hour = min(max(reminder_hour, 8), 20)
    user.timezone = require_timezone(timezone)
    session.commit()


def set_timezone(user: User, timezone: str) -> None:
    """The person's own time zone; anything not on the list is refused with a message for the field."""
    user.timezone = require_timezone(timezone)
    session.commit()
