"""flask backup / flask restore on the suite's database (SQLite, or the PostgreSQL of TEST_DATABASE_URL):
a practice with answers goes out, the database is changed and a table dropped, and the restore gives
back every table row by row. Changed, cut or foreign-key files are refused and change nothing."""
import os
import stat

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from helpers import both_partners_submit
from host_app import make_host
from support import signed_in
from therapist_app import create_app
from therapist_app.extensions import session as db_session
from therapist_app.security.audit import record
from therapist_app.security.crypto import KeyRing

ANSWER = "BACKUP-MARKER what I felt when I found the messages"


@pytest.fixture
def practice_with_answers(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    both_partners_submit(app, couple, assignment, text=ANSWER)
    signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}")
    emails = [p.email for p in couple.partners]
    db_session.commit()
    return emails


def every_table(app) -> dict:
    """Every table of the database, each as its rows in primary-key order, as the database stores them."""
    db_session.commit()  # our own transaction must not hold locks a restore waits for
    engine = app.extensions["sqlalchemy"].engine
    inspector = inspect(engine)
    tables = {}
    with engine.connect() as connection:
        for name in sorted(inspector.get_table_names()):
            keys = inspector.get_pk_constraint(name)["constrained_columns"] or [
                c["name"] for c in inspector.get_columns(name)]
            order = ", ".join(f'"{k}"' for k in keys)
            tables[name] = [tuple(row) for row in connection.execute(text(f'SELECT * FROM "{name}" ORDER BY {order}'))]
    engine.dispose()
    return tables


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def change_everything(app):
    """What a bad day does: rows edited and deleted, a table gone, new audit events."""
    engine = app.extensions["sqlalchemy"].engine
    db_session.commit()
    with engine.begin() as connection:
        connection.execute(text("UPDATE ta_user SET display_name = 'changed'"))
        connection.execute(text("DELETE FROM ta_outbox_message"))
        connection.execute(text("DELETE FROM ta_response_revision"))
        connection.execute(text("DROP TABLE ta_session_topic"))
    record(None, "login_failed")
    db_session.commit()


def test_a_backup_round_trips_every_table_row_by_row(app, practice_with_answers, tmp_path):
    before = every_table(app)
    assert len(before["ta_response"]) == 2 and before["ta_audit_event"]
    target = tmp_path / "practice.tabackup"
    code, output = run(app, "backup", str(target))
    assert code == 0, output
    assert f"Backup written: {target}" in output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    sealed = target.read_bytes()
    for plain in practice_with_answers + ["Robin", "BACKUP-MARKER", "CREATE TABLE", "ta_user"]:
        assert plain.encode() not in sealed, plain  # nothing readable: names, emails, schema

    change_everything(app)
    assert every_table(app) != before
    code, output = run(app, "restore", "--yes", str(target))
    assert code == 0, output
    assert "Audit log: intact" in output
    after = every_table(app)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name
    code, output = run(app, "audit", "verify")
    assert code == 0, output


def test_a_folder_gets_a_dated_file_and_the_restore_asks_first(app, practice_with_answers, tmp_path):
    code, output = run(app, "backup", str(tmp_path))
    assert code == 0, output
    [made] = list(tmp_path.glob("therapist-backup-*.tabackup"))
    before = every_table(app)
    change_everything(app)
    result = app.test_cli_runner().invoke(args=["restore", str(made)], input="n\n")
    assert result.exit_code == 1 and "REPLACES everything" in result.output
    assert every_table(app) != before  # declined: nothing changed
    result = app.test_cli_runner().invoke(args=["restore", str(made)], input="y\n")
    assert result.exit_code == 0, result.output
    assert every_table(app) == before


def _refused(app, path, words):
    before = every_table(app)
    code, output = run(app, "restore", "--yes", str(path))
    assert code == 1, output
    assert words in output and "Nothing was restored" in output
    assert every_table(app) == before


