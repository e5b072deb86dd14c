"""Encrypted values are sealed to their table, column and row: copied anywhere else they fail to open,
loudly; keys rotate online; the migration re-seals values stored before rows were bound."""
import base64
import json
from importlib import util

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import load_only

from helpers import save_section
from support import ROOT, signed_in
from therapist_app import create_app
from therapist_app.extensions import session as db_session
from therapist_app.models import Couple, Response, User
from therapist_app.security.crypto import KeyRing
from therapist_app.security.sealing import SealError, seal
from therapist_app.services.response_states import STATUS_COLUMNS

KEY_1 = "k1:" + base64.b64encode(b"1" * 32).decode()
KEY_2 = "k2:" + base64.b64encode(b"2" * 32).decode()


def _both_answered(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    save_section(signed_in(app, couple.partner_a), assignment.id, {"what_partner_feels": "Alex wrote these private words"})
    save_section(signed_in(app, couple.partner_b), assignment.id, {"what_partner_feels": "Sam wrote these words"})
    rows = {r.partner_id: r.id for r in db_session.scalars(select(Response).where(Response.assignment_id == assignment.id))}
    return couple, assignment, rows[couple.partner_a_id], rows[couple.partner_b_id]


def _raw(app, sql, **params):
    with app.extensions["sqlalchemy"].engine.begin() as connection:
        return connection.execute(text(sql), params).all() if sql.lstrip().startswith("SELECT") else \
            connection.execute(text(sql), params)


def test_a_partners_answers_copied_into_the_other_partners_row_fail_to_open_and_are_never_shown(app, factory):
    couple, assignment, a_row, b_row = _both_answered(app, factory)
    _raw(app, "UPDATE ta_response SET draft = (SELECT draft FROM ta_response WHERE id = :a) WHERE id = :b",
         a=a_row, b=b_row)
    db_session.expire_all()
    with pytest.raises(SealError, match="not sealed for this row"):
        db_session.get(Response, b_row).draft
    db_session.rollback()

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not the test's traceback
    page = signed_in(app, couple.partner_b).get(f"/my/homework/{assignment.id}?edit=1")
    assert page.status_code == 500
    assert "Alex wrote these private words" not in page.get_data(as_text=True)
    # The author's own row still opens: nothing else was touched.
    db_session.rollback()
    assert "Alex wrote these private words" in str(db_session.get(Response, a_row).draft)


def test_a_value_moved_to_another_column_of_the_same_row_fails_to_open(app, factory):
    _, _, a_row, _ = _both_answered(app, factory)
    _raw(app, "UPDATE ta_response SET submitted = draft WHERE id = :a", a=a_row)
    db_session.expire_all()
    with pytest.raises(SealError):
        db_session.get(Response, a_row).submitted


def test_keys_rotate_online_in_resumable_batches_and_the_old_key_can_then_go(app, factory):
    state = app.extensions["therapist_app"]
    state.keyring = KeyRing(KEY_1)
    couple, assignment, a_row, b_row = _both_answered(app, factory)
    factory.assign(couple, "pain-is-normal", note="Take your time with this one")
    state.keyring = KeyRing(f"{KEY_2},{KEY_1}")  # k2 is new and encrypts; k1 still opens what it sealed
    runner = app.test_cli_runner()

    first = runner.invoke(args=["keys", "rotate", "--batch-size", "1", "--batches", "2"])
    assert first.exit_code == 0, first.output
    assert "stopped early" in first.output
    status = runner.invoke(args=["keys", "status"]).output
    assert "k1" in status and "k2" in status  # half-way: both keys still hold values

    rest = runner.invoke(args=["keys", "rotate", "--batch-size", "1"])
    assert "every value is under the newest key" in rest.output
    assert "k1" not in runner.invoke(args=["keys", "status"]).output
    tokens = [t for (t,) in _raw(app, "SELECT draft FROM ta_response UNION ALL SELECT note FROM ta_assignment "
                                      "WHERE note IS NOT NULL")]
    assert tokens and all(t.startswith("r1$k2$") for t in tokens)

    state.keyring = KeyRing(KEY_2)  # the old key is retired
    db_session.expire_all()
    assert "Alex wrote these private words" in signed_in(app, couple.partner_a).get(
        f"/my/homework/{assignment.id}?edit=1").get_data(as_text=True)
    assert "Take your time with this one" in signed_in(app, couple.partner_b).get("/my/").get_data(as_text=True)


def test_the_migration_reseals_values_stored_before_rows_were_bound(empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "THERAPIST_ANSWER_KEYS": KEY_1})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0010"]).exit_code == 0
    keyring = KeyRing(KEY_1)
    legacy = keyring.encrypt(b'"JBSWY3DPEHPK3PXP"', b"user.totp_secret")  # the column-only format
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO ta_practice (id, name, country, paper_size, created_at, default_timezone, "
                "risk_alert_emails, require_two_factor, joint_homework_gate) "
                "VALUES (1, 'P', 'GB', 'A4', CURRENT_TIMESTAMP, 'Europe/London', false, false, 'block')"))
            connection.execute(text(
                "INSERT INTO ta_user (id, practice_id, role, display_name, is_active_account, session_version, "
                "timezone, email_reminders, reminder_hour, created_at, totp_secret) VALUES (1, 1, 'counselor', "
                "'Dr Lee', true, 1, 'Europe/London', false, 18, CURRENT_TIMESTAMP, :secret)"), {"secret": legacy})
        engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        stored = db_session.execute(text("SELECT totp_secret FROM ta_user WHERE id = 1")).scalar()
        assert stored.startswith("r1$k1$")
        assert db_session.get(User, 1).totp_secret == "JBSWY3DPEHPK3PXP"
        db_session.remove()
        app.extensions["sqlalchemy"].engine.dispose()


