"""Writes audit events: who, what action, which object by id, from where. Never names or answers.
Events are only ever added (the hash chain in audit_chain links each to the one before)."""
from flask import has_request_context, request

from ..extensions import session
from ..models import AuditEvent, Practice, User
from . import audit_chain  # noqa: F401  (links each new event into the chain as it is written)


def record(actor_id: int | None, action: str, obj=None, ip: str | None = None, practice_id: int | None = None) -> None:
    """Adds an event to the session; the caller's commit writes it with whatever it records. Without
    `ip`, the address of the request being answered (None for the scheduler and commands)."""
    if ip is None and has_request_context():
        ip = request.remote_addr
    # The changes this event describes are written first, so that the event (whose insert locks the
    # chain head until commit) is the last thing the transaction locks: taking the head and then
    # waiting for a row that another transaction holds while it waits for the head would deadlock.
    session.flush()
    session.add(AuditEvent(
        actor_id=actor_id, action=action, practice_id=practice_id or _practice_of(actor_id, obj),
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None), ip=ip,
    ))


def _practice_of(actor_id: int | None, obj) -> int | None:
    """Whose log an event belongs in: the actor's practice; without an actor, the practice of what it
    is about (the account a failed sign-in or a reset was for). Names nothing else."""
    if actor_id is not None:
        actor = session.get(User, actor_id)
        if actor is not None:
            return actor.practice_id
    if isinstance(obj, Practice):
        return obj.id
    return getattr(obj, "practice_id", None)
