"""The pages at the size of a real practice, against the same pages at 10 couples, on PostgreSQL.

    .venv/bin/python bench/scale_bench.py            # starts a throwaway PostgreSQL, as `make test` does
    BENCH_DATABASE_URL=postgresql+psycopg://… .venv/bin/python bench/scale_bench.py

One practice, 50 counselors. The measured counselor has 10 couples at both sizes (a caseload does not
grow because the practice does); at the large size 49 colleagues share 4,990 more. Every couple has 40
assignments, so 200,000 in all. Answers are encrypted as real ones are (the app's key ring, one nonce
each, sealed to its row): 390,000 responses (one per partner per assignment, the most the schema allows; each partner's
private check-in has one) plus 610,000 saved revisions of them, 1,000,000 encrypted answer rows.
They go in with COPY.

Timed in-process (Flask's test client), median of 30 after a warm-up: the dashboard, the couple page,
the partner's My homework, and the prep packet's data gathering. Printed: ms at each size, large/small,
queries at each size, and every statement of the large run that scans a big table sequentially
(EXPLAIN after ANALYZE, planned for the request's own values: the app's connections prepare no statement,
so never run a generic plan, see therapist_app.configure_postgres; the bench prints the setting it found).
"""
import contextvars
import gc
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, select, text  # noqa: E402

from bench.demo import scratch_folder  # noqa: E402
from bench.fixtures import sample_value  # noqa: E402
from therapist_app import create_app  # noqa: E402
from therapist_app.engine.presentation import definition_of, fields_for  # noqa: E402
from therapist_app.engine.kinds import KIND_SAFETY_CHECK_IN  # noqa: E402
from therapist_app.extensions import session  # noqa: E402
from therapist_app.models import User, WorksheetVersion  # noqa: E402
from therapist_app.security.crypto import current_keyring  # noqa: E402
from therapist_app.security.sealing import seal  # noqa: E402
from therapist_app.security.passwords import hash_password  # noqa: E402
from therapist_app.services import packets, worksheets  # noqa: E402

PASSWORD = "scale-bench-passphrase"
COUNSELORS = 50
SMALL_COUPLES, LARGE_COUPLES = 10, int(os.environ.get("BENCH_COUPLES", "5000"))
ASSIGNMENTS_PER_COUPLE = 40
BIG_TABLES = {"ta_user", "ta_couple", "ta_assignment", "ta_response", "ta_response_revision", "ta_appointment"}
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)


def throwaway_postgres() -> tuple[str, callable]:
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    folder = scratch_folder()  # removed at exit, after stop()
    port = os.environ.get("BENCH_PG_PORT", "54351")
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        subprocess.run(["chown", "postgres", folder], check=True)
    subprocess.run(as_pg + [f"{pg_bin}/initdb", "-D", f"{folder}/data", "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    subprocess.run(as_pg + [f"{pg_bin}/pg_ctl", "-D", f"{folder}/data", "-l", f"{folder}/log", "-w", "-o",
                            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                            "-c synchronous_commit=off -c full_page_writes=off", "start"], check=True, capture_output=True)

    def stop():
        subprocess.run(as_pg + [f"{pg_bin}/pg_ctl", "-D", f"{folder}/data", "-m", "immediate", "stop"],
                       capture_output=True)
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop


