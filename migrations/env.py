"""Alembic environment for the plugin's tables only (prefix ta_), with their own version table,
so that a host app's migrations and ours never touch each other's tables."""
import logging
import re
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import Table, event

from therapist_app.models import Base

VERSION_TABLE = "ta_alembic_version"

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name.startswith("ta_")
    return True


def render_item(type_, obj, autogen_context):
    """Migrations use plain column types, so they never import application code that may change."""
    if type_ == "type":
        name = type(obj).__name__
        if name == "UTCDateTime":
            return "sa.DateTime(timezone=True)"
        if name == "EncryptedJSON":
            return "sa.Text()"
    return False


# A batch migration on SQLite rebuilds a table as a copy with this prefix (alembic's batch mode).
BATCH_COPY = "_alembic_tmp_"


def _keep_autoincrement(table, connection, **kw):
    """The copy a batch migration makes is built from the table's reflection, and SQLAlchemy does not
    reflect AUTOINCREMENT: without this, any later change to, say, ta_couple would quietly let SQLite
    give a deleted couple's id to a new one again (models/base.py NEVER_REUSE_IDS). A copy of a table
    with AUTOINCREMENT keeps it."""
    if not table.name.startswith(BATCH_COPY):
        return
    original = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                          (table.name[len(BATCH_COPY):],)).scalar()
    if original and re.search(r"\bAUTOINCREMENT\b", original, re.IGNORECASE):
        table.dialect_options["sqlite"]["autoincrement"] = True


def _sequences(connection) -> dict:
    """SQLite's record of the largest id each AUTOINCREMENT table has ever given out."""
    if connection.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first() is None:
        return {}
    return dict(connection.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").all())


def _restore_sequences(connection, largest: dict) -> None:
    for name, seq in largest.items():
        sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                         (name,)).scalar()
        if not (sql and re.search(r"\bAUTOINCREMENT\b", sql, re.IGNORECASE)):
            continue  # the migration dropped the table, or it no longer asks for AUTOINCREMENT
        if not connection.exec_driver_sql("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?",
                                          (seq, name)).rowcount:
            connection.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, seq))


def _keep_sequences(connection):
    """A rebuilt table's record starts again at the largest id still in it, and an id deleted above
    that would be handed out again: so no migration moves a table's record back. Returns alembic's
    on_version_apply callback, which runs at the end of each migration, inside its transaction (on
    SQLite alembic commits each migration on its own)."""
    largest = _sequences(connection)

    def after_each_migration(**_):
        _restore_sequences(connection, largest)
        largest.update(_sequences(connection))
    return after_each_migration


def _check_references(connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration left {len(broken)} broken reference(s), "
                           f"first in table {broken[0][0]}; nothing was changed")


def run_migrations_online():
    engine = current_app.extensions["sqlalchemy"].engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        after_each_migration = []
        if sqlite:
            # A batch migration rebuilds a table: copy, DROP the original, rename. With foreign keys
            # on, that DROP deletes every row that refers to the table ON DELETE CASCADE (a couple's
            # homework and answers). So they are off while migrating, checked after, and on again.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            after_each_migration.append(_keep_sequences(connection))
            # Committed before configure(): alembic would take an open transaction for the caller's
            # and never commit the migrations.
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
            include_object=include_object,
            render_as_batch=sqlite,
            compare_type=True,
            render_item=render_item,
            on_version_apply=after_each_migration,
        )
        try:
            if sqlite:  # for this run's batch rebuilds only: see _keep_autoincrement
                event.listen(Table, "before_create", _keep_autoincrement)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_references(connection)
        finally:
            if sqlite:
                event.remove(Table, "before_create", _keep_autoincrement)
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `flask db upgrade` against a database.")
run_migrations_online()
