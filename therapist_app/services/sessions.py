"""Sessions with a couple: scheduling in the counselor's time zone, numbering, held/missed, notes."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.orm import defer

from .. import access
from ..errors import RuleError
from ..extensions import session
from ..models import Appointment, Couple, User
from ..models.appointment import (MODE_IN_PERSON, MODE_VIDEO, MODES, STATUS_CANCELLED, STATUS_HELD, STATUS_MISSED,
                                  STATUS_SCHEDULED)
from ..models.base import utcnow
from ..security.audit import record
from ..timezones import format_local, local_to_utc, to_local
from . import session_notices

MIN_MINUTES, MAX_MINUTES = 10, 480
STATUS_LABELS = {STATUS_SCHEDULED: "Scheduled", STATUS_HELD: "Held", STATUS_MISSED: "Missed",
                 STATUS_CANCELLED: "Cancelled"}
NOTE_PARTS = ("worked_on", "observations", "plan")


@dataclass
class SessionDetails:
    """What the counselor enters: a wall-clock date and time in their own time zone."""
    day: date
    start_time: time
    duration_minutes: int = 50
    mode: str = MODE_IN_PERSON
    video_link: str | None = None


@dataclass
class ScheduleResult:
    appointment: Appointment
    warnings: list[str] = field(default_factory=list)
    partners_told: int = 0  # emailed about the booking or the change (session_notices)
    changed: bool = True  # False: the edit was saved as it already was


@dataclass
class NumberedSession:
    appointment: Appointment
    number: int | None  # None for a cancelled session: it does not count

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.appointment.status]


def _checked(counselor: User, details: SessionDetails) -> tuple[datetime, str | None]:
    if details.day is None:
        raise RuleError("Please choose a date.", field="day")
    if details.start_time is None:
        raise RuleError("Please choose a start time.", field="start_time")
    if not MIN_MINUTES <= (details.duration_minutes or 0) <= MAX_MINUTES:
        raise RuleError(f"A session lasts between {MIN_MINUTES} and {MAX_MINUTES} minutes.", field="duration_minutes")
    if details.mode not in MODES:
        raise RuleError("Choose in person or video.", field="mode")
    link = (details.video_link or "").strip() or None
    if details.mode == MODE_VIDEO and not link:
        raise RuleError("A video session needs the link the couple will open.", field="video_link")
    if link and (not link.startswith("https://") or any(c.isspace() for c in link) or len(link) > 500):
        raise RuleError("Please paste the full video link, starting with https://.", field="video_link")
    starts_at = local_to_utc(details.day, details.start_time, counselor.timezone)
    return starts_at, link if details.mode == MODE_VIDEO else None


def _warnings(counselor: User, appointment: Appointment) -> list[str]:
    warnings = []
    if appointment.starts_at < utcnow():
        warnings.append("This session is in the past. It was saved, so you can record a session that took place.")
    candidates = session.scalars(
        access.appointments_for(counselor).where(
            Appointment.status != STATUS_CANCELLED, Appointment.id != appointment.id,
            Appointment.starts_at < appointment.ends_at,
            Appointment.starts_at > appointment.starts_at - timedelta(minutes=MAX_MINUTES))
    ).all()
    for other in candidates:
        if other.ends_at > appointment.starts_at:
            when = format_local(other.starts_at, counselor.timezone, "short")
            warnings.append(f"This overlaps another of your sessions ({when}). Both are kept; please check.")
    return warnings


def schedule(counselor: User, couple_id: int, details: SessionDetails) -> ScheduleResult:
    couple = access.writable_couple_for_counselor(counselor, couple_id)
    starts_at, link = _checked(counselor, details)
    appointment = Appointment(couple_id=couple.id, starts_at=starts_at, duration_minutes=details.duration_minutes,
                              mode=details.mode, video_link=link, status=STATUS_SCHEDULED)
    session.add(appointment)
    session.flush()
    warnings, told = _warnings(counselor, appointment), session_notices.tell_of_booking(appointment)
    record(counselor.id, "schedule_session", appointment)
    session.commit()
    return ScheduleResult(appointment, warnings, told)


def reschedule(counselor: User, appointment_id: int, details: SessionDetails) -> ScheduleResult:
    appointment = access.appointment_for_counselor(counselor, appointment_id)
    access.require_writable(appointment.couple, counselor)
    if appointment.is_cancelled:
        raise RuleError("This session was cancelled. Schedule a new one instead.", field="day")
    starts_at, link = _checked(counselor, details)
    was = session_notices.Booked.of(appointment)
    appointment.starts_at, appointment.duration_minutes = starts_at, details.duration_minutes
    appointment.mode, appointment.video_link = details.mode, link
    session.flush()
    warnings = _warnings(counselor, appointment)
    if appointment.status in (STATUS_HELD, STATUS_MISSED) and on_a_later_day(appointment, counselor):
        warnings.append(f"It was marked {STATUS_LABELS[appointment.status].lower()}; moved to a later day, "
                        "it is scheduled again.")
        appointment.status = STATUS_SCHEDULED
    if session_notices.Booked.of(appointment) == was:
        return ScheduleResult(appointment, changed=False)  # saved as it was: nothing to record, nobody to tell
    told = session_notices.tell_of_change(appointment, was) if appointment.status == STATUS_SCHEDULED else 0
    record(counselor.id, "reschedule_session", appointment)
    session.commit()
    return ScheduleResult(appointment, warnings, told)


def on_a_later_day(appointment: Appointment, counselor: User) -> bool:
    """Whether the session is on a day after today, in the counselor's own time zone."""
    return to_local(appointment.starts_at, counselor.timezone).date() > to_local(utcnow(), counselor.timezone).date()


