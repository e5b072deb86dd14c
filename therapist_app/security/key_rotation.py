"""`flask keys rotate`: every sealed value re-encrypted under the newest key, so an old key can be
retired. In batches, each its own short transaction (the app keeps running), and resumable: a batch
only picks values not yet under the newest key, so a stopped run simply goes on where it was."""
from dataclasses import dataclass, field

from sqlalchemy import Text, func, select, type_coerce, update

from ..extensions import session
from ..models import Base
from .crypto import current_keyring
from .sealing import ROW_BOUND, Sealed, SealError, open_sealed, seal, sealed_columns


@dataclass
class Rotation:
    rewritten: int = 0
    batches: int = 0
    finished: bool = True
    per_column: dict[str, int] = field(default_factory=dict)
    # Values that do not open in their own row (copied or tampered with): named by row, left as they are.
    unopenable: list[str] = field(default_factory=list)


def sealed_table_columns():
    """(table, column, context) for every sealed column of every model."""
    for mapper in sorted(Base.registry.mappers, key=lambda m: m.local_table.name):
        for key, kind in sealed_columns(mapper).items():
            yield mapper.local_table, mapper.columns[key], kind.context


def rotate(batch_size: int = 500, max_batches: int | None = None) -> Rotation:
    newest = f"{ROW_BOUND}{current_keyring().current_id}$"
    result = Rotation()
    for table, column, context in sealed_table_columns():
        # A value saved between our read and our write is skipped (it is under the newest key
        # already, unless a server still runs with old settings): a column is passed over until
        # nothing is left to do, at most three times.
        for _ in range(3):
            changed_meanwhile = _rotate_column(table, column, context, newest, batch_size, max_batches, result)
            if not result.finished or not changed_meanwhile:
                break
        if not result.finished:
            return result
    return result


def _rotate_column(table, column, context, newest, batch_size, max_batches, result) -> int:
    name, last_id, changed_meanwhile = f"{table.name}.{column.name}", 0, 0
    while True:
        if max_batches is not None and result.batches >= max_batches:
            result.finished = False
            return changed_meanwhile
        rows = session.execute(
            select(table.c.id, column).where(column.is_not(None), table.c.id > last_id,
                                             ~type_coerce(column, Text).startswith(newest, autoescape=True))
            .order_by(table.c.id).limit(batch_size)
        ).all()
        if not rows:
            return changed_meanwhile
        for row_id, token in rows:
            try:
                renewed = seal(open_sealed(token, context, row_id), context, row_id)
            except SealError:
                if f"{name} #{row_id}" not in result.unopenable:
                    result.unopenable.append(f"{name} #{row_id}")
                continue
            # Only if unchanged since read: never write an older value over a newer save.
            done = session.execute(update(table).where(table.c.id == row_id, column == Sealed(token))
                                   .values({column.name: renewed})).rowcount
            changed_meanwhile += 1 - done
            result.rewritten += done
            result.per_column[name] = result.per_column.get(name, 0) + done
        session.commit()
        result.batches += 1
        last_id = rows[-1][0]


def keys_in_use() -> dict[str, int]:
    """{key id: how many sealed values it still holds}, counted in the database: which keys may go."""
    counts: dict[str, int] = {}
    for table, column, _ in sealed_table_columns():
        text_column = type_coerce(column, Text)
        after_prefix = func.substr(text_column, len(ROW_BOUND) + 1)
        position = (func.strpos(after_prefix, "$") if session.get_bind().dialect.name == "postgresql"
                    else func.instr(after_prefix, "$"))
        key_id = func.substr(after_prefix, 1, position - 1)
        for found, count in session.execute(select(key_id, func.count()).where(column.is_not(None)).group_by(key_id)):
            counts[found] = counts.get(found, 0) + count
    return counts
