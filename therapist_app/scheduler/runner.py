"""Runs the scheduler in the foreground (`flask scheduler run`), or every job once (`run-once`)."""
import logging
from datetime import datetime

from apscheduler.schedulers.blocking import BlockingScheduler

from .jobs import JOBS, run_job


def run(app) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(levelname)s %(message)s")
    # Coalesce: after downtime a job runs once, not once per missed run; the jobs catch up by
    # themselves (a reminder whose moment passed is still found, unless it has gone stale).
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                "misfire_grace_time": 3600})
    for job_id, job in JOBS.items():
        scheduler.add_job(run_job, job.trigger, args=[app, job_id], id=job_id, replace_existing=True,
                          **job.arguments)
    logging.getLogger(__name__).info("scheduler started with jobs: %s", ", ".join(JOBS))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


def run_once(app, at: datetime | None = None) -> list[tuple[str, str]]:
    """Every job once, in registry order, as if at `at` (UTC). Returns (job id, what it did)."""
    return [(job_id, run_job(app, job_id, at)) for job_id in JOBS]
