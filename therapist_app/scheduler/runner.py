"""Runs the scheduler in the foreground. Exactly one such process per deployment."""
import logging

from apscheduler.schedulers.blocking import BlockingScheduler

from .jobs import JOBS


def run(app) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(levelname)s %(message)s")
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                "misfire_grace_time": 3600})
    for job_id, (function, trigger, arguments) in JOBS.items():
        scheduler.add_job(function, trigger, args=[app], id=job_id, replace_existing=True, **arguments)
    logging.getLogger(__name__).info("scheduler started with jobs: %s", ", ".join(JOBS))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
