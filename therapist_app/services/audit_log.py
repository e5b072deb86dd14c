"""The audit log as people meet it: pages that note a view, and the practice admin's filtered,
paginated reading of their own practice's events, with a CSV export. Ids and display names only."""
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterator

from flask import current_app
from sqlalchemy import func, select

from .. import access
from ..extensions import commit_keeping_what_is_loaded, session
from ..models import AuditEvent, User
from ..models.user import ROLE_CLIENT
from ..security.audit import record
from ..timezones import to_local, zone

PAGE_SIZE = 50

# What each action means, in the words of the admin's page. An action missing here is shown as its
# own name, made readable, so a new one is never hidden.
ACTION_LABELS = {
    "login": "Signed in", "login_failed": "Failed sign-in (wrong password or unknown login)",
    "login_code_failed": "Failed sign-in (wrong two-factor code)",
    "login_refused_locked": "Sign-in refused (too many attempts)",
    "login_refused_deactivated": "Sign-in refused (account deactivated)", "logout": "Signed out",
    "password_changed": "Changed password", "password_reset_requested": "Asked for a password reset",
    "password_reset": "Chose a new password with a reset link", "invitation_accepted": "Accepted an invitation",
    "invitation_reissued": "Sent an invitation again", "two_factor_enabled": "Turned on two-factor sign-in",
    "two_factor_disabled": "Turned off two-factor sign-in", "recovery_code_used": "Used a recovery code",
    "recovery_codes_renewed": "Renewed recovery codes", "reminders_off_by_link": "Turned reminders off by link",
    "view_couple": "Opened a couple's page", "view_answers": "Read answers",
    "view_exercise": "Read a submitted exercise", "view_session": "Opened a session",
    "view_session_summary": "Read a session summary", "view_summary_preview": "Previewed a session summary",
    "print_summary_preview": "Printed a session summary preview", "print_session_summary": "Printed a session summary",
    "print_prep_packet": "Printed a prep packet",
    "print_prep_packet_full": "Printed a prep packet with the full history", "export_fhir_response": "Exported answers (FHIR)",
    "read_calendar_feed": "Calendar feed read", "download_session_calendar": "Downloaded the next session's calendar file",
    "add_couple": "Added a couple", "change_pacing": "Changed pacing and safety",
    "assign_homework": "Assigned homework", "assign_homework_repeat": "Gave repeating homework",
    "cancel_assignment": "Cancelled homework", "change_sharing": "Changed sharing",
    "record_agreement": "Recorded an agreement", "mark_reviewed": "Marked answers reviewed",
    "release_answers": "Released answers", "create_series": "Started repeating homework",
    "cancel_series": "Stopped repeating homework", "update_series_version": "Moved repeating homework to a new version",
    "change_series_schedule": "Changed when repeating homework is due",
    "publish_worksheet": "Published a worksheet", "schedule_session": "Scheduled a session",
    "reschedule_session": "Changed a session", "session_held": "Marked a session held",
    "session_missed": "Marked a session missed", "session_cancelled": "Cancelled a session",
    "session_scheduled": "Marked a session scheduled again", "save_session_notes": "Saved session notes",
    "save_session_summary": "Saved a session summary", "publish_session_summary": "Published a session summary",
    "add_topic": "Added a topic", "withdraw_topic": "Withdrew a topic", "rotate_calendar_token": "Renewed the calendar link",
    "update_practice": "Changed practice settings", "require_two_factor": "Required two-factor sign-in",
    "stop_requiring_two_factor": "Stopped requiring two-factor sign-in",
    "joint_homework_gate_block": "Joint homework waits for both check-ins",
    "joint_homework_gate_warn": "Joint homework warns before both check-ins",
    "joint_homework_gate_off": "Joint homework gate off", "update_risk_answers": "Changed check-in alert answers",
    "self_harm_alert_off": "Turned the self-harm alert off", "self_harm_alert_on": "Turned the self-harm alert on",
    "update_risk_phrases": "Changed flagged words", "risk_alert_emails_on": "Turned check-in alert emails on",
    "risk_alert_emails_off": "Turned check-in alert emails off", "invite_counselor": "Invited a counselor",
    "activate_counselor": "Reactivated a counselor", "deactivate_counselor": "Deactivated a counselor",
    "retry_email": "Retried an undelivered email", "view_audit_log": "Read the audit log",
    "export_audit_log": "Exported the audit log",
}


def label_of(action: str) -> str:
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


def viewed(person: User, action: str, obj) -> None:
    """Notes that `person` saw, printed or downloaded `obj`, committed at once: a page that only shows
    a couple's words changes nothing else, yet the view must be in the log. What the page loaded
    before stays loaded (nothing is read twice)."""
    record(person.id, action, obj)
    commit_keeping_what_is_loaded()  # it writes only the event: what the page read stays as read


