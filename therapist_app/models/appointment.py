"""A session with the couple; its notes are the counselor's alone."""
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..security.sealing import EncryptedJSON
from .base import NEVER_REUSE_IDS, Base, TimestampMixin, UTCDateTime, utcnow
from .couple import Couple

STATUS_SCHEDULED = "scheduled"
STATUS_HELD = "held"
STATUS_MISSED = "missed"
STATUS_CANCELLED = "cancelled"
STATUSES = (STATUS_SCHEDULED, STATUS_HELD, STATUS_MISSED, STATUS_CANCELLED)

MODE_IN_PERSON = "in_person"
MODE_VIDEO = "video"
MODES = {MODE_IN_PERSON: "In person", MODE_VIDEO: "Video"}


class Appointment(TimestampMixin, Base):
    __tablename__ = "ta_appointment"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("ta_couple.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=50)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_SCHEDULED)
    mode: Mapped[str] = mapped_column(String(20), default=MODE_IN_PERSON)
    # The video room's address; partners see it with their next session.
    video_link: Mapped[str | None] = mapped_column(String(500))
    # The counselor's session note: {"worked_on", "observations", "plan"}. Never shown to partners,
    # never copied into a summary.
    notes: Mapped[dict | None] = mapped_column(EncryptedJSON("appointment.notes"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    couple: Mapped[Couple] = relationship()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.status == STATUS_CANCELLED

    def __repr__(self) -> str:  # ids only: reprs end up in logs
        return f"<Appointment {self.id} {self.status}>"
