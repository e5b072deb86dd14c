"""Scheduler jobs. Each opens its own app context and works from ids, never from shared objects."""
import logging

from ..mail.sender import deliver_pending

log = logging.getLogger(__name__)


def deliver_outbox(app) -> None:
    with app.app_context():
        sent = deliver_pending()
        if sent:
            log.info("delivered %s email(s)", sent)


# Registry: job id -> (function, trigger, trigger arguments). New jobs are added here.
JOBS = {
    "deliver_outbox": (deliver_outbox, "interval", {"seconds": 10}),
}
