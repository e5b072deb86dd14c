"""A scheduler process for the concurrency tests: every job once per simulated tick, the clock moved
with time-machine. Workers started together keep the same clock (as schedulers on one deployment do):
before each tick each waits until the others have finished the previous one, then they race.

Usage: scheduler_worker.py DB_URL SMTP_PORT START_ISO END_ISO STEP_MINUTES [SYNC_DIR NAME PEERS]"""
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import time_machine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from therapist_app import create_app  # noqa: E402
from therapist_app.scheduler.runner import run_once  # noqa: E402


def wait_for_peers(sync_dir, name, peers, tick):
    Path(sync_dir, name).write_text(str(tick))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = [int(Path(sync_dir, peer).read_text() or -1) if Path(sync_dir, peer).exists() else -1 for peer in peers]
        if all(n >= tick for n in done):
            return
        time.sleep(0.002)
    raise SystemExit("peers stopped answering")


def main(url, port, start, end, step, sync_dir=None, name=None, peers=""):
    # The app's own PDF cache, as a deployment's scheduler shares it: tomorrow's packets are laid out once.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "THERAPIST_MAIL_SERVER": "127.0.0.1", "THERAPIST_MAIL_PORT": int(port),
                      "THERAPIST_MAIL_USE_STARTTLS": False, "RATELIMIT_ENABLED": False,
                      "THERAPIST_PDF_CACHE_DIR": os.environ["THERAPIST_PDF_CACHE_DIR"]})
    moment, end, step = datetime.fromisoformat(start), datetime.fromisoformat(end), timedelta(minutes=int(step))
    tick = 0
    while moment <= end:
        if sync_dir:
            wait_for_peers(sync_dir, name, [p for p in peers.split(",") if p], tick)
        print(f"tick {moment.isoformat()}", flush=True)
        with time_machine.travel(moment, tick=False):
            for job_id, summary in run_once(app, moment):
                if "failed" in summary:
                    print(f"retry next tick: {job_id}", flush=True)
        moment += step
        tick += 1
    if sync_dir:
        Path(sync_dir, name).write_text(str(10 ** 9))  # never hold a peer back
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
