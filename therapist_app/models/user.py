"""Everyone who signs in: practice admins, counselors and the partners (role `client`)."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..security.sealing import EncryptedJSON
from .base import NEVER_REUSE_IDS, Base, TimestampMixin, UTCDateTime
from .practice import Practice

ROLE_ADMIN = "admin"
ROLE_COUNSELOR = "counselor"
ROLE_CLIENT = "client"
ROLES = (ROLE_ADMIN, ROLE_COUNSELOR, ROLE_CLIENT)


def _practice_timezone(context) -> str:
    """A new person starts in their practice's time zone (not UTC) until they choose their own."""
    practice_id = context.get_current_parameters().get("practice_id")
    chosen = context.connection.scalar(select(Practice.default_timezone).where(Practice.id == practice_id))
    return chosen or "UTC"


# Prefix of our ids inside a Flask-Login session that a host app may share with its own users.
LOGIN_ID_PREFIX = "ta"


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "ta_user"
    __table_args__ = (UniqueConstraint("practice_id", "email", name="uq_ta_user_practice_email"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("ta_practice.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(120))
    # Partners sharing a household address use "+alias"; a partner without email signs in
    # with the generated sign-in name printed on their paper invitation.
    email: Mapped[str | None] = mapped_column(String(254))
    sign_in_name: Mapped[str | None] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on logout, password change and deactivation: every older session cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    timezone: Mapped[str] = mapped_column(String(64), default=_practice_timezone)
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    reminder_hour: Mapped[int] = mapped_column(Integer, default=18)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Two-factor sign-in (counselors and admins): a TOTP secret, sealed; active from totp_enabled_at.
    # The last time step used, so that one code signs in once. Recovery codes as keyed hashes.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedJSON("user.totp_secret"))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    recovery_codes: Mapped[list | None] = mapped_column(JSON)

    practice: Mapped[Practice] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def get_id(self) -> str:
        return f"{LOGIN_ID_PREFIX}:{self.id}:{self.session_version}"

    # is_counselor / is_admin: a host's `counselor_for` / `admin_for` checks the person it maps with
    # them (the README's mounting example); the plugin itself asks the role table and access.py.
    @property
    def is_counselor(self) -> bool:
        return self.role == ROLE_COUNSELOR

    @property
    def is_client(self) -> bool:
        return self.role == ROLE_CLIENT

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    def __repr__(self) -> str:  # never the name or email: reprs end up in logs
        return f"<User {self.id} {self.role}>"