def set_status(counselor: User, appointment_id: int, status: str) -> ScheduleResult:
    """Held, missed, cancelled, or back to scheduled. A session later today may be marked (it may have
    been moved earlier without its time being changed), with a warning; one on a later day may not: a
    summary of it could be sent to the couple before it has happened."""
    appointment = access.appointment_for_counselor(counselor, appointment_id)
    access.require_writable(appointment.couple, counselor)
    if status not in STATUS_LABELS:
        raise RuleError("Choose held, missed, cancelled or scheduled.")
    if appointment.is_cancelled and status in (STATUS_HELD, STATUS_MISSED):
        raise RuleError("This session was cancelled. Restore it first if it did take place.")
    warnings = []
    if status in (STATUS_HELD, STATUS_MISSED) and appointment.starts_at > utcnow():
        if on_a_later_day(appointment, counselor):
            raise RuleError(f"This session is on {format_local(appointment.starts_at, counselor.timezone, 'date')}. "
                            "It can be marked once its day has come; if it took place already, change its date first.")
        warnings.append("This session is still to come; it was marked as you asked.")
    was, appointment.status = appointment.status, status
    told = _tell_of_status(appointment, was)
    record(counselor.id, f"session_{status}", appointment)
    session.commit()
    return ScheduleResult(appointment, warnings, told)


def _tell_of_status(appointment: Appointment, was: str) -> int:
    """Partners emailed about a session ahead called off, or put back on after it was called off."""
    if was == STATUS_SCHEDULED and appointment.status == STATUS_CANCELLED:
        return session_notices.tell_of_cancellation(appointment, next_session(appointment.couple_id))
    if was == STATUS_CANCELLED and appointment.status == STATUS_SCHEDULED:
        return session_notices.tell_of_restoration(appointment)
    return 0


def session_for(counselor: User, appointment_id: int) -> Appointment:
    return access.appointment_for_counselor(counselor, appointment_id)


def notes_of(appointment: Appointment) -> dict:
    """The note's parts; an old plain-text note reads as observations."""
    notes = appointment.notes
    if isinstance(notes, str):
        notes = {"observations": notes}
    return {part: (notes or {}).get(part) or "" for part in NOTE_PARTS}


def save_notes(counselor: User, appointment_id: int, parts: dict[str, str | None]) -> Appointment:
    appointment = access.appointment_for_counselor(counselor, appointment_id)
    access.require_writable(appointment.couple, counselor)
    cleaned = {part: (parts.get(part) or "").strip() for part in NOTE_PARTS}
    if any(len(text) > 20000 for text in cleaned.values()):
        raise RuleError("Please keep each part of the note under 20,000 characters.", field="worked_on")
    appointment.notes = cleaned if any(cleaned.values()) else None
    record(counselor.id, "save_session_notes", appointment)
    session.commit()
    return appointment


# ---- reading sessions ---------------------------------------------------------------------------

# A session's number: how many of the couple's sessions not cancelled start before it or with it (the same
# start: the earlier booked), counted by the database beside the rows, so that numbering the latest few
# never loads the rest. A cancelled session is listed with no number.
_NEWEST_FIRST = (Appointment.starts_at.desc(), Appointment.id.desc())
NUMBERED = (select(Appointment.id,
                   func.sum(case((Appointment.status == STATUS_CANCELLED, 0), else_=1))
                   .over(order_by=(Appointment.starts_at, Appointment.id)).label("number"),
                   func.count().over().label("total"))
            .where(Appointment.couple_id == bindparam("couple_id")).subquery())
# Built once. Numbering, the couple page and the packet need when and whether each session was, not its
# notes: those stay sealed until read (two years of weekly sessions would open a hundred notes a page).
_COUPLES_SESSIONS = (select(Appointment, NUMBERED.c.number, NUMBERED.c.total)
                     .join(NUMBERED, NUMBERED.c.id == Appointment.id).order_by(*_NEWEST_FIRST))
