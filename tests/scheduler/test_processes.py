"""Two scheduler processes over a simulated week, and one killed mid-run: every email exactly once.

Runs against the test command's database: PostgreSQL when TEST_DATABASE_URL is set, else a SQLite file
that both processes share."""
import os
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from mail_support import Inbox, start_smtp
from support import ROOT
from therapist_app.extensions import session as db_session
from therapist_app.models import Appointment, Assignment, OutboxMessage
from therapist_app.services import series, worksheets
from therapist_app.services.series import Recurrence

# A week of 30-minute ticks takes two workers about 12 s alone (80 s while each tick laid tomorrow's
# packet out again, with no PDF cache): the limits leave room for a far slower CI machine.
pytestmark = pytest.mark.timeout(600)
WORKER = str(ROOT / "tests" / "scheduler_worker.py")
START, END = "2027-03-01T00:00:00+00:00", "2027-03-08T12:00:00+00:00"


def week(app, factory):
    """Two couples and a paused one; returns the reminder keys a week of scheduling must produce."""
    a, b, paused = factory.couple(), factory.couple(), factory.couple()
    check_in = worksheets.version_by_slug("weekly-trust-check-in").id
    first = series.assign_repeating(a.counselor, a.id, check_in, Recurrence(), due_date=date(2027, 3, 3)).assignments[0]
    solo = factory.assign(a, "empathy-exchange", assignee=a.partner_a, due_date=date(2027, 3, 4))
    session_ = Appointment(couple_id=a.id, starts_at=datetime(2027, 3, 5, 15, tzinfo=timezone.utc))
    joint = factory.assign(b, "empathy-exchange", due_date=date(2027, 3, 2))
    b.partner_b.timezone, b.partner_b.reminder_hour = "Europe/Berlin", 9
    factory.assign(paused, "empathy-exchange", due_date=date(2027, 3, 3))
    paused.joint_paused = True
    db_session.add(session_)
    db_session.commit()
    expected = set()
    for partner in a.partners:
        expected |= {f"due-soon:{first.id}:{partner.id}:2027-03-03", f"overdue:{first.id}:{partner.id}:2027-03-03:1",
                     f"overdue:{first.id}:{partner.id}:2027-03-03:2",
                     f"session:{session_.id}:{partner.id}:{int(session_.starts_at.timestamp())}"}
    expected |= {f"due-soon:{solo.id}:{a.partner_a_id}:2027-03-04", f"overdue:{solo.id}:{a.partner_a_id}:2027-03-04:1"}
    for partner in b.partners:
        expected |= {f"due-soon:{joint.id}:{partner.id}:2027-03-02"} | {
            f"overdue:{joint.id}:{partner.id}:2027-03-02:{n}" for n in (1, 2)}
    return first.series_id, expected


def spawn(app, port, start=START, sync=()):
    """A scheduler process; `sync` = (directory, own name, other names) keeps clocks together."""
    args = [sys.executable, WORKER, app.config["SQLALCHEMY_DATABASE_URI"], str(port), start, END, "30"]
    if sync:
        args += [str(sync[0]), sync[1], ",".join(sync[2])]
    env = {**os.environ, "THERAPIST_PDF_CACHE_DIR": app.config["THERAPIST_PDF_CACHE_DIR"]}
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def finish(worker):
    out, err = worker.communicate(timeout=540)
    assert worker.returncode == 0 and out.rstrip().endswith("done"), err[-3000:]
    return out


def check_exactly_once(inbox, series_id, expected):
    db_session.expire_all()
    rows = db_session.scalars(select(OutboxMessage)).all()
    reminder_keys = {r.unique_key for r in rows if r.kind in ("due-soon", "overdue", "session")}
    assert reminder_keys == expected  # nothing missed, nothing extra (the paused couple got none)
    ids = Counter(m["Message-ID"] for m in inbox.messages)
    assert [i for i, n in ids.items() if n > 1] == []  # 0 duplicate emails
    assert len(inbox.messages) == len(rows) == sum(r.status == "sent" for r in rows)
    periods = db_session.execute(select(Assignment.period, func.count()).where(Assignment.series_id == series_id)
                                 .group_by(Assignment.period)).all()
    assert sorted(periods) == [(0, 1), (1, 1)]  # 0 duplicate recurring instances


@pytest.fixture
def setup(app, factory):
    inbox = Inbox()
    controller = start_smtp(app, inbox)
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=timezone.utc), tick=False):
        series_id, expected = week(app, factory)
    db_session.remove()
    yield inbox, controller.port, series_id, expected
    controller.stop()


def test_two_schedulers_at_once_for_a_week_send_every_email_exactly_once(app, setup, tmp_path):
    inbox, port, series_id, expected = setup
    workers = [spawn(app, port, sync=(tmp_path, "one", ["two"])), spawn(app, port, sync=(tmp_path, "two", ["one"]))]
    outputs = [finish(worker) for worker in workers]
    # Both really worked (each queued or sent something), and neither gave up on a tick for good.
    assert all("tick 2027-03-08T12:00:00+00:00" in out for out in outputs)
    check_exactly_once(inbox, series_id, expected)


def test_a_scheduler_killed_mid_run_and_restarted_sends_nothing_twice_and_misses_nothing(app, setup):
    inbox, port, series_id, expected = setup
    worker = spawn(app, port)
    kill_at = "tick 2027-03-04T23:00:00+00:00"  # a busy tick: reminders, a session reminder, a new instance
    for line in worker.stdout:
        if line.strip() == kill_at:
            worker.kill()  # SIGKILL: no clean-up, mid-run
            break
    worker.wait(timeout=30)
    assert worker.returncode != 0
    restarted = spawn(app, port, start=kill_at.split(" ", 1)[1])
    finish(restarted)
    check_exactly_once(inbox, series_id, expected)
