"""Test support shared by every test module: factories, sign-in helpers, the isolated client."""
import contextvars
import functools
import io
import re
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from pypdf import PdfReader
from sqlalchemy import event, select, text

from therapist_app.extensions import session as db_session
from therapist_app.models import Base, Practice, User, Worksheet, WorksheetVersion
from therapist_app.models.user import ROLE_ADMIN, ROLE_COUNSELOR
from therapist_app.security.passwords import hash_password
from therapist_app.services import assignments, couples, worksheets

PASSWORD = "a-long-test-passphrase"
# The source checkout, found from this file so that test modules in any folder name the same places.
ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT / "worksheets"


class RequestIsolatedClient(FlaskClient):
    """Runs each request outside the test's app context, as a real server would: its own app
    context, its own db session, its own `g`. The test's session sees changes after expire_all()."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def reset_database(engine):
    """Our tables, empty. On PostgreSQL the schema is made once per run, then emptied for each test
    and its ids started again from 1."""
    if engine.dialect.name == "postgresql":
        Base.metadata.create_all(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql(_emptying(connection))
    else:
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)


_EMPTYING = {}  # database URL: the statements that empty our tables there


def _emptying(connection) -> str:
    """DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE's new files for 19 tables cost 20 ms a
    test against 3 ms. The children first, then every sequence our tables own started again."""
    key = str(connection.engine.url)
    if key not in _EMPTYING:
        names = [table.name for table in Base.metadata.sorted_tables]
        sequences = connection.execute(text(
            "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
            "JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S' AND t.relname = ANY(:names)"),
            {"names": names}).scalars()
        _EMPTYING[key] = "; ".join([f"DELETE FROM {name}" for name in reversed(names)]
                                   + [f"ALTER SEQUENCE {sequence} RESTART" for sequence in sequences])
    return _EMPTYING[key]


class SyncedLibrary:
    """The worksheet library as `sync_library` leaves it in an empty database: synced for real the first
    time in each test process (per library folder), then its rows are put back into each test's emptied
    database as they were. Parsing and hashing a hundred files cost every test 60-100 ms."""
    TABLES = (Worksheet.__table__, WorksheetVersion.__table__)

    def __init__(self):
        self.rows = {}

    def put_back(self, directory) -> None:
        key = str(directory)
        if key not in self.rows:
            worksheets.sync_library(directory)
            self.rows[key] = [(table, [dict(row._mapping) for row in db_session.execute(select(table))])
                              for table in self.TABLES]
            return
        for table, rows in self.rows[key]:
            db_session.execute(table.insert(), rows)
            if db_session.get_bind().dialect.name == "postgresql":  # the next id after the rows put back
                db_session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) "
                                        f"FROM {table.name}"))
        db_session.commit()


@contextmanager
def counted_queries(app):
    """The SQL statements run while the block runs, as a list that fills as they happen."""
    engine = app.extensions["sqlalchemy"].engine
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# ---- factories -------------------------------------------------------------------------------

@functools.cache
def known_password_hash():
    """PASSWORD's hash, made once per test run: scrypt is slow on purpose (0.14 s here), and the
    factories set it on every person they make. Signing in still checks it with scrypt."""
    return hash_password(PASSWORD)


class Factory:
    """Builds practices, counselors and couples the way the services do, with passwords already set."""

    def __init__(self, app):
        self.app = app
        self.count = 0

    def _n(self):
        self.count += 1
        return self.count

    def practice(self, name=None, country="US", two_factor=False, joint_homework_gate="off"):
        """A practice. Two-factor sign-in and the joint-homework gate are off unless a test asks for
        them: most tests are about other things, and would only meet an extra step. Their own tests
        (tests/auth/test_two_factor.py, tests/services/test_private_check_in.py) use the real defaults."""
        practice = Practice(name=name or f"Practice {self._n()}", country=country, require_two_factor=two_factor,
                            joint_homework_gate=joint_homework_gate)
        db_session.add(practice)
        db_session.commit()
        return practice

    def staff(self, practice=None, role=ROLE_COUNSELOR, name=None):
        practice = practice or self.practice()
        n = self._n()
        user = User(practice_id=practice.id, role=role, display_name=name or f"Counselor {n}",
                    email=f"{role}{n}@example.org", password_hash=known_password_hash())
        db_session.add(user)
        db_session.commit()
        return user

    def counselor(self, practice=None, **kw):
        return self.staff(practice, ROLE_COUNSELOR, **kw)

    def admin(self, practice=None):
        return self.staff(practice, ROLE_ADMIN, name="Admin")

    def couple(self, counselor=None, hurt=None, with_check_ins=False):
        counselor = counselor or self.counselor()
        n = self._n()
        created = couples.add_couple(
            counselor,
            couples.PartnerDetails(f"Robin{n}", f"robin{n}@example.org"),
            couples.PartnerDetails(f"Kai{n}", f"kai{n}@example.org"),
            hurt_partner=hurt, check_ins=with_check_ins,
        )
        for partner in created.couple.partners:
            partner.password_hash = known_password_hash()
        db_session.commit()
        return created.couple

    def assign(self, couple, slug, assignee=None, **kw):
        version = worksheets.version_by_slug(slug)
        result = assignments.assign(couple.counselor, couple.id, version.id,
                                    assignee_id=assignee.id if assignee else None,
                                    due_date=kw.pop("due_date", date.today() + timedelta(days=7)), **kw)
        return result.assignments[0]


# ---- signing in ------------------------------------------------------------------------------

class Auth:
    """Signs a test client in as a person (flaskr's AuthActions, for our users)."""

    def __init__(self, client):
        self.client = client

    def login(self, user, password=PASSWORD):
        response = self.client.post("/login", data={"login": user.email or user.sign_in_name, "password": password,
                                                    "csrf_token": csrf_token(self.client)})
        assert response.status_code == 302, "sign-in failed"
        return response


def signed_in(app, user):
    """A fresh test client signed in as `user`."""
    client = app.test_client()
    Auth(client).login(user)
    return client


def csrf_token(client, prefix="") -> str:
    """A valid CSRF token for the client's session, asked of `GET /session/csrf` as the pages' own
    scripts ask (`prefix`: where a host mounted the plugin). What a post needs that is not about a
    page's form."""
    return client.get(f"{prefix}/session/csrf").json["csrf_token"]


CSRF_FIELD = (re.compile(r'name="csrf_token"[^>]*value="([^"]+)"'), re.compile(r'value="([^"]+)"[^>]*name="csrf_token"'))


def csrf_of(client, path) -> str:
    """The CSRF token in the form of the page at `path` ("" if it has none), for a test about that
    page's own form: the sign-in, invitation, password and two-factor pages. Other posts take
    csrf_token(client)."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_FIELD[0].search(page) or CSRF_FIELD[1].search(page)
    return match.group(1) if match else ""


def browser_sign_in(page, login, password=PASSWORD):
    """Signs in through the real login page in Chromium."""
    page.goto("/login")
    page.get_by_label("Email or sign-in name").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def serious_accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each (empty: none)."""
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def signed_out_soon(page, attempts=30) -> bool:
    """Whether the browser finds itself signed out, looking again for up to 3 s: a quick exit's
    sign-out goes as a request that outlives the page, and may land a moment after the next page."""
    for _ in range(attempts):
        page.goto("/my/")
        if "/login" in page.url:
            return True
        page.wait_for_timeout(100)
    return False


def pdf_text(data: bytes) -> str:
    """The text of a PDF, read back with pypdf. Line breaks are where the PDF wrapped a cell, not
    part of the content, so whitespace is folded."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def drawn_characters(data: bytes) -> dict:
    """{character: font name} for every character a font in the PDF draws with a real glyph (not
    glyph 0, .notdef, the empty box), read from each font's ToUnicode map."""
    found = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/ToUnicode" not in font:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for code, text in _mappings(cmap):
                if code != 0:
                    for ch in text:
                        found.setdefault(ch, font["/BaseFont"])
    return found

def _mappings(cmap: str):
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            yield int(src, 16), bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                yield code, chr(start + offset)


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates, kept in memory for the whole test run. Each test makes its own
    app, whose new Jinja environment would compile every template again (about 0.3 s a test);
    Jinja checks each entry against the template's source, so an edited template is compiled anew.
    Entries are not keyed by the environment's settings: every app of the tests has Jinja's defaults
    (an app that changed its delimiters or extensions would need its own store)."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()
