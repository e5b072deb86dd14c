"""Scheduler jobs. Each opens its own app context, works from ids, and takes the moment it runs
"as if at" (None: now), so that `flask scheduler run-once --at` and tests can replay any moment."""
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from ..extensions import session
from ..mail.sender import deliver_pending
from ..models.base import utcnow
from ..services import reminders, retention, series
from ..services.digests import queue_digests
from ..services.packet_batch import prepare_day

log = logging.getLogger(__name__)


def recurring_homework(app, now: datetime | None = None) -> str:
    with app.app_context():
        return f"{series.create_due_instances(now or utcnow())} recurring homework instance(s) created"


def partner_reminders(app, now: datetime | None = None) -> str:
    with app.app_context():
        queued = reminders.scan(now or utcnow())
        return "reminders queued: " + ", ".join(f"{kind} {count}" for kind, count in queued.items())


def morning_digests(app, now: datetime | None = None) -> str:
    with app.app_context():
        return f"{queue_digests(now or utcnow())} counselor digest(s) queued"


def purge_old_email(app, now: datetime | None = None) -> str:
    with app.app_context():
        purged = retention.purge(now or utcnow())
        return f"purged {purged['bodies']} email bod(ies), {purged['invitations']} expired invitation(s)"


def deliver_outbox(app, now: datetime | None = None) -> str:
    with app.app_context():
        return f"{deliver_pending(now=now)} email(s) delivered"


def prepare_tomorrows_packets(app, now: datetime | None = None) -> str:
    """Each night, tomorrow's prep packets are laid out ahead, so no counselor waits for one."""
    with app.app_context():
        result = prepare_day((now or utcnow()).date() + timedelta(days=1), processes=1)
        return (f"{result.rendered} prep packet(s) laid out for tomorrow, {result.already_cached} already ready, "
                f"{result.failed} failed")


@dataclass(frozen=True)
class Job:
    function: Callable[..., str]
    trigger: str
    arguments: dict = field(default_factory=dict)


# Registry: job id -> Job, in the order run-once runs them (queue first, deliver last). Every job is
# idempotent (unique keys, conditional updates), so missed runs simply coalesce into the next one.
JOBS = {
    "recurring_homework": Job(recurring_homework, "interval", {"minutes": 5}),
    "partner_reminders": Job(partner_reminders, "interval", {"minutes": 5}),
    # Every 5 minutes, each counselor's digest goes out once 07:00 has come in their own zone.
    "morning_digests": Job(morning_digests, "interval", {"minutes": 5}),
    "purge_old_email": Job(purge_old_email, "interval", {"hours": 1}),
    "prepare_tomorrows_packets": Job(prepare_tomorrows_packets, "cron", {"hour": 2, "minute": 30}),
    "deliver_outbox": Job(deliver_outbox, "interval", {"seconds": 10}),
}


def run_job(app, job_id: str, now: datetime | None = None) -> str:
    """Runs one job; a failure is logged and rolled back, and the next run tries again."""
    try:
        summary = JOBS[job_id].function(app, now)
    except Exception:  # a scheduler must outlive one bad run; the error goes to the log
        log.exception("job %s failed", job_id)
        with app.app_context():
            session.rollback()
        return f"{job_id} failed (see the log)"
    log.info("%s: %s", job_id, summary)
    return summary
