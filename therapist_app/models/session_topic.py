"""Something a partner wants to talk about next session: for the counselor only, or shared with the partner."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..security.sealing import EncryptedJSON
from .base import NEVER_REUSE_IDS, Base, TimestampMixin

TOPIC_COUNSELOR = "counselor"
TOPIC_SHARED = "shared"


class SessionTopic(TimestampMixin, Base):
    __tablename__ = "ta_session_topic"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("ta_couple.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("ta_user.id", ondelete="CASCADE"), index=True)
    # "counselor" (the default) leaves no trace the other partner could see; "shared" shows it to them.
    visibility: Mapped[str] = mapped_column(String(20), default=TOPIC_COUNSELOR)
    text: Mapped[str] = mapped_column(EncryptedJSON("session_topic.text"))

    def __repr__(self) -> str:
        return f"<SessionTopic {self.id}>"
