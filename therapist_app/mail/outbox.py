"""Queues email in the outbox table, inside the caller's transaction, at most once per unique key."""
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import session
from ..models import OutboxMessage, User
from ..models.base import utcnow
from ..models.outbox import OUTBOX_PENDING, OUTBOX_WITHDRAWN
from .messages import Message


def enqueue(user: User, unique_key: str, message: Message, *, not_before: datetime | None = None,
            unsubscribe_url: str | None = None) -> OutboxMessage | None:
    """Adds the message unless one with this key exists already, or the person has no address.
    A second process inserting the same key at the same moment loses at the unique index, quietly."""
    if not user.email:
        return None
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.unique_key == unique_key)):
        return None
    row = OutboxMessage(
        unique_key=unique_key, user_id=user.id, to_address=user.email,
        subject=message.subject, body=message.body, unsubscribe_url=unsubscribe_url,
        next_attempt_at=not_before or utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row


def existing_keys(keys: list[str]) -> set[str]:
    """Which of these keys are queued already: one query per 30,000 keys (the parameter limits)."""
    found = set()
    for start in range(0, len(keys), 30000):
        chunk = keys[start:start + 30000]
        found |= set(session.scalars(select(OutboxMessage.unique_key).where(OutboxMessage.unique_key.in_(chunk))))
    return found


def enqueue_many(rows: list[dict], now: datetime) -> int:
    """Inserts many messages with one executemany (a single round of the driver's batching); a key
    that exists already (another scheduler was quicker) is skipped by the database. Returns how many
    were inserted."""
    if not rows:
        return 0
    values = [{"status": OUTBOX_PENDING, "attempts": 0, "next_attempt_at": now, "created_at": now,
               "unsubscribe_url": None, **row} for row in rows]
    statement = _insert_skipping_duplicates().execution_options(preserve_rowcount=True)
    return session.connection().execute(statement, values).rowcount


def _insert_skipping_duplicates():
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the plugin supports PostgreSQL and SQLite
        raise RuntimeError(f"unsupported database: {dialect}")
    return insert(OutboxMessage).on_conflict_do_nothing(index_elements=["unique_key"])


def withdraw(key_prefixes: list[str], user_id: int | None = None) -> int:
    """Takes back messages not yet tried whose key starts with one of these prefixes (a cancelled
    assignment's reminders, or every reminder of someone who turned them off)."""
    if not key_prefixes:
        return 0
    query = update(OutboxMessage).where(
        OutboxMessage.status == OUTBOX_PENDING, OutboxMessage.attempts == 0,
        or_(*(OutboxMessage.unique_key.startswith(prefix, autoescape=True) for prefix in key_prefixes)))
    if user_id is not None:
        query = query.where(OutboxMessage.user_id == user_id)
    return session.execute(query.values(status=OUTBOX_WITHDRAWN)).rowcount


def forget_withdrawn(key_prefix: str) -> int:
    """Deletes messages taken back before they were ever tried, whose key starts with this prefix, so
    that the same key may be queued again (a day-before reminder, once its session is back on at the
    time it had). Nothing was sent under them; their keys alone stood in the way."""
    return session.execute(delete(OutboxMessage).where(
        OutboxMessage.status == OUTBOX_WITHDRAWN, OutboxMessage.attempts == 0,
        OutboxMessage.unique_key.startswith(key_prefix, autoescape=True))).rowcount


TRIED = "tried"  # sent, failed, or tried once and waiting to be tried again: it may have arrived


def states_of(key_prefix: str) -> set[str]:
    """What became of the messages whose key starts with this prefix: TRIED, OUTBOX_PENDING (waiting,
    never tried), OUTBOX_WITHDRAWN (taken back before it was tried); empty if none was queued."""
    rows = session.execute(select(OutboxMessage.status, OutboxMessage.attempts).where(
        OutboxMessage.unique_key.startswith(key_prefix, autoescape=True)))
    return {status if status in (OUTBOX_PENDING, OUTBOX_WITHDRAWN) and not attempts else TRIED
            for status, attempts in rows}