class World:
    """Rows written straight into the tables with COPY, ids chosen here (sequences set after)."""

    def __init__(self, app):
        self.app = app
        self.rng = random.Random(11)
        self.ids = {name: 0 for name in ("ta_user", "ta_couple", "ta_assignment", "ta_response",
                                         "ta_response_revision", "ta_appointment")}
        self.password_hash = hash_password(PASSWORD)
        self.keyring = current_keyring()
        versions = session.scalars(select(WorksheetVersion).order_by(WorksheetVersion.id)).all()
        self.check_in = next(v for v in versions if definition_of(v).kind == KIND_SAFETY_CHECK_IN)
        self.joint = [v for v in versions if definition_of(v).kind != KIND_SAFETY_CHECK_IN]
        self.answers = {v.id: self._answers(v) for v in versions}

    def _answers(self, version) -> dict:
        definition = definition_of(version)
        values = {f.id: sample_value(f, self.rng) for f in fields_for(definition, None, None)}
        return {"values": values, "states": {}}

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def seal(self, value, context: str, row_id: int) -> str:
        return seal(value, context, row_id, self.keyring)

    def practice_and_counselors(self) -> list[int]:
        self._write("ta_practice", ["id", "name", "country", "paper_size", "default_timezone", "risk_alert_emails",
                                    "require_two_factor", "joint_homework_gate", "created_at"],
                    [[1, "Scale practice", "GB", "A4", "Europe/London", False, False, "block", NOW]])
        return [self._user(1, "counselor", f"counselor{n}@scale.example") for n in range(COUNSELORS)]

    def couples(self, counselor_ids: list[int], count: int) -> None:
        users, couples, assignments, responses, revisions, appointments = [], [], [], [], [], []
        for n in range(count):
            counselor = counselor_ids[n % len(counselor_ids)]
            a, b = (self._user_row(users, f"p{self.ids['ta_couple'] + 1}{side}@scale.example") for side in "ab")
            couple = self.next_id("ta_couple")
            couples.append([couple, 1, counselor, a, b, self.seal(a, "couple.hurt_partner", couple), 2, False, False,
                            "active", NOW])
            for week in range(12):
                appointments.append([self.next_id("ta_appointment"), couple, NOW - timedelta(weeks=11 - week),
                                     50, "held" if week < 11 else "scheduled", "in_person", NOW, NOW])
            for index in range(ASSIGNMENTS_PER_COUPLE):
                self._assignment(couple, counselor, (a, b), index, assignments, responses, revisions)
        self._write("ta_user", USER_COLUMNS, users)
        self._write("ta_couple", ["id", "practice_id", "counselor_id", "partner_a_id", "partner_b_id", "hurt_partner_id",
                                  "stage", "intimacy_unlocked", "joint_paused", "status", "created_at"], couples)
        self._write("ta_appointment", ["id", "couple_id", "starts_at", "duration_minutes", "status", "mode", "created_at",
                                       "updated_at"], appointments)
        self._write("ta_assignment", ["id", "couple_id", "worksheet_version_id", "assignee_id", "created_by_id", "due_date",
                                      "status", "visibility_overrides", "release_mode", "released_fields", "created_at"],
                    assignments)
        self._write("ta_response", ["id", "assignment_id", "partner_id", "status", "draft", "submitted", "held_back",
                                    "revision", "risk_flagged", "updated_at", "submitted_at", "reviewed_at", "created_at",
                                    "answered_as"], responses)
        self._write("ta_response_revision", ["id", "response_id", "kind", "content", "created_at"], revisions)

    def _assignment(self, couple, counselor, partners, index, assignments, responses, revisions):
        # The first two are each partner's private check-in, read by the counselor (joint homework opens).
        version = self.check_in if index < 2 else self.joint[index % len(self.joint)]
        assignee = partners[index] if index < 2 else None
        assignment = self.next_id("ta_assignment")
        when = NOW - timedelta(days=2 * (ASSIGNMENTS_PER_COUPLE - index))
        assignments.append([assignment, couple, version.id, assignee, counselor, when.date() + timedelta(days=7),
                            "open", "{}", "when_both_submitted", "[]", when])
        submitted = index < ASSIGNMENTS_PER_COUPLE - 3  # the newest three are still being written
        answers = self.answers[version.id]
        for partner in ([assignee] if assignee else partners):
            response = self.next_id("ta_response")
            sealed_draft = self.seal(answers, "response.draft", response)
            responses.append([response, assignment, partner, "submitted" if submitted else "draft", sealed_draft,
                              self.seal(answers, "response.submitted", response) if submitted else None,
                              self.seal([], "response.held_back", response), 3, False,
                              when, when if submitted else None, when + timedelta(days=1) if submitted else None, when,
                              self.seal("hurt" if partner == partners[0] else "involved", "response.answered_as", response)])
            # 61 saved revisions for every 39 responses: 390,000 responses and 610,000 revisions at the
            # large size, 1,000,000 encrypted answer rows (the schema allows one response per partner).
            for _ in range(response * 61 // 39 - (response - 1) * 61 // 39):
                revision = self.next_id("ta_response_revision")
                revisions.append([revision, response, "submitted",
                                  self.seal(answers, "response_revision.content", revision), when])

    def _user(self, practice_id, role, email) -> int:
        rows = []
        user = self._user_row(rows, email, role)
        self._write("ta_user", USER_COLUMNS, rows)
        return user

    def _user_row(self, rows, email, role="client") -> int:
        user = self.next_id("ta_user")
        rows.append([user, 1, role, email.split("@")[0].title(), email, self.password_hash, True, 1,
                     "Europe/London", False, 18, NOW])
        return user

    def _write(self, table, columns, rows):
        with _Copy(table, columns) as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        connection = session.connection()
        for table, last in self.ids.items():
            if last:
                connection.exec_driver_sql(f"SELECT setval('{table}_id_seq', {last})")
        session.commit()
        raw = session.connection().connection.driver_connection
        raw.autocommit = True
        raw.execute("ANALYZE")
        raw.autocommit = False


USER_COLUMNS = ["id", "practice_id", "role", "display_name", "email", "password_hash", "is_active_account",
                "session_version", "timezone", "email_reminders", "reminder_hour", "created_at"]


class _Copy:
    def __init__(self, table, columns):
        self.statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"

    def __enter__(self):
        self.cursor = session.connection().connection.driver_connection.cursor()
        self.copy = self.cursor.copy(self.statement)
        return self.copy.__enter__()

    def __exit__(self, *exc):
        self.copy.__exit__(*exc)
        self.cursor.close()
        if exc[0] is None:
            session.commit()


class Recorder:
    """Every statement of a request, with how long the database took to answer it."""

    def __init__(self, engine):
        self.statements: list[tuple[str, object]] = []
        self.seconds: list[float] = []
        event.listen(engine, "before_cursor_execute", self._heard)
        event.listen(engine, "after_cursor_execute", self._answered)

    def clear(self):
        self.statements.clear()
        self.seconds.clear()

    def _heard(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))
        self._started = time.perf_counter()

    def _answered(self, conn, cursor, statement, parameters, context, executemany):
        self.seconds.append(time.perf_counter() - self._started)


