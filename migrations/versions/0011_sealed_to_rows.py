"""sealed to rows: every encrypted value re-encrypted with its table, column and row id as associated
data (it was bound to its column only, so a value copied into another row still opened)

Stop every app server and the scheduler before this migration, and start them on the new version
after it: a server still running the old version would write values the new one cannot open.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 16:00:00
"""
from alembic import op
from flask import current_app
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ROW_BOUND = "r1$"
BATCH = 1000
# (table, column, the name used in the associated data): as in the models at this revision.
SEALED = [
    ("ta_appointment", "notes", "appointment.notes"),
    ("ta_assignment", "note", "assignment.note"),
    ("ta_assignment", "agreements", "assignment.agreements"),
    ("ta_assignment_series", "note", "assignment_series.note"),
    ("ta_pending_save", "form", "pending_save.form"),
    ("ta_response", "draft", "response.draft"),
    ("ta_response", "submitted", "response.submitted"),
    ("ta_response", "counselor_comment", "response.comment"),
    ("ta_response", "score", "response.score"),
    ("ta_response", "addenda", "response.addenda"),
    ("ta_response_revision", "content", "response_revision.content"),
    ("ta_session_summary", "draft", "session_summary.draft"),
    ("ta_session_summary", "published", "session_summary.published"),
    ("ta_session_topic", "text", "session_topic.text"),
    ("ta_user", "totp_secret", "user.totp_secret"),
]


def _rewrite(convert):
    keyring = current_app.extensions["therapist_app"].keyring
    connection = op.get_bind()
    for table, column, context in SEALED:
        last_id = 0
        while True:
            rows = connection.execute(sa.text(
                f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND id > :last ORDER BY id LIMIT {BATCH}"
            ), {"last": last_id}).all()
            if not rows:
                break
            for row_id, token in rows:
                new = convert(keyring, token, context, row_id)
                if new != token:
                    connection.execute(sa.text(f"UPDATE {table} SET {column} = :token WHERE id = :id"),
                                       {"token": new, "id": row_id})
            last_id = rows[-1][0]


def _row_bound(token):
    # "r1$<key>$<sealed>" has two dollars, the older "<key>$<sealed>" one (a key may be named "r1").
    return token.startswith(ROW_BOUND) and token.count("$") == 2


def _bind_to_row(keyring, token, context, row_id):
    if _row_bound(token):
        return token
    plaintext = keyring.decrypt(token, context.encode())
    return ROW_BOUND + keyring.encrypt(plaintext, f"{context}#{row_id}".encode())


def _unbind(keyring, token, context, row_id):
    if not _row_bound(token):
        return token
    plaintext = keyring.decrypt(token[len(ROW_BOUND):], f"{context}#{row_id}".encode())
    return keyring.encrypt(plaintext, context.encode())


def upgrade():
    _rewrite(_bind_to_row)


def downgrade():
    _rewrite(_unbind)
