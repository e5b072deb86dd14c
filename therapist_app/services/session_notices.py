"""What the couple is told when a session booked ahead changes: moved, or called off. A short, neutral
email to each partner who gets email from the portal (the time only, never what the session is for), and
the reminder already queued for the old time taken back. Without it, the partners learned of a move only
by opening the portal, and a reminder could still name the old time."""
from datetime import datetime

from ..mail import messages
from ..mail.outbox import enqueue, withdraw
from ..models import Appointment
from ..models.base import utcnow
from ..timezones import format_local
from .links import login_link
from .notices import gets_portal_email

# Queued about a session, by key prefix; taken back with the couple's other email at the end of care.
SESSION_NOTICE_KINDS = ("session-moved", "session-cancelled")


def _take_back_older_news(appointment: Appointment) -> None:
    """The day-before reminder, and any word of an earlier change, queued and not yet tried: after two
    quick edits only the last may go, or the couple reads a time that no longer holds."""
    withdraw([f"{kind}:{appointment.id}:" for kind in ("session", *SESSION_NOTICE_KINDS)])


def _tell(appointment: Appointment, kind: str, message) -> int:
    """Queues `message(partner)` for each partner to tell; how many were queued. Keyed by the moment
    of the change, so a session moved back to an earlier time is told again."""
    _take_back_older_news(appointment)
    changed_at = int(utcnow().timestamp() * 1000)
    return sum(enqueue(partner, f"{kind}:{appointment.id}:{partner.id}:{changed_at}", message(partner)) is not None
               for partner in appointment.couple.partners if gets_portal_email(partner))


def tell_of_move(appointment: Appointment, was: datetime) -> int:
    """After a session's time changed: how many partners are told. Only a session still ahead: moving
    one already past corrects the record, and tells the couple nothing new."""
    if appointment.starts_at == was or appointment.starts_at <= utcnow():
        return 0
    return _tell(appointment, "session-moved", lambda partner: messages.appointment_moved(
        partner.display_name, format_local(appointment.starts_at, partner.timezone), login_link()))


def tell_of_cancellation(appointment: Appointment) -> int:
    """After a session ahead was cancelled: how many partners are told."""
    if appointment.starts_at <= utcnow():
        return 0
    return _tell(appointment, "session-cancelled", lambda partner: messages.appointment_cancelled(
        partner.display_name, format_local(appointment.starts_at, partner.timezone), login_link()))
