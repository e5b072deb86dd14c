"""The counselor's day: today's and this week's sessions, then every couple with what needs doing.

A fixed number of queries whatever the caseload: each question is asked once for all couples, and
only columns are loaded (never the encrypted answers) to count statuses.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm.attributes import set_committed_value

from .. import access
from ..models import Appointment, Assignment, Couple, Response, SessionTopic, User
from ..models.appointment import STATUS_CANCELLED
from ..models.assignment import STATUS_OPEN
from ..models.base import utcnow
from ..models.response import STATUS_SUBMITTED, note_unread
from ..extensions import session
from ..timezones import to_local, today_in, zone

FILTERS = {
    "all": "All couples in care",
    "week": "Session this week",
    "overdue": "Homework overdue",
    "review": "Waiting for review",
    "new": "New since last session",
    "attention": "Check-in needs attention",
    "archived": "Archived",
}


@dataclass
class CoupleDay:
    couple: Couple
    not_started: int = 0
    in_progress: int = 0
    submitted: int = 0
    overdue: int = 0
    to_review: int = 0
    risk: int = 0
    new_notes: int = 0  # notes added to a sent private check-in, not read yet
    new_submissions: int = 0
    new_topics: int = 0
    last_session: datetime | None = None
    next_session: Appointment | None = None

    @property
    def new_since_last(self) -> int:
        return self.new_submissions + self.new_topics

    def matches(self, name_filter: str) -> bool:
        """Archived couples are listed only under their own filter; every other filter is of couples in care."""
        if (name_filter == "archived") != (not access.couple_writable(self.couple)):
            return False
        return {"all": True, "archived": True, "week": self.next_session is not None, "overdue": self.overdue > 0,
                "review": self.to_review > 0, "new": self.new_since_last > 0,
                "attention": self.risk > 0}.get(name_filter, True)


@dataclass
class Day:
    today: list[Appointment]
    this_week: list[Appointment]
    couples: list[CoupleDay]
    total: int
    risk_total: int = 0
    archived: int = 0
    filters: dict = field(default_factory=lambda: FILTERS)


# Each question is built once, for any counselor (access.py says why), over the couples of
# access.COUNSELORS_COUPLES: every statement here takes access.counselor_params.
_IN_CASELOAD = access.COUNSELORS_COUPLES.with_only_columns(Couple.id)
_COUPLES = access.COUNSELORS_COUPLES.order_by(Couple.id).options(*access.WITH_PARTNERS)
_WEEK = (select(Appointment)
         .where(Appointment.couple_id.in_(_IN_CASELOAD), Appointment.status != STATUS_CANCELLED,
                Appointment.starts_at >= bindparam("start"), Appointment.starts_at < bindparam("end"))
         .order_by(Appointment.starts_at))
_LAST_SESSIONS = (select(Appointment.couple_id, func.max(Appointment.starts_at))
                  .where(Appointment.couple_id.in_(_IN_CASELOAD), Appointment.status != STATUS_CANCELLED,
                         Appointment.starts_at <= bindparam("now"))
                  .group_by(Appointment.couple_id))
_OPEN_ASSIGNMENTS = (select(Assignment.id, Assignment.couple_id, Assignment.assignee_id, Assignment.due_date)
                     .where(Assignment.couple_id.in_(_IN_CASELOAD), Assignment.status == STATUS_OPEN))
_OPEN_RESPONSES = (select(Response.assignment_id, Response.partner_id, Response.status, Response.revision,
                          Response.submitted_at, Response.reviewed_at, Response.risk_flagged, Response.addendum_at)
                   .join(Assignment, Assignment.id == Response.assignment_id)
                   .where(Assignment.couple_id.in_(_IN_CASELOAD), Assignment.status == STATUS_OPEN))
_TOPICS = select(SessionTopic.couple_id, SessionTopic.created_at).where(SessionTopic.couple_id.in_(_IN_CASELOAD))


def _week_sessions(counselor: User, couples_by_id: dict, today: date) -> list[Appointment]:
    start = datetime.combine(today, time.min, tzinfo=zone(counselor.timezone))
    appointments = session.scalars(
        _WEEK, {**access.counselor_params(counselor), "start": start, "end": start + timedelta(days=7)}).all()
    for appointment in appointments:  # already loaded: no query per session
        set_committed_value(appointment, "couple", couples_by_id[appointment.couple_id])
    return appointments


def _last_sessions(counselor: User) -> dict[int, datetime]:
    return dict(session.execute(_LAST_SESSIONS, {**access.counselor_params(counselor), "now": utcnow()}).all())


def _count_homework(counselor: User, days: dict[int, CoupleDay], today: date) -> None:
    params = access.counselor_params(counselor)
    assignments = session.execute(_OPEN_ASSIGNMENTS, params).all()
    responses = defaultdict(dict)
    for row in session.execute(_OPEN_RESPONSES, params):
        responses[row.assignment_id][row.partner_id] = row
    for assignment_id, couple_id, assignee_id, due_date in assignments:
        day = days[couple_id]
        partners = [assignee_id] if assignee_id else [day.couple.partner_a_id, day.couple.partner_b_id]
        for partner_id in partners:
            _count_one(day, responses[assignment_id].get(partner_id), due_date, today)


def _count_one(day: CoupleDay, response, due_date: date | None, today: date) -> None:
    if response is not None and response.status == STATUS_SUBMITTED:
        day.submitted += 1
        # A note added to a sent check-in makes it unread again, and needs attention like a risk
        # answer, until the counselor marks it read (counselor-only: partners see no count).
        new_note = note_unread(response.reviewed_at, response.addendum_at)
        unread = response.reviewed_at is None or new_note
        day.to_review += unread
        day.risk += unread and (bool(response.risk_flagged) or new_note)
        day.new_notes += new_note
        if day.last_session is None or response.submitted_at > day.last_session:
            day.new_submissions += 1
        return
    if response is not None and response.revision > 0:
        day.in_progress += 1
    else:
        day.not_started += 1
    if due_date is not None and due_date < today:
        day.overdue += 1


def _count_topics(counselor: User, days: dict[int, CoupleDay]) -> None:
    for couple_id, created_at in session.execute(_TOPICS, access.counselor_params(counselor)):
        last = days[couple_id].last_session
        if last is None or created_at > last:
            days[couple_id].new_topics += 1


def counselor_day(counselor: User, name_filter: str = "all", search: str = "") -> Day:
    """Search matches either partner's name; it arrives by POST so names never sit in a URL or a log."""
    today = today_in(counselor.timezone)
    couples = session.scalars(_COUPLES, access.counselor_params(counselor)).all()
    days = {c.id: CoupleDay(c) for c in couples}
    for couple_id, at in _last_sessions(counselor).items():
        days[couple_id].last_session = at
    week = _week_sessions(counselor, {c.id: c for c in couples}, today)
    for appointment in reversed(week):
        if appointment.starts_at > utcnow():
            days[appointment.couple_id].next_session = appointment
    _count_homework(counselor, days, today)
    _count_topics(counselor, days)
    needle = (search or "").strip().lower()
    shown = [d for d in days.values() if d.matches(name_filter)
             and (not needle or needle in d.couple.partner_a.display_name.lower()
                  or needle in d.couple.partner_b.display_name.lower())]
    shown.sort(key=lambda d: (d.next_session is None, d.next_session.starts_at if d.next_session else 0,
                              -d.risk, d.couple.label.lower()))
    today_list = [a for a in week if to_local(a.starts_at, counselor.timezone).date() == today]
    rest = [a for a in week if a not in today_list]
    archived = sum(not access.couple_writable(c) for c in couples)
    return Day(today_list, rest, shown, len(couples), sum(d.risk for d in days.values()), archived)
