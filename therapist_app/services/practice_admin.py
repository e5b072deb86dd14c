"""What a practice admin does: invite counselors and deactivate them (handing their couples over)."""
from sqlalchemy import select

from .. import access
from ..engine.presentation import definition_of
from ..errors import RuleError
from ..extensions import session
from ..models import Practice, User
from ..models.practice import JOINT_GATES
from ..models.user import ROLE_COUNSELOR
from ..security.audit import record
from ..timezones import require_timezone
from . import end_of_care, invitations, risk_language, worksheets
from .assignments import SAFETY_CHECK_IN_SLUG
from .accounts import email_taken, end_all_sessions
from .crisis import RESOURCES


def update_practice(admin: User, *, name: str, country: str, paper_size: str, footer_note: str | None,
                    default_timezone: str | None = None, require_two_factor: bool | None = None,
                    joint_homework_gate: str | None = None) -> Practice:
    """The practice's name, its country (which crisis numbers partners see), paper size, footer note,
    the time zone new people start in, and whether joint homework waits for both check-ins."""
    if joint_homework_gate is not None and joint_homework_gate not in JOINT_GATES:
        raise RuleError("Choose one of the options.", field="joint_homework_gate")
    if country not in RESOURCES:
        raise RuleError("Choose a country from the list.", field="country")
    if paper_size not in ("A4", "Letter"):
        raise RuleError("Choose A4 or Letter.", field="paper_size")
    if default_timezone is not None:
        require_timezone(default_timezone, field="default_timezone")
    practice = session.get(Practice, admin.practice_id)
    practice.name, practice.country, practice.paper_size = name.strip(), country, paper_size
    practice.footer_note = (footer_note or "").strip() or None
    if default_timezone is not None:
        practice.default_timezone = default_timezone
    if require_two_factor is not None and require_two_factor != practice.require_two_factor:
        practice.require_two_factor = require_two_factor
        record(admin.id, "require_two_factor" if require_two_factor else "stop_requiring_two_factor", practice)
    if joint_homework_gate is not None and joint_homework_gate != practice.joint_homework_gate:
        practice.joint_homework_gate = joint_homework_gate
        record(admin.id, f"joint_homework_gate_{joint_homework_gate}", practice)
    record(admin.id, "update_practice", practice)
    session.commit()
    return practice


def risk_questions() -> list:
    """The private check-in's choice questions, for the practice's risk settings."""
    definition = definition_of(worksheets.version_by_slug(SAFETY_CHECK_IN_SLUG))
    return [field for field in definition.all_fields() if getattr(field, "options", None)]


def self_harm_alert_off(practice: Practice) -> bool:
    """Whether no answer about self-harm alerts a counselor in this practice any more."""
    choice = practice.risk_answers or {}
    return any(not choice.get(field.id, field.risk_values or []) for field in risk_questions()
               if getattr(field, "crisis_values", None))


def set_risk_answers(admin: User, chosen: dict[str, list[str]]) -> tuple[Practice, bool]:
    """Which check-in answers alert counselors in this practice. Applies to answers submitted from now
    on. Returns (practice, True when this change turned the self-harm alert off): the admin is warned,
    and that change has its own entry in the audit log."""
    choice = {}
    for field in risk_questions():
        allowed = {option.value for option in field.options}
        picked = [value for value in chosen.get(field.id, []) if value in allowed]
        choice[field.id] = picked
    practice = session.get(Practice, admin.practice_id)
    was_off = self_harm_alert_off(practice)
    practice.risk_answers = choice
    turned_off = self_harm_alert_off(practice) and not was_off
    if turned_off:
        record(admin.id, "self_harm_alert_off", practice)
    elif was_off and not self_harm_alert_off(practice):
        record(admin.id, "self_harm_alert_on", practice)
    record(admin.id, "update_risk_answers", practice)
    session.commit()
    return practice, turned_off


def set_risk_phrases(admin: User, text: str) -> Practice:
    """The words in answers that the prep packet flags for reading first, one per line."""
    practice = session.get(Practice, admin.practice_id)
    practice.risk_phrases = risk_language.clean_phrase_list(text)
    record(admin.id, "update_risk_phrases", practice)
    session.commit()
    return practice


def counselors_of(admin: User) -> list[User]:
    return list(session.scalars(
        select(User).where(User.practice_id == admin.practice_id, User.role == ROLE_COUNSELOR).order_by(User.display_name)
    ))


def invite_counselor(admin: User, display_name: str, email: str) -> User:
    if email_taken(admin.practice_id, email):
        raise RuleError("Someone in this practice already uses this email address.", field="email")
    counselor = User(practice_id=admin.practice_id, role=ROLE_COUNSELOR, display_name=display_name.strip(),
                     email=email.strip())
    session.add(counselor)
    session.flush()
    invitations.send_invitation(counselor)
    record(admin.id, "invite_counselor", counselor)
    session.commit()
    return counselor


def set_active(admin: User, counselor_id: int, active: bool, transfer_to: int | None = None,
               ip: str | None = None) -> User:
    """Activates or deactivates a counselor. Deactivating hands every couple of theirs to `transfer_to`
    first, in the same transaction; with no one chosen it is refused while any couple is still in care."""
    counselor = access.counselor_of_practice(admin, counselor_id)
    if not active:
        end_of_care.hand_over_all(admin, counselor, transfer_to, ip)
    counselor.is_active_account = active
    if not active:
        end_all_sessions(counselor)
    record(admin.id, "activate_counselor" if active else "deactivate_counselor", counselor, ip)
    session.commit()
    return counselor


def set_risk_alert_emails(admin: User, enabled: bool) -> Practice:
    """Whether a risk answer emails the counselor within minutes. Audited either way."""
    practice = session.get(Practice, admin.practice_id)
    practice.risk_alert_emails = enabled
    record(admin.id, "risk_alert_emails_on" if enabled else "risk_alert_emails_off", practice)
    session.commit()
    return practice
