"""Recurring homework: a series makes one assignment per period, whoever and however many run it."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import access
from ..engine.presentation import definition_of
from ..errors import NotFoundError, RuleError
from ..extensions import session
from ..models import Assignment, AssignmentSeries, Couple, User, WorksheetVersion
from ..models.assignment import STATUS_OPEN
from ..models.base import utcnow
from ..models.series import LEAD, SERIES_ACTIVE, SERIES_CANCELLED, SERIES_ENDED
from ..security.audit import record
from ..timezones import today_in
from . import worksheets
from .assignments import AssignResult, check_assignment, notify_partners, stage_warning
from .assignments import assign as assign_once
from .reminders.timing import next_reminder_moment

MAX_INTERVAL_WEEKS = 8
MAX_COUNT = 104


@dataclass
class Recurrence:
    interval_weeks: int = 1
    weekday: int | None = None  # 0 = Monday; None: the first due date's own weekday
    until: date | None = None
    count: int | None = None


def first_due_date(due_date: date | None, weekday: int | None, today: date) -> date:
    """The first instance's due date: the due date asked for (or a week from today), moved forward
    to the chosen weekday."""
    start = due_date or today + timedelta(days=7)
    if weekday is None:
        return start
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def _check(recurrence: Recurrence, first_due: date) -> None:
    if not 1 <= recurrence.interval_weeks <= MAX_INTERVAL_WEEKS:
        raise RuleError(f"Choose every 1 to {MAX_INTERVAL_WEEKS} weeks.", field="repeat")
    if recurrence.until is not None and recurrence.until < first_due:
        raise RuleError(f"“Until” is before the first due date ({first_due:%-d %B}). Please choose a later date.",
                        field="repeat_until")
    if recurrence.count is not None and not 1 <= recurrence.count <= MAX_COUNT:
        raise RuleError(f"Choose between 1 and {MAX_COUNT} times.", field="repeat_count")


def assign_repeating(counselor: User, couple_id: int, version_id: int, recurrence: Recurrence, *,
                     assignee_id: int | None = None, due_date: date | None = None, note: str | None = None,
                     today: date | None = None, release_mode: str | None = None) -> AssignResult:
    """A series per assignee (two for a private check-in given to both), and its first instance now."""
    today = today or today_in(counselor.timezone)  # the counselor's date: "due today" is their today
    checked = check_assignment(counselor, couple_id, version_id, assignee_id=assignee_id, due_date=due_date,
                               visibility_overrides=None, today=today, release_mode=release_mode)
    first_due = first_due_date(due_date, recurrence.weekday, today)
    _check(recurrence, first_due)
    created = []
    for partner_id in checked.assignees:
        series = AssignmentSeries(
            couple_id=checked.couple.id, worksheet_version_id=checked.version.id, assignee_id=partner_id,
            created_by_id=counselor.id, note=(note or "").strip() or None, visibility_overrides=checked.overrides,
            release_mode=checked.release_mode, interval_weeks=recurrence.interval_weeks, first_due=first_due, until=recurrence.until,
            max_count=recurrence.count, status=SERIES_ACTIVE, next_period=0, next_create_on=today)
        session.add(series)
        session.flush()
        record(counselor.id, "create_series", series)
        created.extend(_create_due(series, today, utcnow(), from_counselor=True))
    session.commit()
    return AssignResult(created, stage_warning(checked.couple, checked.definition))


def _claim_period(series: AssignmentSeries, period: int) -> bool:
    """Moves the series past `period` with a conditional update: of two schedulers, one wins."""
    following = period + 1
    next_create_on = series.due_on(following) - LEAD if series.has_period(following) else None
    claimed = session.execute(
        update(AssignmentSeries)
        .where(AssignmentSeries.id == series.id, AssignmentSeries.next_period == period,
               AssignmentSeries.status == SERIES_ACTIVE)
        .values(next_period=following, next_create_on=next_create_on,
                status=SERIES_ACTIVE if next_create_on else SERIES_ENDED)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(claimed)


def _instance(series: AssignmentSeries, period: int) -> Assignment:
    return Assignment(
        couple_id=series.couple_id, worksheet_version_id=series.worksheet_version_id,
        assignee_id=series.assignee_id, created_by_id=series.created_by_id, due_date=series.due_on(period),
        note=series.note, visibility_overrides=dict(series.visibility_overrides or {}), status=STATUS_OPEN,
        release_mode=series.release_mode or definition_of(series.worksheet_version).release, released_fields=[],
        series_id=series.id, period=period)


def _create_due(series: AssignmentSeries, today: date, now: datetime, from_counselor=False) -> list[Assignment]:
    """Every period whose time has come. Periods already due while the scheduler was down are
    skipped (coalesced), not created late and overdue."""
    created = []
    period = series.next_period
    while series.has_period(period) and series.due_on(period) - LEAD <= today:
        if not _claim_period(series, period):
            break  # another scheduler has this period
        if series.due_on(period) >= today:
            assignment = _instance(series, period)
            try:
                with session.begin_nested():
                    session.add(assignment)
            except IntegrityError:
                break  # the unique (series, period) constraint: it exists already
            created.append(assignment)
            moment = None if from_counselor else (lambda partner: next_reminder_moment(
                now, partner.timezone, partner.reminder_hour))
            notify_partners(series.couple, assignment, not_before=moment)
            # Later ones the scheduler gives, on the counselor's standing order (the series' event names them).
            record(series.created_by_id if from_counselor else None, "assign_homework_repeat", assignment,
                   practice_id=series.couple.practice_id)
        period += 1
    return created


def create_due_instances(now: datetime | None = None, couple_id: int | None = None) -> int:
    """The scheduler's job: each active series whose next period may be created (of one couple, if
    given: the demo seed replays its own weeks without touching anyone else's). Returns how many."""
    now = now or utcnow()
    today = now.date()
    # An archived couple's series wait: nothing new is given while care has ended (reactivating the couple
    # resumes them from the next period; periods that passed meanwhile are skipped, as after any pause).
    query = select(AssignmentSeries.id).join(Couple, Couple.id == AssignmentSeries.couple_id).where(
        AssignmentSeries.status == SERIES_ACTIVE, AssignmentSeries.next_create_on <= today,
        access.writable_couples_clause())
    if couple_id is not None:
        query = query.where(AssignmentSeries.couple_id == couple_id)
    ids = session.scalars(query).all()
    created = 0
    for series_id in ids:
        series = session.get(AssignmentSeries, series_id)
        session.refresh(series)
        created += len(_create_due(series, today, now))
        session.commit()
    return created


