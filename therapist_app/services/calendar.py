"""Calendar files: a counselor's private feed behind a rotatable token, and a partner's next session.

Neutral on purpose: calendars sync to phones, watches and shared family accounts. Titles say
"Appointment"; a counselor's titles name the couple only when the counselor turns that on.
"""
import hashlib
import secrets
from datetime import timedelta

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import access
from ..errors import NotFoundError
from ..extensions import session
from ..models import Appointment, CalendarFeed, Couple, User
from ..models.appointment import MODE_VIDEO, STATUS_CANCELLED
from ..models.base import utcnow
from ..models.user import ROLE_COUNSELOR
from ..security.audit import record
from .sessions import next_session

NEUTRAL_TITLE = "Appointment"
FEED_PAST_DAYS = 90


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(counselor: User) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.counselor_id == counselor.id))


def rotate_token(counselor: User) -> str:
    """A new secret address for the feed; the old one stops working at once. The token is shown
    once and kept only as a hash."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(counselor) or CalendarFeed(counselor_id=counselor.id)
    feed.token_hash = _hash(token)
    session.add(feed)
    session.flush()
    record(counselor.id, "rotate_calendar_token", feed)
    session.commit()
    return token


def set_show_names(counselor: User, show_names: bool) -> None:
    feed = feed_of(counselor)
    if feed is None:
        feed = CalendarFeed(counselor_id=counselor.id, token_hash=_hash(secrets.token_urlsafe(32)))
        session.add(feed)
    feed.show_names = show_names
    session.commit()


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Secure portal//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _event(appointment: Appointment, title: str, with_link: bool) -> Event:
    event = Event()
    event.add("uid", f"{appointment.id}@secure-portal")
    event.add("dtstamp", utcnow())
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.starts_at + timedelta(minutes=appointment.duration_minutes))
    event.add("summary", title)
    event.add("status", "CANCELLED" if appointment.status == STATUS_CANCELLED else "CONFIRMED")
    if with_link and appointment.mode == MODE_VIDEO and appointment.video_link:
        event.add("location", appointment.video_link)
        event.add("url", appointment.video_link)
    return event


def counselor_feed(token: str) -> bytes:
    """The feed for this token. A wrong token is a plain 404: no hint whether anyone has a feed."""
    feed = session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token or "")))
    counselor = session.get(User, feed.counselor_id) if feed is not None else None
    if counselor is None or counselor.role != ROLE_COUNSELOR or not counselor.is_active_account:
        raise NotFoundError("calendar")
    # The token is the counselor's key: each read is theirs, from wherever the calendar app asks.
    record(counselor.id, "read_calendar_feed", feed)
    session.commit()
    appointments = session.scalars(
        access.appointments_for(counselor).where(Appointment.starts_at >= utcnow() - timedelta(days=FEED_PAST_DAYS))
        .order_by(Appointment.starts_at)
        .options(selectinload(Appointment.couple).selectinload(Couple.partner_a),
                 selectinload(Appointment.couple).selectinload(Couple.partner_b))
    ).all()
    calendar = _calendar()
    calendar.add("x-wr-calname", "Appointments")
    for appointment in appointments:
        title = f"{NEUTRAL_TITLE}: {appointment.couple.label}" if feed.show_names else NEUTRAL_TITLE
        calendar.add_component(_event(appointment, title, with_link=True))
    return calendar.to_ical()


def partner_next_session_ics(partner: User) -> bytes:
    """The partner's own next session, titled "Appointment", with the video link if there is one."""
    couple = access.couple_of_partner(partner)
    appointment = next_session(couple.id)
    if appointment is None:
        raise NotFoundError("appointment")
    record(partner.id, "download_session_calendar", appointment)
    session.commit()
    calendar = _calendar()
    calendar.add_component(_event(appointment, NEUTRAL_TITLE, with_link=True))
    return calendar.to_ical()
