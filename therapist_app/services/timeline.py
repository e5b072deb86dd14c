"""The couple page's timeline: sessions, assignments, submissions, reveals, releases, reviews and topics,
newest first."""
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import aliased

from ..extensions import session
from ..models import Appointment, Couple, SessionSummary, SessionTopic
from ..models.base import utcnow
from . import sessions, summaries, topics


@dataclass
class TimelineEvent:
    at: datetime
    kind: str        # session | assigned | submitted | revealed | released | reviewed | topic | summary
    text: str
    appointment_id: int | None = None
    assignment_id: int | None = None


# The couple page shows the newest events; a couple in care for months has hundreds (each exercise is
# assigned, submitted twice, reviewed twice, revealed), and the whole timeline is one link away.
RECENT_EVENTS = 15
# Likewise the couple page's list of sessions: the next few booked and the last ten, and a link to all
# of them; two years of weekly sessions made it a hundred lines long. (The newest ten alone would show
# only bookings to a counselor who books a term ahead.)
RECENT_SESSIONS = 10
UPCOMING_SESSIONS = 5
_LATEST_BEGUN = max(RECENT_EVENTS + 1, RECENT_SESSIONS)  # the short timeline's, and the list's among them


@dataclass
class CoupleSessions:
    sessions: list          # NumberedSession, newest first: every one, or the short list's and the timeline's
    session_count: int      # the couple's sessions in all
    open_topics: list
    timeline: list[TimelineEvent]  # every event, newest first (else enough for the latest)
    now: datetime           # what "ahead" meant when the sessions were chosen
    whole: bool = False     # the counselor asked for the whole timeline
    complete: bool = True   # `timeline` holds every event (else enough for the latest ones)
    all_sessions: bool = False  # the counselor asked for every session in the list
    recent: ClassVar[int] = RECENT_EVENTS
    recent_sessions: ClassVar[int] = RECENT_SESSIONS

    @property
    def shown(self) -> list[TimelineEvent]:
        return self.timeline if self.whole else self.timeline[:RECENT_EVENTS]

    @property
    def sessions_shown(self) -> list:
        """Newest first, as `sessions`: the nearest UPCOMING_SESSIONS ahead, then the latest RECENT_SESSIONS."""
        if self.all_sessions:
            return self.sessions
        ahead = [item for item in self.sessions if item.appointment.starts_at > self.now]
        return ahead[-UPCOMING_SESSIONS:] + self.sessions[len(ahead):len(ahead) + RECENT_SESSIONS]


def _homework_events(couple: Couple, rows) -> list[TimelineEvent]:
    names = {p.id: p.display_name for p in couple.partners}
    events = []
    for row in rows:
        a, title = row.assignment, row.definition.title
        whom = "both partners" if a.is_joint else names.get(a.assignee_id, "")
        events.append(TimelineEvent(a.created_at, "assigned", f"Assigned “{title}” to {whom}", assignment_id=a.id))
        events.extend(_sharing_events(a, title))
        for partner_id, cell in row.cells.items():
            response = cell.response
            if response is not None and response.submitted_at:
                events.append(TimelineEvent(response.submitted_at, "submitted",
                                            f"{names[partner_id]} submitted “{title}”", assignment_id=a.id))
            if response is not None and response.reviewed_at:
                events.append(TimelineEvent(response.reviewed_at, "reviewed",
                                            f"You reviewed {names[partner_id]}'s “{title}”", assignment_id=a.id))
    return events


def _sharing_events(a, title: str) -> list[TimelineEvent]:
    """When the partners' shared answers reached each other: as both submitted, or, for work the
    counselor releases after review, when they first released some."""
    if not a.revealed_at:
        return []
    if not a.waits_for_release:
        return [TimelineEvent(a.revealed_at, "revealed", f"Both submitted “{title}”: shared answers shown",
                              assignment_id=a.id)]
    # Not "shown": nothing is, until the counselor releases it (the homework table says it waits).
    events = [TimelineEvent(a.revealed_at, "revealed", f"Both submitted “{title}”", assignment_id=a.id)]
    if a.released_at:
        events.append(TimelineEvent(a.released_at, "released", f"You released shared answers of “{title}”",
                                    assignment_id=a.id))
    return events


def _session_events(items) -> list[TimelineEvent]:
    events = []
    for item in items:
        label = f"Session {item.number}" if item.number else "Session"
        events.append(TimelineEvent(item.appointment.starts_at, "session", f"{label}: {item.status_label.lower()}",
                                    appointment_id=item.appointment.id))
    return events


