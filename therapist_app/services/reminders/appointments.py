"""Session reminders: the day before, to both partners; never once the session has begun."""
from datetime import datetime, timedelta

from sqlalchemy import select

from ...extensions import session
from ...mail import messages
from ...models import Appointment, Couple, User
from ...models.appointment import STATUS_SCHEDULED
from ...timezones import format_local
from ..links import login_link
from ..unsubscribe import link_for
from .recipients import PARTNER_COLUMNS, may_be_reminded, partner_of
from .registry import Outgoing, reminder_kind
from .timing import is_reminder_time, local_now

# Far enough ahead for "tomorrow" in any zone (UTC-12 to UTC+14).
LOOK_AHEAD = timedelta(days=2, hours=14)


@reminder_kind("session", "Appointment tomorrow")
def session_tomorrow(now: datetime) -> list[Outgoing]:
    """From the partner's preferred hour on the day before (their own calendar day). A reminder
    missed while the scheduler was down still goes out, but only until the session begins."""
    rows = session.execute(
        select(Appointment.id.label("appointment_id"), Appointment.starts_at, *PARTNER_COLUMNS)
        .join(Couple, Couple.id == Appointment.couple_id)
        .join(User, partner_of())
        .where(Appointment.status == STATUS_SCHEDULED, Appointment.starts_at > now,
               Appointment.starts_at <= now + LOOK_AHEAD, may_be_reminded())
    ).all()
    found = []
    for row in rows:
        local = local_now(now, row.timezone)
        session_day = local_now(row.starts_at, row.timezone).date()
        if session_day - timedelta(days=1) <= local.date() <= session_day and is_reminder_time(local, row.reminder_hour):
            key = f"session:{row.appointment_id}:{row.id}:{int(row.starts_at.timestamp())}"
            unsubscribe = link_for(row.id)
            text = messages.appointment_soon(row.display_name, format_local(row.starts_at, row.timezone),
                                             login_link(), unsubscribe)
            found.append(Outgoing(key, row.id, row.email, text, unsubscribe))
    return found
