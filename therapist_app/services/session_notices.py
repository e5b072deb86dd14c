"""What the couple is told when a session booked ahead changes: moved, called off, or met another way
(by video instead of in person, a new video link, a new length). A short, neutral email to each partner
who gets email from the portal (the time and how they meet, never what the session is for, nor the
video link itself), and the reminder already queued for the old time taken back. Without it, the
partners learned of a change only by opening the portal: a couple could drive to an office for a
session that had moved to video."""
from dataclasses import dataclass
from datetime import datetime

from ..mail import messages
from ..mail.outbox import TRIED, enqueue, forget_withdrawn, states_of, withdraw
from ..models import Appointment
from ..models.appointment import MODE_VIDEO
from ..models.base import utcnow
from ..models.outbox import OUTBOX_PENDING, OUTBOX_WITHDRAWN
from ..timezones import format_local
from .links import login_link
from .notices import gets_portal_email

# Queued about a session, by key prefix; taken back with the couple's other email at the end of care.
SESSION_NOTICE_KINDS = ("session-booked", "session-moved", "session-changed", "session-cancelled", "session-restored")


@dataclass(frozen=True)
class Booked:
    """What the couple was last told of a session, kept before an edit to learn what changed."""
    starts_at: datetime
    mode: str
    video_link: str | None
    duration_minutes: int

    @classmethod
    def of(cls, appointment: Appointment) -> "Booked":
        return cls(appointment.starts_at, appointment.mode, appointment.video_link, appointment.duration_minutes)


def _changed_how_it_is_held(appointment: Appointment, was: Booked) -> bool:
    """By video or in person, the video link, or the length: the changes told besides the time."""
    return (appointment.mode != was.mode or appointment.duration_minutes != was.duration_minutes
            or (appointment.mode == MODE_VIDEO and (appointment.video_link or "") != (was.video_link or "")))


def _how(appointment: Appointment) -> str:
    return messages.how_it_is_held(appointment.mode == MODE_VIDEO, appointment.duration_minutes)


def _take_back_older_news(appointment: Appointment, kinds) -> None:
    """Email of these kinds about the session, queued and not yet tried: after two quick edits only the
    last may go, or the couple reads a time that no longer holds."""
    withdraw([f"{kind}:{appointment.id}:" for kind in kinds])


# A new time (or none) makes the day-before reminder and every earlier word wrong. A new way of meeting
# at the same time leaves the reminder right; earlier word of a move (which said how it was held then)
# goes too, since the new email names the new time as well.
_STALE_AFTER = {"session-booked": ("session", *SESSION_NOTICE_KINDS),
                "session-moved": ("session", *SESSION_NOTICE_KINDS),
                "session-cancelled": ("session", *SESSION_NOTICE_KINDS),
                "session-restored": SESSION_NOTICE_KINDS,
                "session-changed": ("session-moved", "session-changed")}


def _tell(appointment: Appointment, kind: str, message) -> int:
    """Queues `message(partner)` for each partner to tell; how many were queued. Keyed by the moment
    of the change, so a session moved back to an earlier time is told again."""
    _take_back_older_news(appointment, _STALE_AFTER[kind])
    changed_at = int(utcnow().timestamp() * 1000)
    return sum(enqueue(partner, f"{kind}:{appointment.id}:{partner.id}:{changed_at}", message(partner)) is not None
               for partner in appointment.couple.partners if gets_portal_email(partner))


def tell_of_booking(appointment: Appointment) -> int:
    """After a session ahead was booked: how many partners are told when, and how it is held. Every
    later word (moved, held by video, called off) is about a session they have heard of."""
    if appointment.starts_at <= utcnow():
        return 0
    return _tell(appointment, "session-booked", lambda partner: messages.appointment_booked(
        partner.display_name, format_local(appointment.starts_at, partner.timezone), _how(appointment), login_link()))


def _booking_not_sent_yet(appointment: Appointment) -> bool:
    """Whether word of the booking still waits to go (the couple has heard nothing of this session): a
    change before it went is told as the booking, and a cancellation as nothing at all."""
    booked = states_of(f"session-booked:{appointment.id}:")
    return OUTBOX_PENDING in booked and TRIED not in booked


def tell_of_change(appointment: Appointment, was: Booked) -> int:
    """After a session was edited: how many partners are told (of the new time, or of how it is held).
    Each email says how the session is held in full, not only what this edit changed: an earlier word,
    taken back before it went, may have been the one that told of video. Only a session still ahead:
    changing one already past corrects the record, and tells the couple nothing new."""
    if appointment.starts_at <= utcnow():
        return 0
    moved, held_otherwise = appointment.starts_at != was.starts_at, _changed_how_it_is_held(appointment, was)
    if not (moved or held_otherwise):
        return 0
    if _booking_not_sent_yet(appointment):
        return tell_of_booking(appointment)
    if moved:
        # A reminder taken back when it moved away stood in the way of the same time's reminder after a
        # move back: gone, the reminder job queues it again. (The one for the time it leaves is taken back.)
        forget_withdrawn(f"session:{appointment.id}:")
        return _tell(appointment, "session-moved", lambda partner: messages.appointment_moved(
            partner.display_name, format_local(was.starts_at, partner.timezone),
            format_local(appointment.starts_at, partner.timezone), _how(appointment), login_link()))
    return _tell(appointment, "session-changed", lambda partner: messages.appointment_details_changed(
        partner.display_name, format_local(appointment.starts_at, partner.timezone), _how(appointment), login_link()))


def tell_of_cancellation(appointment: Appointment, next_one: Appointment | None) -> int:
    """After a session ahead was cancelled: how many partners are told (and of the next one, if booked).
    Called off before word of its booking went: that word is taken back, and nothing is sent."""
    if appointment.starts_at <= utcnow():
        return 0
    if _booking_not_sent_yet(appointment):
        _take_back_older_news(appointment, _STALE_AFTER["session-cancelled"])
        return 0
    return _tell(appointment, "session-cancelled", lambda partner: messages.appointment_cancelled(
        partner.display_name, format_local(appointment.starts_at, partner.timezone),
        next_one and f"{format_local(next_one.starts_at, partner.timezone)}. {_how(next_one)}", login_link()))


def tell_of_restoration(appointment: Appointment) -> int:
    """After a cancelled session ahead was put back on: how many partners are told. A cancellation that
    went out is answered with "it goes ahead after all"; one not yet sent is simply taken back, and the
    booking told again if word of it had been taken back unsent. The day-before reminder, taken back at
    the cancellation, may go again."""
    if appointment.starts_at <= utcnow():
        return 0
    forget_withdrawn(f"session:{appointment.id}:")
    if TRIED in states_of(f"session-cancelled:{appointment.id}:"):
        return _tell(appointment, "session-restored", lambda partner: messages.appointment_restored(
            partner.display_name, format_local(appointment.starts_at, partner.timezone), _how(appointment),
            login_link()))
    _take_back_older_news(appointment, ("session-cancelled",))
    booked = states_of(f"session-booked:{appointment.id}:")
    return tell_of_booking(appointment) if OUTBOX_WITHDRAWN in booked and TRIED not in booked else 0
