"""What My homework shows about sessions: the next one, topics for it, and whether summaries exist."""
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select

from .. import access
from ..extensions import session
from ..models import Appointment, Couple, SessionSummary, User
from ..models.base import utcnow
from .sessions import NEXT_SESSION
from .topics import PortalTopic, portal_topics


@dataclass
class SessionCorner:
    next_session: Appointment | None
    later: list[Appointment]  # the few booked after it: an email told of one, and of how it is held
    topics: list[PortalTopic]
    summaries: int
    writable: bool = True  # False once the couple is archived: topics can be read, not added or withdrawn


# Built once: every visit to My homework asks (access.py says why). The next session and a few after it,
# in the one query that found the next alone.
_UPCOMING = NEXT_SESSION.limit(4)
_PUBLISHED_SUMMARIES = (select(func.count(SessionSummary.id))
                        .join(Appointment, Appointment.id == SessionSummary.appointment_id)
                        .where(Appointment.couple_id == bindparam("couple_id"), SessionSummary.published_at.is_not(None)))


def session_corner(partner: User, couple: Couple) -> SessionCorner:
    """The couple was found through access by the caller; topics go through access again."""
    published = session.scalar(_PUBLISHED_SUMMARIES, {"couple_id": couple.id}) or 0
    upcoming = session.scalars(_UPCOMING, {"couple_id": couple.id, "now": utcnow()}).all()
    return SessionCorner(upcoming[0] if upcoming else None, upcoming[1:], portal_topics(partner, couple), published,
                         access.couple_writable(couple))
