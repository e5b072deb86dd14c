"""A risk answer in a private check-in: the counselor is emailed within minutes, neutrally."""
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
