"""The counselor's day: today's and this week's sessions, then every couple with what needs doing.

A fixed number of queries whatever the caseload: each question is asked once for all couples, and
only columns are loaded (never the encrypted answers) to count statuses.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, bindparam, case, func, or_, select, union_all
from sqlalchemy.orm.attributes import set_committed_value

from .. import access
from ..models import Appointment, Assignment, Couple, Response, SessionTopic, User
from ..models.appointment import STATUS_CANCELLED
from ..models.assignment import STATUS_OPEN
from ..models.base import utcnow
from ..models.response import (STATUS_SUBMITTED, needs_attention_clause, note_unread_clause,
                               unread_by_counselor_clause)
from ..models.series import PASSED_INSTANCE
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
    to_release: int = 0  # exercises both sent whose shared answers wait for the counselor's release
    risk: int = 0
    new_notes: int = 0  # notes added to a sent private check-in, not read yet
    new_submissions: int = 0
    new_topics: int = 0
    next_session: Appointment | None = None

    @property
    def new_since_last(self) -> int:
        return self.new_submissions + self.new_topics

    def matches(self, name_filter: str) -> bool:
        """Archived couples are listed only under their own filter; every other filter is of couples in care."""
        if (name_filter == "archived") != (not access.couple_writable(self.couple)):
            return False
        return {"all": True, "archived": True, "week": self.next_session is not None, "overdue": self.overdue > 0,
                "review": self.to_review > 0 or self.to_release > 0, "new": self.new_since_last > 0,
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
# Each couple's last session so far: what counts as "new since the last session".
_LAST_SESSION = (select(Appointment.couple_id, func.max(Appointment.starts_at).label("at"))
                 .where(Appointment.couple_id.in_(_IN_CASELOAD), Appointment.status != STATUS_CANCELLED,
                        Appointment.starts_at <= bindparam("now"))
                 .group_by(Appointment.couple_id).subquery())


# Every (open assignment, partner it was given to) of the caseload: both partners for joint homework.
def _given_to(partner_id):
    return (select(Assignment.id.label("assignment_id"), Assignment.couple_id.label("couple_id"),
                   Assignment.due_date.label("due_date"), partner_id.label("partner_id"),
                   PASSED_INSTANCE.label("passed"), Assignment.release_pending.label("release_pending"))
            .join(Couple, Couple.id == Assignment.couple_id)
            .where(Assignment.couple_id.in_(_IN_CASELOAD), Assignment.status == STATUS_OPEN,
                   or_(Assignment.assignee_id.is_(None), Assignment.assignee_id == partner_id)))


_GIVEN = union_all(_given_to(Couple.partner_a_id), _given_to(Couple.partner_b_id)).subquery()
# Counted by the database, a row per couple: a counselor two years into care with thirty couples has
# thousands of assignments, and counting them here cost some 13 µs each (docs/benchmarks.md).
_SENT = func.coalesce(Response.status, "") == STATUS_SUBMITTED
_NOT_SENT = func.coalesce(Response.status, "") != STATUS_SUBMITTED
# Not begun: "not started", unless it is a missed week of repeating homework (models.series.PASSED_INSTANCE).
_NOT_BEGUN = _NOT_SENT & (func.coalesce(Response.revision, 0) == 0)
# A note added to a sent check-in makes it unread again, and needs attention like a risk answer, until
# the counselor marks it read (counselor-only: partners see no count): models.response's rules, as SQL.


def _how_many(condition):
    return func.count(case((condition, 1)))


_HOMEWORK_COUNTS = (
    select(_GIVEN.c.couple_id,
           _how_many(_NOT_BEGUN & ~_GIVEN.c.passed).label("not_started"),
           _how_many(_NOT_SENT & (Response.revision > 0)).label("in_progress"),
           _how_many(_SENT).label("submitted"),
           _how_many(_NOT_SENT & ~(_NOT_BEGUN & _GIVEN.c.passed)
                     & (_GIVEN.c.due_date < bindparam("today", type_=Date))).label("overdue"),
           _how_many(unread_by_counselor_clause()).label("to_review"),
           func.count(func.distinct(case((_GIVEN.c.release_pending, _GIVEN.c.assignment_id)))).label("to_release"),
           _how_many(_SENT & needs_attention_clause()).label("risk"),
           _how_many(_SENT & note_unread_clause()).label("new_notes"),
           _how_many(_SENT & (_LAST_SESSION.c.at.is_(None) | (Response.submitted_at > _LAST_SESSION.c.at)))
           .label("new_submissions"))
    .select_from(_GIVEN)
    .outerjoin(Response, (Response.assignment_id == _GIVEN.c.assignment_id)
               & (Response.partner_id == _GIVEN.c.partner_id))
    .outerjoin(_LAST_SESSION, _LAST_SESSION.c.couple_id == _GIVEN.c.couple_id)
    .group_by(_GIVEN.c.couple_id))
_NEW_TOPICS = (select(SessionTopic.couple_id, func.count())
               .outerjoin(_LAST_SESSION, _LAST_SESSION.c.couple_id == SessionTopic.couple_id)
               .where(SessionTopic.couple_id.in_(_IN_CASELOAD),
                      _LAST_SESSION.c.at.is_(None) | (SessionTopic.created_at > _LAST_SESSION.c.at))
               .group_by(SessionTopic.couple_id))


def _week_sessions(counselor: User, couples_by_id: dict, today: date) -> list[Appointment]:
    start = datetime.combine(today, time.min, tzinfo=zone(counselor.timezone))
    appointments = session.scalars(
        _WEEK, {**access.counselor_params(counselor), "start": start, "end": start + timedelta(days=7)}).all()
    for appointment in appointments:  # already loaded: no query per session
        set_committed_value(appointment, "couple", couples_by_id[appointment.couple_id])
    return appointments


def _count_homework(counselor: User, days: dict[int, CoupleDay], today: date) -> None:
    counted = session.execute(_HOMEWORK_COUNTS, {**access.counselor_params(counselor), "today": today,
                                                 "now": utcnow()})
    for row in counted:
        day = days[row.couple_id]
        for name in COUNTS:
            setattr(day, name, getattr(row, name))


COUNTS = ("not_started", "in_progress", "submitted", "overdue", "to_review", "to_release", "risk", "new_notes",
          "new_submissions")


def _count_topics(counselor: User, days: dict[int, CoupleDay]) -> None:
    for couple_id, new in session.execute(_NEW_TOPICS, {**access.counselor_params(counselor), "now": utcnow()}):
        days[couple_id].new_topics = new


def counselor_day(counselor: User, name_filter: str = "all", search: str = "") -> Day:
    """Search matches either partner's name; it arrives by POST so names never sit in a URL or a log."""
    today = today_in(counselor.timezone)
    couples = session.scalars(_COUPLES, access.counselor_params(counselor)).all()
    days = {c.id: CoupleDay(c) for c in couples}
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
