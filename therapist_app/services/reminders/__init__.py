"""Reminders to partners: each kind finds who is due one now, and the outbox takes each key once."""
from datetime import datetime

from ...extensions import session
from ...mail.outbox import enqueue_many, existing_keys
from . import appointments, homework  # noqa: F401  (each registers its reminder kinds)
from .registry import REMINDER_KINDS, Outgoing


def queue_outgoing(outgoing: list[Outgoing], now: datetime) -> int:
    """Inserts the reminders not queued yet, in one statement; returns how many were new."""
    known = existing_keys([item.key for item in outgoing])
    rows = [item.as_row() for item in outgoing if item.key not in known]
    return enqueue_many(rows, now)


def scan(now: datetime) -> dict[str, int]:
    """Runs every reminder kind once, as at `now`; one transaction per kind. Returns {kind: queued}."""
    queued = {}
    for name, kind in REMINDER_KINDS.items():
        queued[name] = queue_outgoing(kind.find(now), now)
        session.commit()
    return queued
