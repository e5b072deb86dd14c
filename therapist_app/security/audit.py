"""Writes audit events: who, what action, which object by id, from where. Never names or answers."""
from ..extensions import session
from ..models import AuditEvent


def record(actor_id: int | None, action: str, obj=None, ip: str | None = None) -> None:
    session.add(AuditEvent(
        actor_id=actor_id, action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None), ip=ip,
    ))
