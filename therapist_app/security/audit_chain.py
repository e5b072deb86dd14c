"""The audit log's hash chain: each event's hash covers its own fields and the hash of the event before
it, so changing or removing any row breaks every link after it. `flask audit verify` walks it."""
import hashlib
import json
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import bindparam, event, select, update

from ..models.audit import GENESIS_HASH, AuditChainHead, AuditEvent
from ..models.base import utcnow

HEAD_ID = 1


def canonical(event_id: int, at, actor_id, practice_id, action, object_type, object_id, ip) -> bytes:
    """The fields a hash covers, in one unambiguous form (a JSON array: no separator can be forged
    inside a value). The moment is UTC with microseconds, as both databases keep it.

    migrations/versions/0010_audit_chain.py keeps its own frozen copy of this for the backfill: change
    this form and the old rows no longer verify, so a new form needs a version of its own."""
    at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)  # SQLite keeps UTC without its zone
    moment = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps([event_id, moment, actor_id, practice_id, action, object_type, object_id, ip],
                      ensure_ascii=False, separators=(",", ":")).encode()


def link_hash(previous_hash: str, fields: bytes) -> str:
    return hashlib.sha256(previous_hash.encode() + b"\n" + fields).hexdigest()


def hash_of(row, previous_hash: str) -> str:
    return link_hash(previous_hash, canonical(row.id, row.at, row.actor_id, row.practice_id, row.action,
                                              row.object_type, row.object_id, row.ip))


# Built once (every audited request runs them). Taking the head reads it in the same statement.
_TAKE_HEAD = (update(AuditChainHead).where(AuditChainHead.id == HEAD_ID).values(last_id=AuditChainHead.last_id)
              .returning(AuditChainHead.last_id, AuditChainHead.last_hash))
_MOVE_HEAD = (update(AuditChainHead).where(AuditChainHead.id == HEAD_ID)
              .values(last_id=bindparam("new_id"), last_hash=bindparam("new_hash")))


def _lock_head(connection) -> tuple[int, str]:
    """Takes the chain head for the rest of this transaction and returns (newest id, its hash).
    The statement is a write, on purpose: on PostgreSQL it locks the head row (a second server
    waits here until the first commits, then reads the head that one left); on SQLite it takes the
    database's one write lock before the head is read (a read first could see a head another
    connection is about to replace, and fork the chain). RETURNING reads it in the same breath."""
    head = connection.execute(_TAKE_HEAD).one_or_none()
    if head is None:  # the first event ever, on a database created without the migration (tests)
        connection.execute(AuditChainHead.__table__.insert().values(id=HEAD_ID, last_id=0, last_hash=GENESIS_HASH))
        return 0, GENESIS_HASH
    return head.last_id, head.last_hash


# The hash is made where the row is written, inside the flush, because only there is the chain head
# locked in the same transaction as the insert: the event's id, its predecessor's hash and the new head
# are then decided together, and whoever appends next waits for this transaction's commit. Computing it
# earlier (in record()) would read a head that another server may move before this row is written.
@event.listens_for(AuditEvent, "before_insert")
def _append_to_chain(mapper, connection, target: AuditEvent) -> None:
    last_id, last_hash = _lock_head(connection)
    if target.at is None:  # the column's default would come after the hash
        target.at = utcnow()
    target.id = last_id + 1
    target.previous_hash = last_hash
    target.row_hash = hash_of(target, last_hash)
    connection.execute(_MOVE_HEAD, {"new_id": target.id, "new_hash": target.row_hash})


@dataclass(frozen=True)
class ChainCheck:
    events: int
    broken_at: int | None = None  # the id of the first event that does not verify
    reason: str = ""
    head_id: int = 0
    head_hash: str = GENESIS_HASH

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.reason


def verify_chain(connection, batch: int = 2000) -> ChainCheck:
    """Walks every event in id order and recomputes each link. Reads in batches by id, so a long log
    needs little memory."""
    table = AuditEvent.__table__
    previous_hash, previous_id, count, after = GENESIS_HASH, 0, 0, 0
    while True:
        rows = connection.execute(select(table).where(table.c.id > after).order_by(table.c.id).limit(batch)).all()
        if not rows:
            break
        for row in rows:
            count += 1
            if row.previous_hash != previous_hash:
                return ChainCheck(count, row.id, f"event {row.id} does not follow event {previous_id or 'none'}: "
                                                 "an event before it was removed, added or changed")
            if hash_of(row, previous_hash) != row.row_hash:
                return ChainCheck(count, row.id, f"event {row.id} was changed after it was written")
            previous_hash, previous_id = row.row_hash, row.id
        after = rows[-1].id
    head = connection.execute(select(AuditChainHead.last_id, AuditChainHead.last_hash)
                              .where(AuditChainHead.id == HEAD_ID)).one_or_none()
    head_id, head_hash = (head.last_id, head.last_hash) if head else (0, GENESIS_HASH)
    if (head_id, head_hash) != (previous_id, previous_hash):
        return ChainCheck(count, None, f"the newest event should be {head_id}, but the log ends at "
                                       f"{previous_id or 'nothing'}: the newest events were removed or the head changed",
                          head_id, head_hash)
    return ChainCheck(count, None, "", previous_id, previous_hash)
