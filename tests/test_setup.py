"""Set-up paths a new user runs: migrations, the demo practice, production configuration."""
import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Integer, func, select, text

from config import ConfigError, ProductionConfig
from helpers import save_section
from support import Factory, signed_in
from therapist_app import create_app
from therapist_app.extensions import session as db_session
from therapist_app.models import Base, Couple, Practice, User
from therapist_app import access
from therapist_app.services import couples, dashboard, end_of_care

SQLITE_ONLY = pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                                 reason="AUTOINCREMENT and sqlite_sequence are SQLite's")
POSTGRES_ONLY = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                   reason="prepared statements' plans are PostgreSQL's")


def test_migrations_build_exactly_the_tables_the_models_describe(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [d for d in compare_metadata(context, Base.metadata)
                           if not (isinstance(d, tuple) and "ta_alembic_version" in str(d))]
        assert differences == []
        engine.dispose()


def test_demo_seed_twice_creates_the_demo_once_and_prints_the_logins(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert "counselor@demo.example" in first.output and "already there" in second.output
    with app.app_context():
        session = app.extensions["sqlalchemy"].session
        assert session.scalar(select(func.count(Practice.id))) == 1
        assert session.scalar(select(func.count(Couple.id))) == 3  # the demo practice's three couples
        assert session.scalar(select(func.count(User.id))) == 9  # an admin, two counselors, six partners
        app.extensions["sqlalchemy"].engine.dispose()


# ---- ids are never handed out twice (SQLite's AUTOINCREMENT, migration 0013) -------------------------

def test_every_table_whose_ids_the_database_gives_declares_that_they_are_never_reused():
    for table in Base.metadata.sorted_tables:
        (key,) = table.primary_key.columns
        given_by_database = isinstance(key.type, Integer) and key.autoincrement is not False
        assert table.dialect_options["sqlite"]["autoincrement"] == given_by_database, table.name


def _every_row(connection) -> dict:
    return {table.name: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table.name} ORDER BY 1"))]
            for table in Base.metadata.sorted_tables}


def _autoincrement_tables(connection) -> set:
    return {name for name, sql in connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            if "AUTOINCREMENT" in sql}


def test_migration_0013_keeps_every_row_and_never_gives_out_an_id_the_log_names(empty_database):
    """The demo practice as it stood before 0013, its newest couple deleted (only the audit log still
    knows that id): 0013 keeps every row of every table, and the next couple does not get the deleted
    couple's id. The practice is seeded by today's code, then taken back to 0012's tables: today's
    models can't write to 0012's tables once a later migration adds a column (0014 did)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        newest = db_session.scalar(select(Couple).order_by(Couple.id.desc()).limit(1))
        counselor_id = newest.counselor_id
        deleted_id = end_of_care.delete_couple(newest.counselor, newest.id, newest.label)
        db_session.remove()
        assert runner.invoke(args=["db", "downgrade", "0013"]).exit_code == 0
        engine = app.extensions["sqlalchemy"].engine
        _as_before_0013(engine)
        assert runner.invoke(args=["db", "stamp", "0012"]).exit_code == 0
        with engine.connect() as connection:
            before = _every_row(connection)
        result = runner.invoke(args=["db", "upgrade", "0013"])
        assert result.exit_code == 0, result.output
        with engine.connect() as connection:
            assert _every_row(connection) == before
            if connection.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert _autoincrement_tables(connection) == {
                    t.name for t in Base.metadata.sorted_tables if t.dialect_options["sqlite"]["autoincrement"]}
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        added = couples.add_couple(db_session.get(User, counselor_id),
                                   couples.PartnerDetails("Dana", "dana@example.org"),
                                   couples.PartnerDetails("Lee", "lee@example.org"))
        assert added.couple.id > deleted_id
        db_session.remove()
        engine.dispose()


def _as_before_0013(engine) -> None:
    """On SQLite, the tables as 0012 left them: the same columns and rows, without AUTOINCREMENT and
    with no ids remembered (0013 changed nothing else). Edited in the schema itself, which only the
    keyword and sqlite_sequence differ in; the rows' storage is the same."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA writable_schema = ON")
        connection.exec_driver_sql("UPDATE sqlite_master SET sql = replace(sql, ' AUTOINCREMENT', '') "
                                   "WHERE type = 'table'")
        connection.exec_driver_sql("DELETE FROM sqlite_sequence")
        connection.exec_driver_sql("PRAGMA writable_schema = OFF")
    engine.dispose()  # connections read the schema afresh


@SQLITE_ONLY
def test_a_later_rebuild_of_a_table_keeps_autoincrement_and_its_largest_id(migrated_app):
    """A batch migration rebuilds a table from its reflection, which knows nothing of AUTOINCREMENT;
    migrations/env.py keeps it, and the table's sqlite_sequence. 0012's downgrade rebuilds ta_couple."""
    factory = Factory(migrated_app)
    counselor = factory.counselor()
    factory.couple(counselor)
    newest = factory.couple(counselor)
    deleted_id = end_of_care.delete_couple(counselor, newest.id, newest.label)
    db_session.remove()
    engine = migrated_app.extensions["sqlalchemy"].engine
    for command in (["db", "downgrade", "0011"], ["db", "upgrade"]):
        result = migrated_app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 0, result.output
        with engine.connect() as connection:
            assert "ta_couple" in _autoincrement_tables(connection), command
            largest = connection.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'ta_couple'").scalar()
        assert largest == deleted_id, command


@POSTGRES_ONLY
def test_a_caseload_read_many_times_is_still_planned_for_the_counselor_asking(app, factory):
    """psycopg would prepare a statement on its sixth run in a transaction; PostgreSQL would then be
    free to run it on a plan made for no counselor in particular, which at a practice's size reads
    every person in it. Run twelve times here, it must never run on such a plan (it is not prepared)."""
    couple = factory.couple()
    caseload = dashboard._COUPLES
    for _ in range(12):
        assert [c.id for c in db_session.scalars(caseload, access.counselor_params(couple.counselor)).unique()] == [couple.id]
    generic_runs = db_session.scalar(text(
        "SELECT coalesce(sum(generic_plans), 0) FROM pg_prepared_statements WHERE statement LIKE '%FROM ta_couple%'"
        " AND statement LIKE '%ORDER BY ta_couple.id%'"))
    assert generic_runs == 0


def test_production_refuses_to_start_without_its_secrets_and_names_them():
    with pytest.raises(ConfigError) as caught:
        create_app(type("Incomplete", (ProductionConfig,), {
            "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": None, "THERAPIST_ANSWER_KEYS": None, "THERAPIST_MAIL_SERVER": None}))
    message = str(caught.value)
    for name in ("SECRET_KEY", "DATABASE_URL", "THERAPIST_ANSWER_KEYS", "THERAPIST_MAIL_SERVER"):
        assert name in message


def test_production_refuses_to_start_without_the_public_address_for_email_links():
    complete_but_the_address = type("NoAddress", (ProductionConfig,), {
        "SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": "sqlite://", "THERAPIST_MAIL_SERVER": "smtp.example",
        "THERAPIST_ANSWER_KEYS": "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "THERAPIST_PUBLIC_BASE_URL": None})
    with pytest.raises(ConfigError, match="THERAPIST_PUBLIC_BASE_URL"):
        create_app(complete_but_the_address)


def test_worksheets_check_command_names_a_broken_file_and_fails(tmp_path):
    (tmp_path / "broken.yaml").write_text("slug: broken\ntitle: Broken\nsections: 3\n")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    result = app.test_cli_runner().invoke(args=["worksheets", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "REFUSED broken.yaml, line" in result.output


def test_answers_are_encrypted_in_the_database(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange", note="a personal note to the couple")
    save_section(signed_in(app, couple.partner_a), assignment.id, {"what_partner_feels": "very private words"})
    engine = app.extensions["sqlalchemy"].engine
    with engine.connect() as connection:
        dump = " ".join(str(row) for table in ("ta_response", "ta_assignment")
                        for row in connection.execute(text(f"SELECT * FROM {table}")))
    assert "very private words" not in dump and "personal note" not in dump
    assert "k1$" in dump


def test_production_answers_with_hsts_and_secure_cookies_and_development_without_hsts(tmp_path):
    production = type("Complete", (ProductionConfig,), {
        "SECRET_KEY": "s" * 32, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}",
        "THERAPIST_MAIL_SERVER": "smtp.example", "THERAPIST_PUBLIC_BASE_URL": "https://counsel.example.org",
        "THERAPIST_ANSWER_KEYS": "k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
    reply = create_app(production).test_client().get("/session/csrf", base_url="https://counsel.example.org")
    assert reply.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = reply.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)
    development = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}"}).test_client()
    assert "Strict-Transport-Security" not in development.get("/session/csrf").headers
