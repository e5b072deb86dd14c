"""A counselling practice: the tenant that owns counselors, clients and settings."""
from sqlalchemy import JSON, Boolean, String
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column

from ..timezones import default_for_country
from .base import NEVER_REUSE_IDS, Base, TimestampMixin


JOINT_GATE_BLOCK = "block"
JOINT_GATE_WARN = "warn"
JOINT_GATE_OFF = "off"
JOINT_GATES = (JOINT_GATE_BLOCK, JOINT_GATE_WARN, JOINT_GATE_OFF)


def _country_default_timezone(context) -> str:
    return default_for_country(context.get_current_parameters().get("country"))


class Practice(TimestampMixin, Base):
    __tablename__ = "ta_practice"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Decides the crisis resources in every client page's footer (see services.crisis).
    country: Mapped[str] = mapped_column(String(2), default="US")
    paper_size: Mapped[str] = mapped_column(String(10), default="Letter")
    # Optional override of the footer's first sentence; None uses the neutral default.
    footer_note: Mapped[str | None] = mapped_column(String(500))
    # The practice's choice of which private check-in answers alert the counselor:
    # {field id: [option values]}. None: the check-in worksheet's own risk_values.
    risk_answers: Mapped[dict | None] = mapped_column(JSON)
    # Counselors and admins sign in with a code from an authenticator app as well as their password.
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    # Words and phrases in answers that the prep packet flags for reading first (one per entry).
    # None: the app's default list (services.risk_language.DEFAULT_PHRASES).
    risk_phrases: Mapped[list | None] = mapped_column(JSON)
    # Joint homework before both partners' private check-ins are submitted and read by the counselor:
    # "block" (wait; both partners see one neutral line), "warn" (the counselor is warned) or "off".
    joint_homework_gate: Mapped[str] = mapped_column(String(10), default=JOINT_GATE_BLOCK,
                                                     server_default=JOINT_GATE_BLOCK)
    # New people start in this zone; each then chooses their own in their settings.
    default_timezone: Mapped[str] = mapped_column(String(64), default=_country_default_timezone)
    # A risk answer in a private check-in emails the counselor within minutes (a neutral email).
    # An admin may turn it off, with a warning; the change is audited.
    risk_alert_emails: Mapped[bool] = mapped_column(Boolean, default=True)
