"""A counselor's private calendar feed: the hash of its secret token and what its events may say."""
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import NEVER_REUSE_IDS, Base, TimestampMixin


class CalendarFeed(TimestampMixin, Base):
    __tablename__ = "ta_calendar_feed"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    counselor_id: Mapped[int] = mapped_column(ForeignKey("ta_user.id", ondelete="CASCADE"), unique=True)
    # SHA-256 of the token in the feed's address: a copy of the database does not open the feed.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Event titles name the couple only when the counselor turns this on.
    show_names: Mapped[bool] = mapped_column(Boolean, default=False)