def test_a_changed_cut_or_foreign_file_is_refused_and_changes_nothing(app, practice_with_answers, tmp_path):
    target = tmp_path / "practice.tabackup"
    assert run(app, "backup", str(target))[0] == 0
    data = target.read_bytes()
    change_everything(app)  # so that a restore, had it happened, would show

    flipped = tmp_path / "flipped.tabackup"
    middle = len(data) // 2
    flipped.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1:])
    _refused(app, flipped, "it was changed or cut short after it was written")

    cut = tmp_path / "cut.tabackup"
    cut.write_bytes(data[:-100])
    _refused(app, cut, "it was changed or cut short after it was written")

    header_changed = tmp_path / "header.tabackup"
    header_changed.write_bytes(data.replace(b'"created": "', b'"created": "1', 1))
    _refused(app, header_changed, "it was changed or cut short after it was written")

    other = tmp_path / "other.txt"
    other.write_bytes(b"just some file\n")
    _refused(app, other, "This is not a backup made by `flask backup`")


def test_a_backup_opens_only_with_its_own_key(app_config, tmp_path, practice_with_answers, app):
    target = tmp_path / "practice.tabackup"
    assert run(app, "backup", str(target))[0] == 0
    change_everything(app)
    db_session.remove()

    same_id_other_key = create_app({**app_config, "THERAPIST_BACKUP_KEYS": KeyRing.generate_spec("k1")})
    with same_id_other_key.app_context():
        _refused(same_id_other_key, target, "or it was made with another backup key")
    other_id = create_app({**app_config, "THERAPIST_BACKUP_KEYS": KeyRing.generate_spec("k9")})
    with other_id.app_context():
        _refused(other_id, target, "made with backup key 'k1', which is not configured here")

    # A separate backup key, once configured, writes and reads its own backups.
    own_key = KeyRing.generate_spec("b1")
    separate = create_app({**app_config, "THERAPIST_BACKUP_KEYS": own_key})
    with separate.app_context():
        second = tmp_path / "separate.tabackup"
        assert run(separate, "backup", str(second))[0] == 0
        assert b'"key": "b1"' in second.read_bytes()
        assert run(separate, "restore", "--yes", str(second))[0] == 0


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="the SQLite file's own mode")
def test_a_new_sqlite_database_file_is_its_owners_alone(tmp_path):
    path = tmp_path / "fresh.db"
    old = os.umask(0o022)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with app.app_context():
            with app.extensions["sqlalchemy"].engine.begin() as connection:
                connection.execute(text("CREATE TABLE t (x)"))
            app.extensions["sqlalchemy"].engine.dispose()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        path.chmod(0o644)  # made by something else, readable by all: taken back at the next start
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_a_migrated_database_round_trips_with_its_audit_log_protections(migrated_app, tmp_path):
    for n in range(5):
        record(None, "login_failed", ip=f"10.0.0.{n}")
    db_session.commit()
    before = every_table(migrated_app)
    assert "ta_alembic_version" in before and len(before["ta_audit_event"]) == 5
    target = tmp_path / "migrated.tabackup"
    assert run(migrated_app, "backup", str(target))[0] == 0
    record(None, "login_failed")
    db_session.commit()
    code, output = run(migrated_app, "restore", "--yes", str(target))
    assert code == 0, output
    assert every_table(migrated_app) == before
    engine = migrated_app.extensions["sqlalchemy"].engine
    if engine.dialect.name == "postgresql":  # the restored log still refuses changes
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM ta_audit_event"))
    assert run(migrated_app, "audit", "verify")[0] == 0


def test_mounted_in_a_host_the_commands_live_under_the_plugins_group(tmp_path):
    """A host's own `flask backup` is never replaced: the plugin's is `flask therapist-db backup`."""
    host = make_host(f"sqlite:///{tmp_path / 'host.db'}")
    assert "backup" not in host.cli.list_commands(None) and "restore" not in host.cli.list_commands(None)
    runner = host.test_cli_runner()
    assert runner.invoke(args=["therapist-db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["therapist-db", "backup", str(tmp_path / "host.tabackup")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["therapist-db", "restore", "--yes", str(tmp_path / "host.tabackup")])
    assert result.exit_code == 0 and "Audit log: intact" in result.output, result.output


def test_a_malformed_backup_key_is_named_not_a_traceback(app_config, tmp_path):
    broken = create_app({**app_config, "THERAPIST_BACKUP_KEYS": "b1:not-base64!"})
    with broken.app_context():
        code, output = run(broken, "backup", str(tmp_path / "x.tabackup"))
    assert code == 1 and "THERAPIST_BACKUP_KEYS: backup key 'b1' is not valid base64" in output
    assert list(tmp_path.glob("*.tabackup")) == [] and list(tmp_path.glob(".*partial*")) == []
