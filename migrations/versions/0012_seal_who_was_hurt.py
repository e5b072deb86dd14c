"""seal who was hurt: the couple's hurt partner, each response's answered-as wording and its held-back
field ids are sealed to their row like the answers (none of them is queried; each says something
clinical about a partner)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 17:00:00
"""
import json

from alembic import op
from flask import current_app
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ROW_BOUND = "r1$"
BATCH = 1000
# (table, column, name in the associated data, plain text -> value, value -> plain text)
COLUMNS = [
    ("ta_couple", "hurt_partner_id", "couple.hurt_partner", int, str),
    ("ta_response", "answered_as", "response.answered_as", str, str),
    ("ta_response", "held_back", "response.held_back", json.loads, json.dumps),
]


def _rows(connection, table, column):
    last_id = 0
    while True:
        rows = connection.execute(sa.text(
            f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND id > :last ORDER BY id LIMIT {BATCH}"
        ), {"last": last_id}).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1][0]


def _seal(keyring, value, context, row_id):
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return ROW_BOUND + keyring.encrypt(plaintext, f"{context}#{row_id}".encode())


def _open(keyring, token, context, row_id):
    return json.loads(keyring.decrypt(token[len(ROW_BOUND):], f"{context}#{row_id}".encode()))


def upgrade():
    with op.batch_alter_table('ta_couple', schema=None) as batch_op:
        batch_op.drop_constraint('fk_ta_couple_hurt_partner_id_ta_user', type_='foreignkey')
        batch_op.alter_column('hurt_partner_id', existing_type=sa.Integer(), type_=sa.Text(),
                              existing_nullable=True, postgresql_using='hurt_partner_id::text')
    with op.batch_alter_table('ta_response', schema=None) as batch_op:
        batch_op.alter_column('answered_as', existing_type=sa.String(length=20), type_=sa.Text(),
                              existing_nullable=True)
        batch_op.alter_column('held_back', existing_type=sa.JSON(), type_=sa.Text(), existing_nullable=False,
                              postgresql_using='held_back::text')
    keyring = current_app.extensions["therapist_app"].keyring
    connection = op.get_bind()
    for table, column, context, read, _ in COLUMNS:
        for row_id, plain in _rows(connection, table, column):
            connection.execute(sa.text(f"UPDATE {table} SET {column} = :sealed WHERE id = :id"),
                               {"sealed": _seal(keyring, read(plain), context, row_id), "id": row_id})


def downgrade():
    keyring = current_app.extensions["therapist_app"].keyring
    connection = op.get_bind()
    for table, column, context, _, write in COLUMNS:
        for row_id, token in _rows(connection, table, column):
            connection.execute(sa.text(f"UPDATE {table} SET {column} = :plain WHERE id = :id"),
                               {"plain": write(_open(keyring, token, context, row_id)), "id": row_id})
    with op.batch_alter_table('ta_response', schema=None) as batch_op:
        batch_op.alter_column('held_back', existing_type=sa.Text(), type_=sa.JSON(), existing_nullable=False,
                              postgresql_using='held_back::json')
        batch_op.alter_column('answered_as', existing_type=sa.Text(), type_=sa.String(length=20),
                              existing_nullable=True)
    with op.batch_alter_table('ta_couple', schema=None) as batch_op:
        batch_op.alter_column('hurt_partner_id', existing_type=sa.Text(), type_=sa.Integer(),
                              existing_nullable=True, postgresql_using='hurt_partner_id::integer')
        batch_op.create_foreign_key('fk_ta_couple_hurt_partner_id_ta_user', 'ta_user', ['hurt_partner_id'], ['id'])
