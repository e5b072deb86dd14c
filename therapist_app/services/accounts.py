"""Signing in and out: finding the account, checking the password, ending sessions on the server."""
from sqlalchemy import func, or_, select

from ..extensions import session
from ..models import User
from ..models.base import utcnow
from ..security.passwords import verify_password
from ..timezones import require_timezone

WRONG_CREDENTIALS = "That email (or sign-in name) and password don't match. Please try again."


def authenticate(login: str, password: str) -> User | None:
    """The active account with this email or sign-in name and password, else None. The same email
    may exist in two practices; the password decides which account is meant."""
    login = (login or "").strip().lower()
    candidates = session.scalars(
        select(User).where(or_(func.lower(User.email) == login, func.lower(User.sign_in_name) == login))
    ).all()
    for user in candidates:
        if verify_password(user.password_hash, password) and user.is_active_account:
            user.last_login_at = utcnow()
            return user
    if not candidates:
        verify_password(None, password)  # same cost whether or not the account exists
    return None


def end_all_sessions(user: User) -> None:
    """Every cookie issued before now stops working (logout, password change, deactivation)."""
    user.session_version += 1


def load_user(user_id: int, session_version: int) -> User | None:
    user = session.get(User, user_id)
    if user is None or user.session_version != session_version or not user.is_active_account:
        return None
    return user


def update_preferences(user: User, *, email_reminders: bool, reminder_hour: int, timezone: str) -> None:
    """Reminder preferences. Reminders are never sent at night (the form offers 08:00–20:00 only)."""
    user.email_reminders = email_reminders
    user.reminder_hour = min(max(reminder_hour, 8), 20)
    user.timezone = require_timezone(timezone)
    session.commit()


def set_timezone(user: User, timezone: str) -> None:
    """The person's own time zone; anything not on the list is refused with a message for the field."""
    user.timezone = require_timezone(timezone)
    session.commit()