def test_a_sealed_column_selected_on_its_own_is_refused_not_handed_over_as_a_token(app, factory):
    _both_answered(app, factory)
    with pytest.raises(TypeError, match="select the whole row"):
        db_session.execute(select(Response.partner_id, Response.draft)).all()


def test_refreshing_one_sealed_column_opens_it_with_its_row(app, factory):
    _, _, a_row, _ = _both_answered(app, factory)
    response = db_session.get(Response, a_row)
    db_session.expire(response)
    db_session.refresh(response, ["draft"])  # `id` itself is not reloaded
    assert "Alex wrote these private words" in str(response.draft)


def test_answers_survive_a_failed_insert_that_is_retried(app, factory):
    couple, assignment, _, _ = _both_answered(app, factory)
    other = factory.assign(couple, "pain-is-normal")
    duplicate = Response(assignment_id=assignment.id, partner_id=couple.partner_a_id,
                         draft={"values": {"x": "words kept through a retry"}, "states": {}})
    db_session.add(duplicate)
    with pytest.raises(Exception):
        db_session.commit()  # one response per partner per assignment: refused
    db_session.rollback()
    duplicate.assignment_id = other.id
    db_session.add(duplicate)
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Response, duplicate.id).draft["values"]["x"] == "words kept through a retry"


def test_changing_a_status_neither_loads_nor_rewrites_the_answers(app, factory):
    _, _, a_row, _ = _both_answered(app, factory)
    db_session.expire_all()
    response = db_session.scalars(select(Response).where(Response.id == a_row).options(load_only(*STATUS_COLUMNS))).one()
    before = _raw(app, "SELECT draft FROM ta_response WHERE id = :a", a=a_row)[0][0]
    statements = []
    engine = app.extensions["sqlalchemy"].engine

    def heard(conn, cursor, statement, *rest):
        statements.append(statement)
    event.listen(engine, "before_cursor_execute", heard)
    response.readiness = "ready"
    db_session.commit()
    event.remove(engine, "before_cursor_execute", heard)
    assert not any(s.lstrip().startswith("SELECT") and "draft" in s for s in statements)
    assert _raw(app, "SELECT draft FROM ta_response WHERE id = :a", a=a_row)[0][0] == before


def test_a_refused_plain_value_never_shows_in_the_error_text(app, factory):
    couple, assignment, _, _ = _both_answered(app, factory)
    with pytest.raises(Exception) as refused:
        db_session.execute(insert(Response), [{"assignment_id": assignment.id, "partner_id": couple.partner_a_id,
                                               "draft": {"values": {"x": "I had an affair"}}}])
    db_session.rollback()
    assert "I had an affair" not in str(refused.value)


