"""Topics a partner wants to talk about next session. Counselor-only by default; withdrawable until then."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select

from .. import access
from ..errors import RuleError
from ..extensions import session
from ..models import Appointment, Couple, SessionTopic, User
from ..models.base import utcnow
from ..models.session_topic import TOPIC_COUNSELOR, TOPIC_SHARED
from ..security.audit import record
from .sessions import last_start_subquery, last_started, previous_session

MAX_TOPIC_LENGTH = 1000


@dataclass
class PortalTopic:
    topic: SessionTopic
    mine: bool

    @property
    def shared(self) -> bool:
        return self.topic.visibility == TOPIC_SHARED


def _open_since(couple_id: int) -> datetime | None:
    """Topics added after the last session began are still "for next time"."""
    started = last_started(couple_id)
    return started.starts_at if started is not None else None


def add_topic(partner: User, text: str, visibility: str = TOPIC_COUNSELOR) -> SessionTopic:
    couple = access.couple_of_partner(partner)
    access.require_writable(couple, partner)
    text = (text or "").strip()
    if not text:
        raise RuleError("Please write a few words about what you would like to talk about.", field="text")
    if len(text) > MAX_TOPIC_LENGTH:
        raise RuleError(f"Please keep this under {MAX_TOPIC_LENGTH:,} characters.", field="text")
    if visibility not in (TOPIC_COUNSELOR, TOPIC_SHARED):
        raise RuleError("Please choose who may see this.", field="visibility")
    topic = SessionTopic(couple_id=couple.id, author_id=partner.id, visibility=visibility, text=text)
    session.add(topic)
    session.flush()
    record(partner.id, "add_topic", topic)
    session.commit()
    return topic


def withdraw_topic(partner: User, topic_id: int) -> None:
    """The author takes a topic back before the session it is for has begun. It is deleted, so a
    withdrawn topic leaves nothing behind for anyone."""
    topic = access.own_topic(partner, topic_id)
    access.require_writable(access.couple_of_partner(partner), partner)
    since = _open_since(topic.couple_id)
    if since is not None and topic.created_at <= since:
        raise RuleError("This topic was for a session that has already happened, so it can no longer be withdrawn.")
    record(partner.id, "withdraw_topic", topic)
    session.delete(topic)
    session.commit()


_LAST_START = last_start_subquery(bindparam("couple_id"), bindparam("now"))  # _open_since's rule, in the query
_OPEN_PORTAL_TOPICS = (access.PARTNERS_TOPICS
                       .where(or_(_LAST_START.is_(None), SessionTopic.created_at > _LAST_START))
                       .order_by(SessionTopic.created_at, SessionTopic.id))


def portal_topics(partner: User, couple: Couple) -> list[PortalTopic]:
    """This partner's own open topics and the ones the other partner shared, oldest first."""
    topics = session.scalars(_OPEN_PORTAL_TOPICS, {**access.partner_params(partner, couple), "now": utcnow()})
    return [PortalTopic(t, t.author_id == partner.id) for t in topics]


def topics_for_session(appointment: Appointment) -> list[SessionTopic]:
    """Topics added between the previous session and this one (the caller has checked access)."""
    previous = previous_session(appointment)
    query = select(SessionTopic).where(SessionTopic.couple_id == appointment.couple_id,
                                       SessionTopic.created_at <= appointment.starts_at)
    if previous is not None:
        query = query.where(SessionTopic.created_at > previous.starts_at)
    return list(session.scalars(query.order_by(SessionTopic.created_at, SessionTopic.id)))


def still_open(couple_topics: list[SessionTopic], last_started: Appointment | None) -> list[SessionTopic]:
    """Of a couple's topics (oldest first), those not yet discussed: added after the last session that
    has begun (the rule of `_open_since`, for topics and sessions already loaded)."""
    if last_started is None:
        return list(couple_topics)
    return [topic for topic in couple_topics if topic.created_at > last_started.starts_at]
