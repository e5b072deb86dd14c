"""Queues email in the outbox table, inside the caller's transaction, at most once per unique key."""
from sqlalchemy import select

from ..extensions import session
from ..models import OutboxMessage, User
from .messages import Message


def enqueue(user: User, unique_key: str, message: Message) -> OutboxMessage | None:
    """Adds the message unless one with this key exists already, or the person has no address."""
    if not user.email:
        return None
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.unique_key == unique_key)):
        return None
    row = OutboxMessage(
        unique_key=unique_key, user_id=user.id, to_address=user.email,
        subject=message.subject, body=message.body,
    )
    session.add(row)
    return row
