"""Email waiting to be sent. Inserted in the same transaction as the change that causes it."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import NEVER_REUSE_IDS, Base, TimestampMixin, UTCDateTime, utcnow

OUTBOX_PENDING = "pending"
OUTBOX_SENT = "sent"
OUTBOX_FAILED = "failed"
# Taken back before any attempt: its reason went away (cancelled homework, reminders turned off).
OUTBOX_WITHDRAWN = "withdrawn"


class OutboxMessage(TimestampMixin, Base):
    __tablename__ = "ta_outbox_message"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    # What makes this message unique (e.g. "invite:12:5"): a second scheduler cannot insert it again.
    unique_key: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ta_user.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=OUTBOX_PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Reminders carry a one-click link that turns reminders off (RFC 8058 List-Unsubscribe).
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    # Bodies hold invitation and reset links: emptied some days after sending (services.retention).
    body_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def kind(self) -> str:
        """What sort of email this is, from its key ("due-soon:12:5" -> "due-soon"): no content."""
        return self.unique_key.split(":", 1)[0]
