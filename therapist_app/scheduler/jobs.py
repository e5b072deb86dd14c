"""Scheduler jobs. Each opens its own app context and works from ids, never from shared objects."""
import logging

from ..mail.sender import deliver_pending
from ..models.base import utcnow
from ..services.digests import queue_digests

log = logging.getLogger(__name__)


def deliver_outbox(app) -> None:
    with app.app_context():
        sent = deliver_pending()
        if sent:
            log.info("delivered %s email(s)", sent)


def morning_digests(app) -> None:
    with app.app_context():
        now = utcnow()
        queued = queue_digests(now.date(), now)
        log.info("queued %s counselor digest(s)", queued)


# Registry: job id -> (function, trigger, trigger arguments). New jobs are added here.
JOBS = {
    "deliver_outbox": (deliver_outbox, "interval", {"seconds": 10}),
    # 07:00 UTC for now; per-counselor local time comes with the reminders work.
    "morning_digests": (morning_digests, "cron", {"hour": 7, "minute": 0}),
}