# Built once: the couple page asks on every visit (access.py says why). Joined: one version per series.
_COUPLES_SERIES = (select(AssignmentSeries).where(AssignmentSeries.couple_id == bindparam("couple_id"))
                   .options(joinedload(AssignmentSeries.worksheet_version))
                   .order_by(AssignmentSeries.status, AssignmentSeries.id))


def series_of_couple(couple_id: int) -> list[AssignmentSeries]:
    """A couple's series, active first (the caller has checked access to the couple)."""
    return list(session.scalars(_COUPLES_SERIES, {"couple_id": couple_id}))


def series_for_counselor(counselor: User, series_id: int) -> AssignmentSeries:
    """A series of a couple this counselor may change (in care); not found for anyone else."""
    series = session.get(AssignmentSeries, series_id)
    if series is None:
        raise NotFoundError("series")
    access.require_writable(access.couple_for_counselor(counselor, series.couple_id), counselor)
    return series


def cancel_series(counselor: User, series_id: int) -> AssignmentSeries:
    """No more instances. Those already given stay, with everything the partners wrote."""
    series = series_for_counselor(counselor, series_id)
    series.status, series.cancelled_at, series.next_create_on = SERIES_CANCELLED, utcnow(), None
    record(counselor.id, "cancel_series", series)
    session.commit()
    return series


def newer_version(series: AssignmentSeries) -> WorksheetVersion | None:
    latest = worksheets.latest_version_of(series.worksheet_version.worksheet)
    return latest if latest is not None and latest.id != series.worksheet_version_id else None


def use_newest_version(counselor: User, series_id: int) -> AssignmentSeries:
    """Later instances use the worksheet's newest version; those already given keep theirs."""
    series = series_for_counselor(counselor, series_id)
    latest = newer_version(series)
    if latest is not None:
        series.worksheet_version_id = worksheets.usable_version(counselor, latest.id).id
        record(counselor.id, "update_series_version", series)
        session.commit()
    return series


def next_due(series: AssignmentSeries) -> date | None:
    """When the next one not yet given is due (None: no more will be given)."""
    return series.due_on(series.next_period) if series.is_active and series.has_period(series.next_period) else None