# Built once: the couple page asks on every visit (access.py says why).
_COUPLES_TOPICS = (select(SessionTopic).where(SessionTopic.couple_id == bindparam("couple_id"))
                   .order_by(SessionTopic.created_at, SessionTopic.id))
# The short page: the topics still open (their words are shown) and the newest few more than the
# timeline shows (it needs only when and by whom). Two years of sessions bring some two hundred topics,
# each sealed: opening them all cost the page more than the rest of the timeline.
_NEWEST_TOPICS = (select(SessionTopic.id).where(SessionTopic.couple_id == bindparam("couple_id"))
                  .order_by(SessionTopic.created_at.desc(), SessionTopic.id.desc()).limit(RECENT_EVENTS + 1))
_ANY_TOPIC = aliased(SessionTopic)  # counted apart from the rows loaded: are they all?
_ALL_TOPICS = (select(func.count(_ANY_TOPIC.id))
               .where(_ANY_TOPIC.couple_id == bindparam("couple_id")).scalar_subquery())
_RECENT_TOPICS = (_COUPLES_TOPICS.add_columns(_ALL_TOPICS.label("total"))
                  .where(or_(SessionTopic.created_at > bindparam("open_since"), SessionTopic.id.in_(_NEWEST_TOPICS))))
# When each summary was published, not what it says (sealed twice over, the draft and what was sent),
# newest first. The short page takes the newest few, and how many there are in all (counted before the limit).
_ALL_PUBLISHED = (select(SessionSummary.appointment_id, SessionSummary.published_at)
                  .join(Appointment, Appointment.id == SessionSummary.appointment_id)
                  .where(*summaries.COUPLES_PUBLISHED).order_by(SessionSummary.published_at.desc()))
_RECENT_PUBLISHED = _ALL_PUBLISHED.add_columns(func.count().over().label("total")).limit(RECENT_EVENTS + 1)


def couple_sessions(couple: Couple, rows, whole: bool = False, complete: bool = True,
                    all_sessions: bool = False) -> CoupleSessions:
    """Everything session-related for the couple page. `rows` are the page's homework rows, already
    loaded through access, so the timeline costs no query per assignment. `whole`: every event shown;
    `all_sessions`: every session listed.
    `complete`: `rows` are all the couple's homework (when not, they hold every assignment with an event
    among the latest, reviews.couple_homework says why, and the timeline is not counted)."""
    now = utcnow()
    if whole or all_sessions:
        listed = sessions.couple_sessions(couple)
    else:  # the short list and the timeline's newest: two years of weekly sessions stay unloaded
        listed = sessions.recent_sessions(couple, now, soonest=UPCOMING_SESSIONS, latest=_LATEST_BEGUN)
    # The timeline tells what has happened; sessions still ahead are the list's (a term booked ahead
    # pushed the week's events off the short timeline).
    begun = [item for item in listed.items if item.appointment.starts_at <= now]
    complete = complete and (listed.complete or len(begun) < _LATEST_BEGUN)
    events = _homework_events(couple, rows) + _session_events(begun)
    names = {p.id: p.display_name for p in couple.partners}
    # The latest begun sessions are all loaded, so the last one not cancelled is among them unless all were.
    last_started = sessions.last_started_among([item.appointment for item in listed.items], now)
    if last_started is None and not listed.complete:
        last_started = sessions.last_started(couple.id, now)
    if whole or last_started is None:  # every topic; with no session begun, every one is still open
        couple_topics = list(session.scalars(_COUPLES_TOPICS, {"couple_id": couple.id}))
    else:
        loaded = session.execute(_RECENT_TOPICS, {"couple_id": couple.id, "open_since": last_started.starts_at}).all()
        couple_topics = [topic for topic, _ in loaded]
        complete = complete and (not loaded or len(loaded) == loaded[0].total)  # else older ones were left out
    for topic in couple_topics:
        events.append(TimelineEvent(topic.created_at, "topic", f"{names.get(topic.author_id, '')} added a topic"))
    published = session.execute(_ALL_PUBLISHED if whole else _RECENT_PUBLISHED, {"couple_id": couple.id}).all()
    complete = complete and (whole or not published or len(published) == published[0].total)
    for row in published:
        events.append(TimelineEvent(row.published_at, "summary", "Session summary published",
                                    appointment_id=row.appointment_id))
    events.sort(key=lambda e: e.at, reverse=True)
    return CoupleSessions(listed.items, listed.total, topics.still_open(couple_topics, last_started), events, now,
                          whole, complete, all_sessions)
