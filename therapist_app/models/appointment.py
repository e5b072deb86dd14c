"""A session with the couple; its notes are the counselor's alone."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..security.crypto import EncryptedJSON
from .base import Base, TimestampMixin, UTCDateTime
from .couple import Couple


class Appointment(TimestampMixin, Base):
    __tablename__ = "ta_appointment"

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("ta_couple.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer, default=50)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    notes: Mapped[str | None] = mapped_column(EncryptedJSON("appointment.notes"))

    couple: Mapped[Couple] = relationship()
