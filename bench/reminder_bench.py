"""One reminder scan over many open assignments on PostgreSQL: its time and its number of queries.

    REMINDER_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:54340/postgres \\
        .venv/bin/python bench/reminder_bench.py
Creates (and afterwards drops) a database `ta_reminder_bench` next to the one in the URL. Builds
10,000 and then 100,000 open assignments (10 per couple, due dates spread over two months, partners in
four time zones) and times `services.reminders.scan` at 23:05 UTC, when partners in New York are at
their 18:00. Target: under 2 s at 100,000, with the same number of queries at both sizes.
"""
import os
import sys
import time
from datetime import datetime, time as clock_time, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from therapist_app import create_app  # noqa: E402
from therapist_app.extensions import session  # noqa: E402
from therapist_app.models import Assignment, Base, Couple, OutboxMessage, Practice, User  # noqa: E402
from therapist_app.services import reminders, worksheets  # noqa: E402

ENV = "REMINDER_BENCH_DATABASE_URL"
DATABASE = "ta_reminder_bench"
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles")


def fresh_database(url: str) -> str:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {DATABASE}"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + DATABASE


def build(app, assignments_count: int, today) -> None:
    session.remove()  # no transaction of ours may hold a lock while the tables are dropped
    engine = app.extensions["sqlalchemy"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    worksheets.sync_library(app.config["THERAPIST_WORKSHEETS_DIR"])
    version_id = worksheets.version_by_slug("empathy-exchange").id
    practice = Practice(name="Bench practice")
    session.add(practice)
    session.flush()
    counselor = User(practice_id=practice.id, role="counselor", display_name="C", email="c@example.org")
    session.add(counselor)
    session.flush()
    couples = assignments_count // 10
    session.execute(insert(User), [
        {"practice_id": practice.id, "role": "client", "display_name": f"P{n}", "email": f"p{n}@example.org",
         "password_hash": "x", "timezone": ZONES[n % len(ZONES)], "reminder_hour": 18} for n in range(2 * couples)])
    first = session.scalar(select(func.min(User.id)).where(User.role == "client"))
    session.execute(insert(Couple), [{"practice_id": practice.id, "counselor_id": counselor.id,
                                      "partner_a_id": first + 2 * n, "partner_b_id": first + 2 * n + 1}
                                     for n in range(couples)])
    first_couple = session.scalar(select(func.min(Couple.id)))
    session.execute(insert(Assignment), [
        {"couple_id": first_couple + n // 10, "worksheet_version_id": version_id, "created_by_id": counselor.id,
         "due_date": today + timedelta(days=n % 61 - 30), "status": "open", "visibility_overrides": {}}
        for n in range(assignments_count)])
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()


def timed_scan(engine, now) -> tuple[float, int, dict]:
    statements = []
    listener = lambda *args: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        started = time.perf_counter()
        queued = reminders.scan(now)
        elapsed = time.perf_counter() - started
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return elapsed, len(statements), queued


def main() -> int:
    url = os.environ.get(ENV)
    if not url or not url.startswith("postgresql"):
        print(f"skipped: set {ENV} to a PostgreSQL URL (e.g. postgresql+psycopg://postgres@127.0.0.1:54340/postgres)")
        return 0
    app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database(url)})
    today = datetime.now(timezone.utc).date()
    now = datetime.combine(today, clock_time(23, 5), tzinfo=timezone.utc)
    try:
        with app.app_context():
            engine = app.extensions["sqlalchemy"].engine
            for count in (10_000, 100_000):
                build(app, count, today)
                elapsed, queries, queued = timed_scan(engine, now)
                again, queries_again, _ = timed_scan(engine, now)
                rows = session.scalar(select(func.count(OutboxMessage.id)))
                print(f"{count:>7,} open assignments: first scan {elapsed:.2f} s, {queries} queries, queued {queued} "
                      f"({rows:,} outbox rows); next scan (nothing new) {again:.2f} s, {queries_again} queries")
            session.remove()
            engine.dispose()
    finally:
        create_engine(url, isolation_level="AUTOCOMMIT").connect().execute(
            text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
