"""sqlite ids never reused: on SQLite, every table whose ids the database gives is rebuilt with
AUTOINCREMENT, so that the id of a deleted row (the newest couple, say) is never given to a new one
while the audit log, sent emails and links still name it. On PostgreSQL nothing changes: its
sequences never hand out an id twice.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# Each table, and the class name the audit log gives its rows (security.audit.record writes
# type(obj).__name__ as object_type). Frozen here: a migration never imports models that may change.
# Not here: the audit tables (their ids come from the chain head, which only moves forward) and
# ta_login_throttle (keyed by a hash, not a number).
TABLES = {
    "ta_practice": "Practice", "ta_user": "User", "ta_couple": "Couple", "ta_appointment": "Appointment",
    "ta_assignment": "Assignment", "ta_assignment_series": "AssignmentSeries", "ta_calendar_feed": "CalendarFeed",
    "ta_invitation": "Invitation", "ta_outbox_message": "OutboxMessage", "ta_pending_save": "PendingSave",
    "ta_response": "Response", "ta_response_revision": "ResponseRevision", "ta_session_summary": "SessionSummary",
    "ta_session_topic": "SessionTopic", "ta_worksheet": "Worksheet", "ta_worksheet_version": "WorksheetVersion",
}


def upgrade():
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return
    # A rebuild copies the table, DROPs the original and renames the copy. With foreign keys on, that
    # DROP would delete every row that refers to it ON DELETE CASCADE. migrations/env.py turns them
    # off for every migration; run another way, this one refuses rather than lose rows.
    if connection.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("foreign keys are on: run this migration with `flask db upgrade`")
    for table in TABLES:
        # Reflected and rebuilt as it is (columns, defaults, indexes, unique and foreign keys, rows),
        # with AUTOINCREMENT added to its id.
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass
    named = _ids_the_log_names(connection)
    for table in TABLES:
        largest = max(connection.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar(),
                      named.get(table, 0))
        _never_below(connection, table, largest)


def _ids_the_log_names(connection) -> dict:
    """The largest id of each table that the audit log mentions. A row deleted before this migration,
    with the largest id of its table, is gone from the table but not from the log: its id must not
    come back either."""
    by_type = {type_name: table for table, type_name in TABLES.items()}
    named = {}
    for object_type, largest in connection.execute(sa.text(
            "SELECT object_type, max(object_id) FROM ta_audit_event "
            "WHERE object_type IS NOT NULL GROUP BY object_type")):
        if object_type in by_type and largest is not None:
            named[by_type[object_type]] = largest
    actors, practices = connection.execute(sa.text(
        "SELECT coalesce(max(actor_id), 0), coalesce(max(practice_id), 0) FROM ta_audit_event")).one()
    named["ta_user"] = max(named.get("ta_user", 0), actors)
    named["ta_practice"] = max(named.get("ta_practice", 0), practices)
    return named


def _never_below(connection, table: str, largest: int) -> None:
    """AUTOINCREMENT gives max(largest id ever used, the table's sqlite_sequence) + 1. The rebuild's
    copy left sqlite_sequence at the largest id still in the table; raise it to `largest`."""
    if not largest:
        return  # nothing was ever given out: the first row gets 1
    updated = connection.execute(sa.text("UPDATE sqlite_sequence SET seq = max(seq, :largest) WHERE name = :table"),
                                 {"largest": largest, "table": table}).rowcount
    if not updated:  # an empty table has no row in sqlite_sequence yet
        connection.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :largest)"),
                           {"table": table, "largest": largest})


def downgrade():
    # Nothing to undo, on purpose. AUTOINCREMENT changes no column, row or constraint, and the code of
    # 0012 works the same with it; taking it away would only let SQLite hand out deleted ids again.
    # (PostgreSQL: the upgrade changed nothing either.)
    pass
