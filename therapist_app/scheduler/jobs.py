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


def prepare_tomorrows_packets(app) -> None:
    """Each night, tomorrow's prep packets are laid out ahead, so no counselor waits for one."""
    from datetime import timedelta

    from ..services.packet_batch import prepare_day

    with app.app_context():
        result = prepare_day(utcnow().date() + timedelta(days=1), processes=1)
        log.info("prepared %s packet(s) for tomorrow (%s already ready, %s failed)",
                 result.rendered, result.already_cached, result.failed)


# Registry: job id -> (function, trigger, trigger arguments). New jobs are added here.
JOBS = {
    "deliver_outbox": (deliver_outbox, "interval", {"seconds": 10}),
    # 07:00 UTC for now; per-counselor local time comes with the reminders work.
    "morning_digests": (morning_digests, "cron", {"hour": 7, "minute": 0}),
    "prepare_tomorrows_packets": (prepare_tomorrows_packets, "cron", {"hour": 2, "minute": 30}),
}
