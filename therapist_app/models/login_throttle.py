"""Failed sign-ins per account, shared by every app server through the database."""
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class LoginThrottle(Base):
    __tablename__ = "ta_login_throttle"

    # A keyed hash of the sign-in text (email or sign-in name, lower case), never the text itself:
    # people type passwords into the wrong box. Unknown addresses get a row too, so a lockout looks
    # the same whether or not the account exists.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
