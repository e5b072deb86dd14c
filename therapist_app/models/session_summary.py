"""The counselor's summary of one session for the couple: a draft, then what each partner was given."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..security.sealing import EncryptedJSON
from .appointment import Appointment
from .base import NEVER_REUSE_IDS, Base, TimestampMixin, UTCDateTime, utcnow


class SessionSummary(TimestampMixin, Base):
    __tablename__ = "ta_session_summary"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("ta_appointment.id", ondelete="CASCADE"), unique=True)
    # False: one summary both partners read. True: each partner has their own words.
    per_partner: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the counselor wrote and chose: {"parts": {"both"|partner id: {"worked_on", "note"}},
    # "agreements": ["<assignment id>:<field id>", ...], "extra_agreements": str}
    draft: Mapped[dict] = mapped_column(EncryptedJSON("session_summary.draft"))
    # Frozen at publishing: {partner id (str): the exact view that partner reads}.
    published: Mapped[dict | None] = mapped_column(EncryptedJSON("session_summary.published"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    appointment: Mapped[Appointment] = relationship()

    def __repr__(self) -> str:
        return f"<SessionSummary {self.id}>"
