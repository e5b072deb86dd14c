"""a tamper-evident audit log: each event carries the hash of the one before it; the practice it
belongs to; a one-row chain head; on PostgreSQL, triggers that refuse to change or delete events

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 10:00:00
"""
import hashlib
import json
from datetime import timezone

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64


def _canonical(event_id, at, actor_id, practice_id, action, object_type, object_id, ip) -> bytes:
    """A frozen copy of therapist_app.security.audit_chain.canonical as it was at this revision:
    migrations never import application code that may change later."""
    at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    moment = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps([event_id, moment, actor_id, practice_id, action, object_type, object_id, ip],
                      ensure_ascii=False, separators=(",", ":")).encode()


def _link(previous_hash: str, fields: bytes) -> str:
    return hashlib.sha256(previous_hash.encode() + b"\n" + fields).hexdigest()


events = sa.table('ta_audit_event', sa.column('id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
                  sa.column('actor_id', sa.Integer), sa.column('practice_id', sa.Integer),
                  sa.column('action', sa.String), sa.column('object_type', sa.String),
                  sa.column('object_id', sa.Integer), sa.column('ip', sa.String),
                  sa.column('previous_hash', sa.String), sa.column('row_hash', sa.String))
users = sa.table('ta_user', sa.column('id', sa.Integer), sa.column('practice_id', sa.Integer))
head = sa.table('ta_audit_chain_head', sa.column('id', sa.Integer), sa.column('last_id', sa.Integer),
                sa.column('last_hash', sa.String))

APPEND_ONLY = """
CREATE FUNCTION ta_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END $$;
CREATE FUNCTION ta_audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.last_id < OLD.last_id THEN
    RAISE EXCEPTION 'the audit chain head only moves forward: % refused', TG_OP;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ta_audit_event_append_only BEFORE UPDATE OR DELETE ON ta_audit_event
  FOR EACH ROW EXECUTE FUNCTION ta_audit_refuse_change();
CREATE TRIGGER ta_audit_event_no_truncate BEFORE TRUNCATE ON ta_audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION ta_audit_refuse_change();
CREATE TRIGGER ta_audit_chain_head_forward BEFORE UPDATE OR DELETE ON ta_audit_chain_head
  FOR EACH ROW EXECUTE FUNCTION ta_audit_head_forward();
CREATE TRIGGER ta_audit_chain_head_no_truncate BEFORE TRUNCATE ON ta_audit_chain_head
  FOR EACH STATEMENT EXECUTE FUNCTION ta_audit_refuse_change();
"""


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('ta_audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practice_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previous_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
    op.create_table('ta_audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ta_audit_chain_head'))
    )

    _backfill(op.get_bind())

    # Events keep plain ids (no foreign key): deleting a person must not rewrite what the log says they did.
    with op.batch_alter_table('ta_audit_event', schema=None) as batch_op:
        batch_op.drop_constraint('fk_ta_audit_event_actor_id_ta_user', type_='foreignkey')
        batch_op.alter_column('previous_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('row_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_ta_audit_event_row_hash'), ['row_hash'])
        batch_op.create_index('ix_ta_audit_event_practice_at', ['practice_id', 'at'], unique=False)
    if postgres:
        # Ids come from the chain (the newest id + 1, under the head's lock); an insert that bypasses
        # it has no id and fails.
        op.execute("ALTER TABLE ta_audit_event ALTER COLUMN id DROP DEFAULT")
        op.execute("DROP SEQUENCE IF EXISTS ta_audit_event_id_seq")
        op.execute(APPEND_ONLY)


def _backfill(connection) -> None:
    """Links the events already written, oldest first, and files each under its actor's practice (or,
    without an actor, under the practice of the account it was about)."""
    practice_of = dict(connection.execute(sa.select(users.c.id, users.c.practice_id)).all())
    previous_hash, last_id = GENESIS_HASH, 0
    for row in connection.execute(sa.select(events).order_by(events.c.id)).all():
        practice_id = practice_of.get(row.actor_id)
        if practice_id is None and row.object_type == 'User':
            practice_id = practice_of.get(row.object_id)
        elif practice_id is None and row.object_type == 'Practice':
            practice_id = row.object_id
        row_hash = _link(previous_hash, _canonical(row.id, row.at, row.actor_id, practice_id, row.action,
                                                   row.object_type, row.object_id, row.ip))
        connection.execute(events.update().where(events.c.id == row.id)
                           .values(practice_id=practice_id, previous_hash=previous_hash, row_hash=row_hash))
        previous_hash, last_id = row_hash, row.id
    connection.execute(head.insert().values(id=1, last_id=last_id, last_hash=previous_hash))


def downgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:
        op.execute("DROP TRIGGER ta_audit_chain_head_no_truncate ON ta_audit_chain_head")
        op.execute("DROP TRIGGER ta_audit_chain_head_forward ON ta_audit_chain_head")
        op.execute("DROP TRIGGER ta_audit_event_no_truncate ON ta_audit_event")
        op.execute("DROP TRIGGER ta_audit_event_append_only ON ta_audit_event")
        op.execute("DROP FUNCTION ta_audit_head_forward()")
        op.execute("DROP FUNCTION ta_audit_refuse_change()")
        op.execute("CREATE SEQUENCE ta_audit_event_id_seq OWNED BY ta_audit_event.id")
        op.execute("SELECT setval('ta_audit_event_id_seq', COALESCE((SELECT max(id) FROM ta_audit_event), 0) + 1, false)")
        op.execute("ALTER TABLE ta_audit_event ALTER COLUMN id SET DEFAULT nextval('ta_audit_event_id_seq')")
    with op.batch_alter_table('ta_audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_ta_audit_event_practice_at')
        batch_op.drop_constraint(batch_op.f('uq_ta_audit_event_row_hash'), type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('previous_hash')
        batch_op.drop_column('practice_id')
    # Events of people deleted since have no one to point at any more: their actor is left empty.
    op.execute("UPDATE ta_audit_event SET actor_id = NULL WHERE actor_id IS NOT NULL AND actor_id NOT IN "
               "(SELECT id FROM ta_user)")
    with op.batch_alter_table('ta_audit_event', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_ta_audit_event_actor_id_ta_user', 'ta_user', ['actor_id'], ['id'],
                                    ondelete='SET NULL')
    op.drop_table('ta_audit_chain_head')