@dataclass(frozen=True)
class AuditFilter:
    start: date | None = None  # the admin's own days, both ends included
    end: date | None = None
    actor_id: int | None = None
    action: str | None = None


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_id: int | None
    actor: str  # a display name, "–" for none, or "Person 12" for someone since deleted
    action: str
    label: str
    object_type: str | None
    object_id: int | None
    ip: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    pages: int
    total: int


def _filtered(admin: User, chosen: AuditFilter):
    query = access.audit_events_for(admin)
    day_zone = zone(admin.timezone)
    if chosen.start:
        query = query.where(AuditEvent.at >= datetime.combine(chosen.start, time(), tzinfo=day_zone))
    if chosen.end:
        query = query.where(AuditEvent.at < datetime.combine(chosen.end + timedelta(days=1), time(), tzinfo=day_zone))
    if chosen.actor_id:
        query = query.where(AuditEvent.actor_id == chosen.actor_id)
    if chosen.action:
        query = query.where(AuditEvent.action == chosen.action)
    return query


def _names(practice_id: int, actor_ids) -> dict[int, str]:
    """What the log calls the people of this practice among `actor_ids` (nobody else's): staff by their
    names, clients by number only, as couples are. The log and its CSV travel (to an auditor, a
    compliance file) and say who opened what and when: beside a client's name, that alone tells who
    is in couples therapy, and when each of them read what."""
    wanted = {i for i in actor_ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.role)
                           .where(User.id.in_(wanted), User.practice_id == practice_id)).all()
    return {row.id: f"Client #{row.id}" if row.role == ROLE_CLIENT else row.display_name for row in rows}


def _rows(practice_id: int, events) -> list[AuditRow]:
    names = _names(practice_id, [e.actor_id for e in events])
    return [AuditRow(e.id, e.at, e.actor_id,
                     "–" if e.actor_id is None else names.get(e.actor_id, f"Person {e.actor_id}"),
                     e.action, label_of(e.action), e.object_type, e.object_id, e.ip) for e in events]


def audit_page(admin: User, chosen: AuditFilter, page: int = 1) -> AuditPage:
    """One page of the practice's events, newest first, and notes that the admin read it."""
    query = _filtered(admin, chosen)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    events = session.scalars(query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE)
                             .offset((page - 1) * PAGE_SIZE)).all()
    rows = _rows(admin.practice_id, events)
    record(admin.id, "view_audit_log", admin.practice)
    session.commit()
    return AuditPage(rows, page, pages, total)


def filter_choices(admin: User) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """The people who appear in this practice's log, and its actions, for the filter's lists."""
    base = access.audit_events_for(admin).subquery()
    actor_ids = session.scalars(select(base.c.actor_id).where(base.c.actor_id.is_not(None)).distinct()).all()
    names = _names(admin.practice_id, actor_ids)
    people = sorted(((i, names.get(i, f"Person {i}")) for i in actor_ids), key=lambda p: (p[1].lower(), p[0]))
    actions = session.scalars(select(base.c.action).distinct()).all()
    return people, sorted(((a, label_of(a)) for a in actions), key=lambda a: a[1].lower())


# A spreadsheet runs a cell that begins with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def audit_csv(admin: User, chosen: AuditFilter) -> Iterator[str]:
    """The filtered events as CSV, oldest first. Notes the export at once (an export that is started
    is an export) and returns the lines to stream."""
    query = _filtered(admin, chosen)
    record(admin.id, "export_audit_log", admin.practice)
    session.commit()
    return _csv_lines(current_app._get_current_object(), query, admin.practice_id, admin.timezone)


def _csv_lines(app, query, practice_id: int, zone_name: str, batch: int = 1000) -> Iterator[str]:
    """A streamed body is read after the view has returned, outside its request: so plain ids only, and
    each batch in an app context (and database session) of its own. A long log never sits in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("event", "time (UTC)", f"time ({zone_name})", "actor id", "actor", "action", "what",
                     "object type", "object id", "from address"))
    after = 0
    while True:
        with app.app_context():
            events = session.scalars(query.where(AuditEvent.id > after).order_by(AuditEvent.id).limit(batch)).all()
            for row in _rows(practice_id, events):
                writer.writerow([csv_cell(v) for v in (
                    row.id, row.at.isoformat(), to_local(row.at, zone_name).isoformat(), row.actor_id, row.actor,
                    row.action, row.label, row.object_type, row.object_id, row.ip)])
            after = events[-1].id if events else after
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if text:
            yield text
        if not events:
            break
