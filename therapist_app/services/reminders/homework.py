"""Homework reminders: due today (once), and overdue (once, and again three days later; never more)."""
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from ...engine.presentation import definition_of
from ...extensions import session
from ...mail import messages
from ...models import Assignment, Couple, Response, User, WorksheetVersion
from ...models.assignment import STATUS_OPEN
from ...models.response import NOT_YET, STATUS_SUBMITTED
from ..links import login_link
from ..unsubscribe import link_for
from .recipients import PARTNER_COLUMNS, may_be_reminded, partner_of
from .registry import Outgoing, reminder_kind
from .timing import day_label, is_reminder_time, local_now

# Overdue reminders: the first from the day after the due date, the second three days later.
OVERDUE_WINDOWS = ((1, 4, 1), (4, 7, 2))  # (first day after due, day it goes stale, which reminder)
# Local dates differ from the UTC date by at most a day either way.
ZONE_SLACK = timedelta(days=1)


def open_homework_rows(due_from, due_to):
    """(assignment_id, due date, version id, couple unlocked?, partner columns…) for every partner
    who still has this homework to do: open, assigned to them, not submitted by them, not held by a
    "not yet", due between the two dates. One query, whatever the number of assignments."""
    submitted = exists().where(Response.assignment_id == Assignment.id, Response.partner_id == User.id,
                               Response.status == STATUS_SUBMITTED)
    held = exists().where(Response.assignment_id == Assignment.id, Response.readiness == NOT_YET)
    return session.execute(
        select(Assignment.id.label("assignment_id"), Assignment.due_date, Assignment.worksheet_version_id, Couple.intimacy_unlocked,
               *PARTNER_COLUMNS)
        .join(Couple, Couple.id == Assignment.couple_id)
        .join(User, partner_of())
        .where(Assignment.status == STATUS_OPEN, Assignment.due_date.between(due_from, due_to),
               (Assignment.assignee_id.is_(None)) | (Assignment.assignee_id == User.id),
               may_be_reminded(), ~submitted, ~held)
    ).all()


def _locked_versions(rows) -> set[int]:
    """Versions a partner cannot open while physical-intimacy exercises are locked (one query)."""
    ids = {row.worksheet_version_id for row in rows if not row.intimacy_unlocked}
    if not ids:
        return set()
    versions = session.scalars(select(WorksheetVersion).where(WorksheetVersion.id.in_(ids)))
    return {v.id for v in versions if definition_of(v).requires_unlock}


def _visible_rows(now: datetime, back: timedelta, ahead: timedelta):
    today = now.date()
    rows = open_homework_rows(today - back - ZONE_SLACK, today + ahead + ZONE_SLACK)
    locked = _locked_versions(rows)
    clocks = {}  # one conversion per time zone, not per row
    for row in rows:
        if row.intimacy_unlocked or row.worksheet_version_id not in locked:
            local = clocks.get(row.timezone) or clocks.setdefault(row.timezone, local_now(now, row.timezone))
            if is_reminder_time(local, row.reminder_hour):
                yield row, local


@reminder_kind("due-soon", "Homework due today")
def due_today(now: datetime) -> list[Outgoing]:
    """Due by the end of today in the partner's own zone: within 24 hours."""
    found = []
    for row, local in _visible_rows(now, timedelta(0), timedelta(0)):
        if local.date() == row.due_date:
            key = f"due-soon:{row.assignment_id}:{row.id}:{row.due_date.isoformat()}"
            unsubscribe = link_for(row.id)
            text = messages.due_soon(row.display_name, login_link(), unsubscribe)
            found.append(Outgoing(key, row.id, row.email, text, unsubscribe))
    return found


@reminder_kind("overdue", "Homework overdue")
def overdue(now: datetime) -> list[Outgoing]:
    found = []
    for row, local in _visible_rows(now, timedelta(days=OVERDUE_WINDOWS[-1][1]), timedelta(0)):
        days_late = (local.date() - row.due_date).days
        for first_day, stale_day, number in OVERDUE_WINDOWS:
            if first_day <= days_late < stale_day:
                key = f"overdue:{row.assignment_id}:{row.id}:{row.due_date.isoformat()}:{number}"
                unsubscribe = link_for(row.id)
                text = messages.overdue(row.display_name, day_label(row.due_date), login_link(), unsubscribe)
                found.append(Outgoing(key, row.id, row.email, text, unsubscribe))
    return found
