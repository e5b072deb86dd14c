"""The couple page's timeline: sessions, assignments, submissions, reveals, reviews and topics, newest first."""
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from sqlalchemy import bindparam, select

from ..extensions import session
from ..models import Couple, SessionSummary, SessionTopic
from . import sessions, topics


@dataclass
class TimelineEvent:
    at: datetime
    kind: str        # session | assigned | submitted | revealed | reviewed | topic | summary
    text: str
    appointment_id: int | None = None
    assignment_id: int | None = None


# The couple page shows the newest events; a couple in care for months has hundreds (each exercise is
# assigned, submitted twice, reviewed twice, revealed), and the whole timeline is one link away.
RECENT_EVENTS = 15


@dataclass
class CoupleSessions:
    sessions: list          # NumberedSession, newest first
    open_topics: list
    timeline: list[TimelineEvent]  # every event, newest first
    whole: bool = False     # the counselor asked for the whole timeline
    complete: bool = True   # built from all the couple's homework (else from enough for the latest events)
    recent: ClassVar[int] = RECENT_EVENTS

    @property
    def shown(self) -> list[TimelineEvent]:
        return self.timeline if self.whole else self.timeline[:RECENT_EVENTS]


def _homework_events(couple: Couple, rows) -> list[TimelineEvent]:
    names = {p.id: p.display_name for p in couple.partners}
    events = []
    for row in rows:
        a, title = row.assignment, row.definition.title
        whom = "both partners" if a.is_joint else names.get(a.assignee_id, "")
        events.append(TimelineEvent(a.created_at, "assigned", f"Assigned “{title}” to {whom}", assignment_id=a.id))
        if a.revealed_at:
            events.append(TimelineEvent(a.revealed_at, "revealed", f"Both submitted “{title}”: shared answers shown",
                                        assignment_id=a.id))
        for partner_id, cell in row.cells.items():
            response = cell.response
            if response is not None and response.submitted_at:
                events.append(TimelineEvent(response.submitted_at, "submitted",
                                            f"{names[partner_id]} submitted “{title}”", assignment_id=a.id))
            if response is not None and response.reviewed_at:
                events.append(TimelineEvent(response.reviewed_at, "reviewed",
                                            f"You reviewed {names[partner_id]}'s “{title}”", assignment_id=a.id))
    return events


# Built once: the couple page asks on every visit (access.py says why).
_COUPLES_TOPICS = (select(SessionTopic).where(SessionTopic.couple_id == bindparam("couple_id"))
                   .order_by(SessionTopic.created_at, SessionTopic.id))
_PUBLISHED_SUMMARIES = select(SessionSummary).where(
    SessionSummary.appointment_id.in_(bindparam("appointment_ids", expanding=True)),
    SessionSummary.published_at.is_not(None))


def couple_sessions(couple: Couple, rows, whole: bool = False, complete: bool = True) -> CoupleSessions:
    """Everything session-related for the couple page. `rows` are the page's homework rows, already
    loaded through access, so the timeline costs no query per assignment. `whole`: every event shown.
    `complete`: `rows` are all the couple's homework (when not, they hold every assignment with an event
    among the latest, reviews.couple_homework says why, and the timeline is not counted)."""
    numbered = sessions.couple_sessions(couple)
    events = _homework_events(couple, rows)
    for item in numbered:
        label = f"Session {item.number}" if item.number else "Session"
        events.append(TimelineEvent(item.appointment.starts_at, "session", f"{label}: {item.status_label.lower()}",
                                    appointment_id=item.appointment.id))
    names = {p.id: p.display_name for p in couple.partners}
    couple_topics = list(session.scalars(_COUPLES_TOPICS, {"couple_id": couple.id}))
    for topic in couple_topics:
        events.append(TimelineEvent(topic.created_at, "topic", f"{names.get(topic.author_id, '')} added a topic"))
    by_id = {item.appointment.id: item for item in numbered}
    for summary in session.scalars(_PUBLISHED_SUMMARIES, {"appointment_ids": list(by_id)}):
        events.append(TimelineEvent(summary.published_at, "summary", "Session summary published",
                                    appointment_id=summary.appointment_id))
    events.sort(key=lambda e: e.at, reverse=True)
    last_started = sessions.last_started_among([item.appointment for item in numbered])
    return CoupleSessions(numbered, topics.still_open(couple_topics, last_started), events, whole, complete)
