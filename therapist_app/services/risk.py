"""Risk answers: which answers alert the counselor (the practice's choice for the private check-in, else
the worksheet's risk_values), and the neutral email they are alerted by within minutes."""
from ..extensions import session
from ..mail import messages
from ..mail.outbox import enqueue
from ..models import Assignment, Practice
from .links import login_link


def alert_counselor(assignment: Assignment) -> bool:
    """Queues one neutral email to the couple's counselor, in the caller's transaction: at most one
    per check-in (its key), unless the practice turned these emails off. The scheduler delivers it
    within seconds; the digest next morning still counts it."""
    practice = session.get(Practice, assignment.couple.practice_id)
    counselor = assignment.couple.counselor
    if not practice.risk_alert_emails or not counselor.is_active_account:
        return False
    return enqueue(counselor, f"risk:{assignment.id}", messages.risk_alert(counselor.display_name, login_link())) is not None


def practice_risk_choice(assignment: Assignment, definition) -> dict | None:
    """The practice's own choice of alerting answers applies to the private check-in; other
    exercises alert on their worksheet's risk_values."""
    if not definition.policy.screens_safety:
        return None
    return session.get(Practice, assignment.couple.practice_id).risk_answers


def risk_values_for(field, practice_choice: dict | None) -> set:
    """The options of a check-in question that alert the counselor: the practice's choice if it
    made one for this question, else the worksheet's own risk_values."""
    if practice_choice and field.id in practice_choice:
        return set(practice_choice[field.id])
    return set(getattr(field, "risk_values", None) or ())


def is_risk_answer(field, value, practice_choice: dict | None = None) -> bool:
    """Whether this answer is one marked for the counselor's attention."""
    risky = risk_values_for(field, practice_choice)
    if not risky or value is None:
        return False
    return bool(risky & (set(value) if isinstance(value, list) else {value}))


def has_risk_answer(definition, answers: dict, practice_choice: dict | None = None) -> bool:
    return any(is_risk_answer(field, answers["values"].get(field.id), practice_choice)
               and not answers["states"].get(field.id) for field in definition.all_fields())
