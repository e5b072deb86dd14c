"""A save that arrived just after its session ended: kept, sealed, until the same person signs in again."""
from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..security.sealing import EncryptedJSON
from .base import NEVER_REUSE_IDS, Base, TimestampMixin


class PendingSave(TimestampMixin, Base):
    __tablename__ = "ta_pending_save"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ta_user.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("ta_assignment.id", ondelete="CASCADE"))
    section: Mapped[int] = mapped_column(Integer, default=0)
    # The posted form fields as {name: [values]}, exactly as the browser sent them.
    form: Mapped[dict] = mapped_column(EncryptedJSON("pending_save.form"))
