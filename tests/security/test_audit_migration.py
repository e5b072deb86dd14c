"""Migration 0010 on a database that already has an audit log: the old events are linked into the
chain and filed under their practice; on PostgreSQL, the log refuses to be changed or emptied."""
import os
from datetime import datetime, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from therapist_app import create_app
from therapist_app.extensions import session
from therapist_app.security.audit import record

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _legacy_log(connection) -> tuple[int, int]:
    """What a practice's log looked like before 0010: a practice, a counselor, and three events."""
    now = datetime(2026, 11, 1, 9, 30, 15, 123456, tzinfo=timezone.utc)
    if connection.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as the app keeps it there: UTC, without the zone
    practice = connection.execute(text(
        "INSERT INTO ta_practice (name, country, paper_size, created_at, default_timezone, risk_alert_emails, "
        "require_two_factor, joint_homework_gate) VALUES ('P', 'US', 'Letter', :at, 'UTC', true, false, 'block') "
        "RETURNING id"), {"at": now}).scalar()
    user = connection.execute(text(
        "INSERT INTO ta_user (practice_id, role, display_name, email, is_active_account, session_version, timezone, "
        "email_reminders, reminder_hour, created_at) VALUES (:p, 'counselor', 'C', 'c@example.org', true, 1, 'UTC', "
        "true, 18, :at) RETURNING id"), {"p": practice, "at": now}).scalar()
    for actor, action, object_type, object_id in ((user, "login", "User", user),
                                                  (None, "password_reset_requested", "User", user),
                                                  (None, "login_failed", None, None)):
        connection.execute(text(
            "INSERT INTO ta_audit_event (at, actor_id, action, object_type, object_id, ip) "
            "VALUES (:at, :actor, :action, :type, :id, '10.0.0.7')"),
            {"at": now, "actor": actor, "action": action, "type": object_type, "id": object_id})
    return practice, user


def test_old_events_are_chained_and_filed_and_new_ones_follow_them(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0009"]).exit_code == 0
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        with engine.begin() as connection:
            practice, user = _legacy_log(connection)
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output

        with engine.connect() as connection:
            filed = connection.execute(text("SELECT action, practice_id FROM ta_audit_event ORDER BY id")).all()
        assert [tuple(row) for row in filed] == [("login", practice), ("password_reset_requested", practice),
                                                 ("login_failed", None)]
        verified = runner.invoke(args=["audit", "verify"])
        assert verified.exit_code == 0 and "intact: 3 event(s)" in verified.output, verified.output

        # The app's own hashing continues the chain the migration began.
        record(user, "logout", None, "10.0.0.8")
        session.commit()
        verified = runner.invoke(args=["audit", "verify"])
        assert verified.exit_code == 0 and "intact: 4 event(s)" in verified.output, verified.output

        # A person can be deleted: their events keep the id (there is no foreign key to rewrite them).
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM ta_user WHERE id = :id"), {"id": user})
        assert runner.invoke(args=["audit", "verify"]).exit_code == 0

        # Down and up again: the downgrade gives back the old table, the upgrade chains it anew.
        result = runner.invoke(args=["db", "downgrade", "0009"])
        assert result.exit_code == 0, result.output
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM ta_audit_event WHERE actor_id IS NOT NULL")).scalar() == 0
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        assert "intact: 4 event(s)" in runner.invoke(args=["audit", "verify"]).output
        session.remove()
        engine.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="the triggers are PostgreSQL's; on SQLite only the chain protects the log")
def test_on_postgresql_the_log_refuses_to_be_changed_removed_or_emptied(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        for _ in range(3):
            record(None, "login_failed")
        session.commit()
        engine = app.extensions["sqlalchemy"].engine
        refused = ("UPDATE ta_audit_event SET action = 'login' WHERE id = 2", "DELETE FROM ta_audit_event WHERE id = 2",
                   "TRUNCATE ta_audit_event", "UPDATE ta_audit_chain_head SET last_id = 1",
                   "DELETE FROM ta_audit_chain_head", "TRUNCATE ta_audit_chain_head",
                   "INSERT INTO ta_audit_event (at, action, previous_hash, row_hash) "
                   "VALUES (now(), 'sneaked in', 'x', 'y')")  # no id: only the chain gives one
        for statement in refused:
            with pytest.raises(DBAPIError) as caught:
                with engine.begin() as connection:
                    connection.execute(text(statement))
            assert "append-only" in str(caught.value) or "only moves forward" in str(caught.value) \
                or "null value" in str(caught.value), statement
        verified = runner.invoke(args=["audit", "verify"])
        assert verified.exit_code == 0 and "intact: 3 event(s)" in verified.output
        session.remove()
        engine.dispose()