def test_the_migration_tells_old_tokens_from_new_even_under_a_key_named_r1(app):
    spec = util.spec_from_file_location("m0011", ROOT / "migrations/versions/0011_sealed_to_rows.py")
    migration = util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    keyring = KeyRing("r1:" + base64.b64encode(b"3" * 32).decode())
    old = keyring.encrypt(b'"a note"', b"assignment.note")
    assert old.startswith("r1$") and not migration._row_bound(old)
    new = migration._bind_to_row(keyring, old, "assignment.note", 7)
    assert migration._row_bound(new)
    assert keyring.decrypt(new[len("r1$"):], b"assignment.note#7") == b'"a note"'


def test_who_was_hurt_and_held_back_answers_are_sealed_by_the_migration_and_unsealed_by_its_downgrade(
        empty_database):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "THERAPIST_ANSWER_KEYS": KEY_1})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0011"]).exit_code == 0
    keyring = KeyRing(KEY_1)
    statements = [
        "INSERT INTO ta_practice (id, name, country, paper_size, created_at, default_timezone, risk_alert_emails, "
        "require_two_factor, joint_homework_gate) VALUES (1, 'P', 'GB', 'A4', CURRENT_TIMESTAMP, 'UTC', false, false, 'off')",
        *[f"INSERT INTO ta_user (id, practice_id, role, display_name, is_active_account, session_version, timezone, "
          f"email_reminders, reminder_hour, created_at) VALUES ({n}, 1, '{role}', 'P{n}', true, 1, 'UTC', false, 18, "
          "CURRENT_TIMESTAMP)" for n, role in ((1, "counselor"), (2, "client"), (3, "client"))],
        "INSERT INTO ta_couple (id, practice_id, counselor_id, partner_a_id, partner_b_id, hurt_partner_id, stage, "
        "intimacy_unlocked, joint_paused, status, created_at) VALUES (1, 1, 1, 2, 3, 3, 1, false, false, 'active', "
        "CURRENT_TIMESTAMP)",
        "INSERT INTO ta_worksheet (id, slug, source, shared_with_practice, retired, created_at) "
        "VALUES (1, 'w', 'library', false, false, CURRENT_TIMESTAMP)",
        "INSERT INTO ta_worksheet_version (id, worksheet_id, number, definition, content_hash, created_at) "
        "VALUES (1, 1, 1, '{}', 'x', CURRENT_TIMESTAMP)",
        "INSERT INTO ta_assignment (id, couple_id, worksheet_version_id, created_by_id, status, visibility_overrides, "
        "created_at) VALUES (1, 1, 1, 1, 'open', '{}', CURRENT_TIMESTAMP)",
        "INSERT INTO ta_response (id, assignment_id, partner_id, status, draft, held_back, revision, risk_flagged, "
        "updated_at, created_at, answered_as) VALUES (1, 1, 2, 'draft', :draft, '[\"what_hurt\"]', 1, false, "
        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'involved')",
    ]
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement), {"draft": seal({"values": {}, "states": {}}, "response.draft", 1,
                                                                     keyring)})
        engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        raw = db_session.execute(text("SELECT c.hurt_partner_id, r.answered_as, r.held_back FROM ta_couple c, "
                                      "ta_response r")).one()
        assert all(value.startswith("r1$k1$") for value in raw)
        assert db_session.get(Couple, 1).hurt_partner_id == 3
        response = db_session.get(Response, 1)
        assert (response.answered_as, response.held_back) == ("involved", ["what_hurt"])
        db_session.remove()
        app.extensions["sqlalchemy"].engine.dispose()
    assert runner.invoke(args=["db", "downgrade", "0011"]).exit_code == 0
    with app.app_context():
        raw = db_session.execute(text("SELECT c.hurt_partner_id, r.answered_as, r.held_back FROM ta_couple c, "
                                      "ta_response r")).one()
        assert (int(raw[0]), raw[1], json.loads(raw[2]) if isinstance(raw[2], str) else raw[2]) == (
            3, "involved", ["what_hurt"])
        db_session.remove()
        app.extensions["sqlalchemy"].engine.dispose()
