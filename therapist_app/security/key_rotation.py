"""`flask keys rotate`: every sealed value re-encrypted under the newest key, so an old key can be
retired. In batches, each its own short transaction (the app keeps running), and resumable: a batch
only picks values not yet under the newest key, so a stopped run simply goes on where it was."""
from dataclasses import dataclass, field

from sqlalchemy import Text, select, type_coerce, update

from ..extensions import session
from ..models import Base
from .crypto import current_keyring
from .sealing import ROW_BOUND, Sealed, open_sealed, seal, sealed_columns


@dataclass
class Rotation:
    rewritten: int = 0
    batches: int = 0
    finished: bool = True
    per_column: dict[str, int] = field(default_factory=dict)


def sealed_table_columns():
    """(table, column, context) for every sealed column of every model."""
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.local_table.name):
        for key, kind in sealed_columns(mapper).items():
            yield mapper.local_table, mapper.columns[key], kind.context


def rotate(batch_size: int = 500, max_batches: int | None = None) -> Rotation:
    keyring = current_keyring()
    newest = f"{ROW_BOUND}{keyring.current_id}$"
    result = Rotation()
    for table, column, context in sealed_table_columns():
        name = f"{table.name}.{column.name}"
        last_id = 0
        while True:
            if max_batches is not None and result.batches >= max_batches:
                result.finished = False
                return result
            rows = session.execute(
                select(table.c.id, column).where(column.is_not(None), table.c.id > last_id,
                                                 ~type_coerce(column, Text).startswith(newest))
                .order_by(table.c.id).limit(batch_size)
            ).all()
            if not rows:
                break
            for row_id, token in rows:
                renewed = seal(open_sealed(token, context, row_id), context, row_id)
                # Only if unchanged since read: a save made meanwhile is already under the newest key.
                done = session.execute(update(table).where(table.c.id == row_id, column == Sealed(token))
                                       .values({column.name: renewed})).rowcount
                result.rewritten += done
                result.per_column[name] = result.per_column.get(name, 0) + done
            session.commit()
            result.batches += 1
            last_id = rows[-1][0]
    return result


def keys_in_use() -> dict[str, int]:
    """{key id: how many sealed values it still holds}: which keys may be retired."""
    counts: dict[str, int] = {}
    for table, column, _ in sealed_table_columns():
        for (token,) in session.execute(select(column).where(column.is_not(None))):
            key_id = token[len(ROW_BOUND):].partition("$")[0]
            counts[key_id] = counts.get(key_id, 0) + 1
    return counts