_COUPLES_SESSIONS_NOT_NOTES = _COUPLES_SESSIONS.options(defer(Appointment.notes))
# The couple page's short list, each part through the couple's index with a limit (window ranks cost
# SQLite a sort apiece): the soonest still ahead, and the latest already begun (the timeline's, of which
# the list shows the newest few).
_OF_COUPLE = select(Appointment.id).where(Appointment.couple_id == bindparam("couple_id"))
_SHORT_LIST = _COUPLES_SESSIONS_NOT_NOTES.where(or_(
    Appointment.id.in_(_OF_COUPLE.where(Appointment.starts_at > bindparam("now"))
                       .order_by(Appointment.starts_at, Appointment.id).limit(bindparam("soonest"))),
    Appointment.id.in_(_OF_COUPLE.where(Appointment.starts_at <= bindparam("now"))
                       .order_by(*_NEWEST_FIRST).limit(bindparam("latest")))))
_NUMBER_OF = select(NUMBERED.c.number).where(NUMBERED.c.id == bindparam("appointment_id"))


@dataclass
class SessionList:
    """Some or all of a couple's sessions, numbered, newest first, and how many the couple has in all."""
    items: list[NumberedSession]
    total: int

    @property
    def complete(self) -> bool:
        return len(self.items) == self.total


def _numbered(rows) -> SessionList:
    items = [NumberedSession(appointment, None if appointment.is_cancelled else number)
             for appointment, number, _ in rows]
    return SessionList(items, rows[0].total if rows else 0)


def couple_sessions(couple: Couple, with_notes: bool = False) -> SessionList:
    """Every session of a couple the caller may already see (access was checked for the couple);
    `with_notes`: their notes opened too (the couple's records), else opened only if read."""
    statement = _COUPLES_SESSIONS if with_notes else _COUPLES_SESSIONS_NOT_NOTES
    return _numbered(session.execute(statement, {"couple_id": couple.id}).all())


def recent_sessions(couple: Couple, now: datetime, soonest: int, latest: int) -> SessionList:
    """The couple's `soonest` sessions still ahead of `now` and the `latest` begun by then, numbered among
    all of them; the others are not loaded (access was checked for the couple)."""
    rows = session.execute(_SHORT_LIST, {"couple_id": couple.id, "now": now, "soonest": soonest,
                                         "latest": latest}).all()
    return _numbered(rows)


def number_of(appointment: Appointment) -> int | None:
    if appointment.is_cancelled:
        return None
    return session.scalar(_NUMBER_OF, {"couple_id": appointment.couple_id, "appointment_id": appointment.id})


def previous_session(appointment: Appointment) -> Appointment | None:
    """The last session before this one that was not cancelled: "since the last session" starts there."""
    return session.scalar(
        select(Appointment).where(Appointment.couple_id == appointment.couple_id,
                                  Appointment.status != STATUS_CANCELLED,
                                  Appointment.starts_at < appointment.starts_at)
        .order_by(Appointment.starts_at.desc()).limit(1)
    )


def has_started(appointment: Appointment, now: datetime) -> bool:
    """The rule of `_begun` (and so of `last_started`), for sessions already loaded."""
    return appointment.status != STATUS_CANCELLED and appointment.starts_at <= now


def last_started_among(appointments: list[Appointment], now: datetime | None = None) -> Appointment | None:
    """`last_started` among a couple's sessions already in hand (no query)."""
    now = now or utcnow()
    return max((a for a in appointments if has_started(a, now)), key=lambda a: a.starts_at, default=None)


def _begun(couple_id, now):
    """The couple's sessions that have begun (not cancelled), as SQL criteria: `has_started`'s rule.
    Values or named parameters (for statements built once)."""
    return (Appointment.couple_id == couple_id, Appointment.status != STATUS_CANCELLED, Appointment.starts_at <= now)


def last_start_subquery(couple_id, now):
    """When the last session that has begun began, as a subquery (NULL: none yet), for queries that
    compare with it without a query of their own."""
    return select(func.max(Appointment.starts_at)).where(*_begun(couple_id, now)).scalar_subquery()


def last_started(couple_id: int, now: datetime | None = None) -> Appointment | None:
    """The most recent session that has begun (not cancelled)."""
    return session.scalar(
        select(Appointment).where(*_begun(couple_id, now or utcnow())).order_by(Appointment.starts_at.desc()).limit(1)
    )


# My homework asks on every visit (its session corner, for the next few): built once (access.py says why).
NEXT_SESSION = (select(Appointment)
                .where(Appointment.couple_id == bindparam("couple_id"), Appointment.status == STATUS_SCHEDULED,
                       Appointment.starts_at > bindparam("now"))
                .order_by(Appointment.starts_at).limit(1))


def next_session(couple_id: int, now: datetime | None = None) -> Appointment | None:
    """The next session still to start (not cancelled, not already marked held or missed)."""
    return session.scalar(NEXT_SESSION, {"couple_id": couple_id, "now": now or utcnow()})