class IsolatedClient(FlaskClient):
    """Each request in its own context (own `g`, own db session), as on a real server."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def sign_in(app, email):
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    reply = client.post("/login", data={"login": email, "password": PASSWORD, "csrf_token": token})
    assert reply.status_code in (302, 303), reply.status_code
    return client


def measure(app, recorder, counselor_email, partner_email, couple_id, counselor_id) -> dict:
    # As wsgi.py does after start-up: what this process holds already (here, what building the practice
    # left behind) is no work for the garbage collector, which would otherwise walk it more at the large
    # size than at the small and count it against the pages.
    gc.collect()
    gc.freeze()
    counselor, partner = sign_in(app, counselor_email), sign_in(app, partner_email)

    def prep_data():
        def gather():
            with app.test_request_context():
                packets.prep(session.get(User, counselor_id), couple_id)
                session.remove()
        contextvars.Context().run(gather)

    pages = {
        "dashboard": lambda: counselor.get("/counselor/"),
        "couple page": lambda: counselor.get(f"/counselor/couples/{couple_id}"),
        "My homework": lambda: partner.get("/my/"),
        "prep packet data": prep_data,
    }
    results = {}
    for name, request in pages.items():
        reply = request()
        assert reply is None or reply.status_code == 200, (name, reply.status_code)
        for _ in range(5):
            request()
        times, in_database = [], []
        for _ in range(30):
            recorder.clear()
            started = time.perf_counter()
            request()
            times.append(time.perf_counter() - started)
            in_database.append(sum(recorder.seconds))
        recorder.clear()
        request()
        slowest = max(zip(recorder.seconds, (statement for statement, _ in recorder.statements)), default=(0, ""))
        results[name] = (statistics.median(times) * 1000, len(recorder.statements), list(recorder.statements),
                         slowest, statistics.median(in_database) * 1000)
    return results


def sequential_scans(statements) -> list[str]:
    """Each SELECT's plan for these very values: the only plan the app's connections run."""
    found = []
    connection, seen = session.connection(), set()
    for statement, parameters in statements:
        if statement in seen or not statement.lstrip().upper().startswith("SELECT"):
            continue
        seen.add(statement)
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters or {}))
        tables = sorted(set(re.findall(r"Seq Scan on (\w+)", plan)) & BIG_TABLES)
        if tables:  # where it reads from, and the plan: enough to find the query and why
            tail = " ".join(statement.split())
            found.append(f"{', '.join(tables)}: {tail[:60]} … {tail[tail.find(' FROM '):][:600]}\n{plan}")
    session.rollback()
    return found


def main():
    url, stop = os.environ.get("BENCH_DATABASE_URL"), None
    if not url:
        url, stop = throwaway_postgres()
    try:
        run(url)
    finally:
        if stop:
            stop()


def run(url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                      "THERAPIST_PDF_CACHE_DIR": scratch_folder()})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade(directory=str(ROOT / "migrations"))
        worksheets.sync_library(app.config["THERAPIST_WORKSHEETS_DIR"])
        recorder = Recorder(app.extensions["sqlalchemy"].engine)
        world = World(app)
        started = time.perf_counter()
        counselors = world.practice_and_counselors()
        world.couples(counselors[:1], SMALL_COUPLES)
        world.finish()
        target = dict(counselor_email="counselor0@scale.example", partner_email="p1a@scale.example",
                      couple_id=1, counselor_id=counselors[0])
        small = measure(app, recorder, **target)
        for start in range(0, LARGE_COUPLES - SMALL_COUPLES, 500):
            world.couples(counselors[1:], min(500, LARGE_COUPLES - SMALL_COUPLES - start))
        world.finish()
        built = time.perf_counter() - started
        counts = {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in sorted(BIG_TABLES)}
        session.rollback()
        large = measure(app, recorder, **target)
        scans = sequential_scans([s for _, _, statements, _, _ in large.values() for s in statements])
        prepare_threshold = session.connection().connection.driver_connection.prepare_threshold
        session.rollback()

    print(f"PostgreSQL, in-process (Flask test client), median of 30; built in {built:.0f} s")
    print("  rows at the large size: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"  {'':<18} {'10 couples':>11} {LARGE_COUPLES:>9,} {'large/small':>12}   queries (small / large)"
          "   of which waiting on the database (small / large)")
    for name in small:
        (small_ms, small_q, _, _, small_db), (large_ms, large_q, _, _, large_db) = small[name], large[name]
        print(f"  {name:<18} {small_ms:8.1f} ms {large_ms:6.1f} ms {large_ms / small_ms:9.2f}      "
              f"{small_q} / {large_q}{'' if small_q == large_q else '   NOT EQUAL'}"
              f"          {small_db:5.1f} / {large_db:5.1f} ms")
    print("  the slowest query of each page at the large size (one request, after the timings):")
    for name, (_, _, _, (seconds, statement), _) in large.items():
        print(f"    {name:<18} {seconds * 1000:6.2f} ms  {' '.join(statement.split())[:150]}")
    print(f"  psycopg's prepare_threshold on the app's connections: {prepare_threshold} (None: nothing prepared)")
    print(f"  sequential scans of a big table in the large run: {len(scans)}")
    for scan in scans:
        print(f"    {scan}")


if __name__ == "__main__":
    sys.exit(main())
