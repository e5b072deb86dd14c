"""Failed sign-ins per account: after a few, a lockout that doubles with each further failure, capped.

Why the database and not the rate limiter's storage: every app server already shares the database,
so a lockout holds on all of them at once with no extra service to run (the limiter's default
storage is process memory), it survives restarts, and it can grow ("twice as long as last time"),
which the limiter's fixed windows cannot express. The limiter keeps the per-address bound.
"""
import hashlib
import hmac
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import RuleError
from ..extensions import session
from ..models import LoginThrottle
from ..models.base import utcnow


class LockedOut(RuleError):
    """Too many wrong passwords for this account: the words say how long to wait."""

    def __init__(self, seconds: int):
        super().__init__(
            f"Too many sign-in attempts for this account. Please wait {wait_words(seconds)}, then try again, "
            "or choose a new password with \"Forgot your password?\".")
        self.retry_after = seconds


def wait_words(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _key(login: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (login or "").strip().lower().encode(), hashlib.sha256).hexdigest()


def check(login: str, now: datetime | None = None) -> None:
    """Raises LockedOut while the account (or unknown address: the answer is the same) is locked."""
    now = now or utcnow()
    row = session.get(LoginThrottle, _key(login), populate_existing=True)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        raise LockedOut(math.ceil((row.locked_until - now).total_seconds()))


def _lock_seconds(failures: int) -> float:
    config = current_app.config
    first = config["THERAPIST_LOGIN_LOCKOUT_FIRST"].total_seconds()
    doublings = min(failures - config["THERAPIST_LOGIN_LOCKOUT_AFTER"], 20)
    return min(first * 2 ** doublings, config["THERAPIST_LOGIN_LOCKOUT_MAX"].total_seconds())


def _insert_if_missing(key: str) -> None:
    # Two app servers may record the first failure at once: whichever inserts second does nothing.
    dialect = {"sqlite": sqlite, "postgresql": postgresql}[session.get_bind().dialect.name]
    session.execute(dialect.insert(LoginThrottle).values(key=key, failures=0).on_conflict_do_nothing())


def record_failure(login: str, now: datetime | None = None) -> None:
    """Counts a wrong password (atomically, so parallel tries on several servers all count) and
    locks the account once the count reaches THERAPIST_LOGIN_LOCKOUT_AFTER. Old failures are forgotten."""
    now = now or utcnow()
    key = _key(login)
    _insert_if_missing(key)
    forgotten_before = now - current_app.config["THERAPIST_LOGIN_FAILURES_FORGOTTEN_AFTER"]
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(
        failures=case((LoginThrottle.last_failure_at < forgotten_before, 1), else_=LoginThrottle.failures + 1),
        last_failure_at=now,
    ))
    row = session.get(LoginThrottle, key, populate_existing=True)
    if row.failures >= current_app.config["THERAPIST_LOGIN_LOCKOUT_AFTER"]:
        row.locked_until = now + timedelta(seconds=_lock_seconds(row.failures))
    session.commit()


def clear(login: str) -> None:
    """A correct password, or a new one chosen through a reset link: the account starts afresh."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == _key(login)))