def last_given_due(series: AssignmentSeries) -> date | None:
    """The due date of the last one given (not worked out from the schedule: it may have changed since,
    and periods missed while the scheduler was down were never given)."""
    return session.scalar(select(func.max(Assignment.due_date)).where(Assignment.series_id == series.id))


def change_schedule(counselor: User, series_id: int, next_due: date, interval_weeks: int,
                    until: date | None) -> AssignmentSeries:
    """From the next instance not yet given: due on `next_due` (its weekday from then on), every
    `interval_weeks`, until `until` (or until stopped). Instances already given keep their dates and
    everything written in them; the periods go on counting, so "N times" still counts them all."""
    series = series_for_counselor(counselor, series_id)
    if not series.is_active:
        raise RuleError("This repeating exercise has stopped. Assign it again to start a new one.")
    today = today_in(counselor.timezone)
    last = last_given_due(series)
    if next_due < today or (last is not None and next_due <= last):
        after = f"after {last:%A %-d %B}, the last one given" if last is not None and last >= today else "today or later"
        raise RuleError(f"Choose a next due date {after}.", field="next_due")
    if not 1 <= interval_weeks <= MAX_INTERVAL_WEEKS:
        raise RuleError(f"Choose every 1 to {MAX_INTERVAL_WEEKS} weeks.", field="interval_weeks")
    if until is not None and until < next_due:
        raise RuleError(f"“Until” is before the next due date ({next_due:%-d %B}). Please choose a later date.",
                        field="until")
    # due_on(period) = first_due + interval * period: anchored so that the next period falls on next_due.
    series.first_due = next_due - timedelta(weeks=interval_weeks * series.next_period)
    series.interval_weeks, series.until = interval_weeks, until  # checked above: the next one is within `until`
    series.next_create_on = series.due_on(series.next_period) - LEAD
    record(counselor.id, "change_series_schedule", series)
    _create_due(series, today, utcnow(), from_counselor=True)  # the next one, if its week has come
    session.commit()
    return series


# ---- the assign form ------------------------------------------------------------------------------

REPEAT_SUGGESTED = "suggested"
REPEAT_ONCE = "once"


@dataclass
class RepeatChoice:
    """The assign form's repeat fields as the counselor left them."""
    repeat: str = REPEAT_SUGGESTED  # "suggested", "once", or a number of weeks ("1".."8")
    weekday: int | None = None
    until: date | None = None
    count: int | None = None


def recurrence_for(version: WorksheetVersion, choice: RepeatChoice) -> Recurrence | None:
    """None for a one-off. "Suggested" repeats the weekly check-in every week, anything else once."""
    if choice.repeat == REPEAT_SUGGESTED:
        weeks = version.policy.suggested_repeat_weeks
    elif choice.repeat == REPEAT_ONCE:
        weeks = None
    elif choice.repeat.isdigit():
        weeks = int(choice.repeat)
    else:
        raise RuleError("Choose how often it repeats.", field="repeat")
    if weeks is None:
        return None
    return Recurrence(interval_weeks=weeks, weekday=choice.weekday, until=choice.until, count=choice.count)


def assign_with_repeat(counselor: User, couple_id: int, version_id: int, choice: RepeatChoice, *,
                       assignee_id: int | None, due_date: date | None, note: str | None,
                       release_mode: str | None = None) -> AssignResult:
    """The assign form's one service call: a one-off assignment, or a series and its first instance."""
    version = worksheets.usable_version(counselor, version_id)
    recurrence = recurrence_for(version, choice)
    if recurrence is None:
        return assign_once(counselor, couple_id, version_id, assignee_id=assignee_id, due_date=due_date, note=note,
                           release_mode=release_mode)
    return assign_repeating(counselor, couple_id, version_id, recurrence, assignee_id=assignee_id,
                            due_date=due_date, note=note, release_mode=release_mode)


@dataclass
class RepeatingRow:
    series: AssignmentSeries
    next_due: date | None
    newer_version: bool


def repeating_for(couple) -> list[RepeatingRow]:
    """The couple page's list of repeating homework (access to the couple was checked by the caller)."""
    items = series_of_couple(couple.id)
    newest = worksheets.newest_version_ids([item.worksheet_version.worksheet_id for item in items])
    rows = []
    for item in items:
        newer = newest.get(item.worksheet_version.worksheet_id, item.worksheet_version_id) != item.worksheet_version_id
        rows.append(RepeatingRow(item, next_due(item), item.is_active and newer))
    return rows
