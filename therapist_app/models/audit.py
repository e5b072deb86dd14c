"""Append-only record of who did what to which object, by id only: never health information. Each
event carries the hash of the one before it (security/audit_chain.py), so a changed or removed row shows."""
from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

# The chain's first event follows this "previous hash".
GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    __tablename__ = "ta_audit_event"
    __table_args__ = (Index("ix_ta_audit_event_practice_at", "practice_id", "at"),)

    # Given by the chain (the newest event's id + 1) while the chain head is locked, not by the database.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Plain ids, without foreign keys: a log outlives the people and practices it names, and deleting
    # a person must never rewrite (or be refused by) the rows that say what they did.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    # Whose log the event is in: the actor's practice, or for an event without an actor (a failed
    # sign-in) the practice of the account it was about. None for a sign-in to no known account.
    practice_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    ip: Mapped[str | None] = mapped_column(String(64))
    previous_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditChainHead(Base):
    """One row: the newest event's id and hash. Appending locks it, so two servers never fork the
    chain; `flask audit verify` compares it with the last row, so removing the newest events shows."""
    __tablename__ = "ta_audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # always 1
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
