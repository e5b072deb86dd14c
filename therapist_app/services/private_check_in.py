"""The private check-in after it is sent: a short addendum for the counselor, and crisis answers."""
from sqlalchemy import select

from .. import access
from ..engine.presentation import definition_of
from ..errors import NotFoundError, RuleError
from ..extensions import session
from ..models import Response, User
from ..models.base import utcnow

ADDENDUM_MAX = 2000
ADDENDA_MAX = 20


def is_crisis_answer(field, value) -> bool:
    """An answer after which crisis resources appear at once (for example, thoughts of self-harm)."""
    crisis = set(getattr(field, "crisis_values", None) or ())
    return bool(crisis) and value is not None and bool(crisis & (set(value) if isinstance(value, list) else {value}))


def crisis_answered(definition, answers: dict | None) -> bool:
    if not answers:
        return False
    return any(is_crisis_answer(field, answers["values"].get(field.id)) and not answers["states"].get(field.id)
               for field in definition.all_fields())


def asks_about_crisis(definition) -> bool:
    return any(getattr(field, "crisis_values", None) for field in definition.all_fields())


def _sent_check_in(partner: User, assignment_id: int) -> Response:
    assignment = access.assignment_for_partner(partner, assignment_id)
    if not definition_of(assignment.worksheet_version).policy.hidden_once_sent:
        raise NotFoundError("assignment")
    response = session.scalar(select(Response).where(Response.assignment_id == assignment.id,
                                                     Response.partner_id == partner.id))
    if response is None or not response.is_submitted:
        raise RuleError("Please send the check-in first.")
    return response


def add_addendum(partner: User, assignment_id: int, text: str) -> Response:
    """Something the partner adds after sending their check-in. Counselor-only and encrypted, like
    the check-in itself; it is never shown back in the portal."""
    response = _sent_check_in(partner, assignment_id)
    access.require_writable(response.assignment.couple, partner)
    text = (text or "").strip()
    if not text:
        raise RuleError("Please write something to add, or leave this page.")
    if len(text) > ADDENDUM_MAX:
        raise RuleError(f"Please keep this under {ADDENDUM_MAX:,} characters. Nothing has been cut.")
    addenda = list(response.addenda or [])
    if len(addenda) >= ADDENDA_MAX:
        raise RuleError("You have added a lot already. Please tell your counselor the rest in person.")
    now = utcnow()
    response.addenda = addenda + [{"at": now.isoformat(), "text": text}]
    response.addendum_at = now
    session.commit()
    return response
