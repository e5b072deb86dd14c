"""The admin's "Undelivered email": what failed for good, and a retry. Recipient, kind, when, attempts;
never a subject or a body."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..errors import NotFoundError
from ..extensions import session
from ..models import OutboxMessage, User
from ..models.base import utcnow
from ..models.outbox import OUTBOX_FAILED, OUTBOX_PENDING
from ..security.audit import record
from .reminders.registry import REMINDER_KINDS

KIND_LABELS = {"invite": "Invitation", "assigned": "New homework", "digest": "Morning digest",
               "reset": "Password reset", "summary": "Session summary", "risk": "Check-in alert",
               **{name: kind.label for name, kind in REMINDER_KINDS.items()}}


@dataclass(frozen=True)
class Undelivered:
    id: int
    recipient: str
    kind: str
    queued_at: datetime
    attempts: int


def _failed_in_practice(admin: User):
    return (select(OutboxMessage).join(User, User.id == OutboxMessage.user_id)
            .where(User.practice_id == admin.practice_id, OutboxMessage.status == OUTBOX_FAILED))


def undelivered_for(admin: User) -> list[Undelivered]:
    rows = session.scalars(_failed_in_practice(admin).order_by(OutboxMessage.created_at.desc()))
    return [Undelivered(m.id, m.to_address, KIND_LABELS.get(m.kind, "Other"), m.created_at, m.attempts) for m in rows]


def retry(admin: User, message_id: int, ip: str | None = None) -> None:
    """Back in the queue with a fresh set of attempts; the scheduler sends it within seconds."""
    message = session.scalar(_failed_in_practice(admin).where(OutboxMessage.id == message_id))
    if message is None:
        raise NotFoundError("email")
    message.status, message.attempts, message.next_attempt_at = OUTBOX_PENDING, 0, utcnow()
    record(admin.id, "retry_email", message, ip)
    session.commit()
