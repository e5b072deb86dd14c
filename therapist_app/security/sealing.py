"""Sealed columns: each value is encrypted (AES-GCM, security/crypto.py) with its table, column and row
id as associated data, so a ciphertext copied into another row, or another column, fails to decrypt,
loudly, instead of showing one person's answers as another's.

A column type alone cannot do this: it sees the value, never the row. So the type only carries
ciphertext (`Sealed` tokens) to and from the database, and mapper events do the sealing:
- loading a row, or a deferred or expired column of it, opens the values with that row's id;
- an update seals the changed values with the row's id;
- an insert writes a placeholder, and seals the values as soon as the database has given the row its
  id, in the same transaction (one extra UPDATE per new row that holds sealed values).
Code always sees plain values; only the database holds tokens. A sealed column is written and read
through whole rows only: a Core statement handing it a plain value is refused by the type, and a select
of the column on its own is refused before it runs.
"""
import json

from sqlalchemy import Text, event, update
from sqlalchemy.orm import Mapper, Session, attributes
from sqlalchemy.types import TypeDecorator

from .crypto import KeyRingError, current_keyring

# Tokens of values sealed to their row start with this (then the key id, "$" and the sealed bytes).
ROW_BOUND = "r1$"
PLACEHOLDER = "pending"


class SealError(KeyRingError):
    """A stored value does not open in its own row and column: copied, tampered with, or a lost key."""


class Sealed(str):
    """A ciphertext on its way to or from the database (never shown to the rest of the code)."""


class EncryptedJSON(TypeDecorator):
    """A JSON value sealed to its row (see the module's notes). `context` names the column in the
    associated data, e.g. "response.draft"; the row id is added to it."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str):
        super().__init__()
        self.context = context

    def process_bind_param(self, value, dialect):
        if value is None or isinstance(value, Sealed):
            return value
        raise TypeError(f"{self.context} is sealed to its row: write it through the ORM, never as a plain value")

    def process_result_value(self, value, dialect):
        return None if value is None else Sealed(value)


def associated_data(context: str, row_id: int) -> bytes:
    return f"{context}#{row_id}".encode()


def seal(value, context: str, row_id: int, keyring=None) -> Sealed:
    plaintext = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    return Sealed(ROW_BOUND + (keyring or current_keyring()).encrypt(plaintext, associated_data(context, row_id)))


def is_row_bound(token: str) -> bool:
    """"r1$<key id>$<sealed>": two dollars (a key id may not hold one; base64 never does). The column-only
    tokens of before had one, and a key could be called "r1", so the prefix alone does not tell."""
    return token.startswith(ROW_BOUND) and token.count("$") == 2


def open_sealed(token: str, context: str, row_id: int, keyring=None):
    if not is_row_bound(token):
        raise SealError(f"{context} of row {row_id} is not sealed to its row (run the migrations)")
    try:
        plaintext = (keyring or current_keyring()).decrypt(token[len(ROW_BOUND):], associated_data(context, row_id))
    except KeyRingError:
        raise
    except Exception:  # cryptography's InvalidTag says nothing more; neither may we (no content here)
        raise SealError(f"{context} of row {row_id} does not open: it was not sealed for this row and column") from None
    return json.loads(plaintext)


_SEALED_BY_MAPPER: dict[Mapper, dict] = {}


def sealed_columns(mapper: Mapper) -> dict[str, EncryptedJSON]:
    """{attribute key: its sealed type} for a mapped class (worked out once per mapper)."""
    found = _SEALED_BY_MAPPER.get(mapper)
    if found is None:
        found = _SEALED_BY_MAPPER[mapper] = {
            key: column.type for key, column in mapper.columns.items() if isinstance(column.type, EncryptedJSON)}
    return found


def _row_id(state) -> int:
    # The identity key, not the dict: a refresh of one column leaves `id` itself unloaded.
    return state.key[1][0] if state.key is not None else state.dict.get("id")


def _open_loaded(state, keys=None) -> None:
    sealed = sealed_columns(state.mapper)
    row_id = _row_id(state)
    for key, kind in sealed.items():
        if keys is not None and key not in keys:
            continue
        value = state.dict.get(key)
        if isinstance(value, Sealed):
            attributes.set_committed_value(state.obj(), key, open_sealed(value, kind.context, row_id))


def _on_load(target, context):
    _open_loaded(attributes.instance_state(target))


def _on_refresh(target, context, attrs):
    _open_loaded(attributes.instance_state(target), set(attrs) if attrs else None)


_PENDING_KEY = "_ta_unsealed"


def _default_of(mapper: Mapper, key: str):
    default = mapper.columns[key].default
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


def _before_insert(mapper, connection, target):
    # The row has no id yet: remember the plain values, write placeholders, seal after the insert.
    # A stash left by an insert that failed and was rolled back still holds the real values.
    left_over = target.__dict__.get(_PENDING_KEY) or {}
    pending = {}
    for key in sealed_columns(mapper):
        value = getattr(target, key)
        if isinstance(value, Sealed) and value == PLACEHOLDER:
            value = left_over.get(key)
        if value is None:
            value = _default_of(mapper, key)
        if value is not None:
            pending[key] = value
            setattr(target, key, Sealed(PLACEHOLDER))
    target.__dict__[_PENDING_KEY] = pending


def _after_insert(mapper, connection, target):
    pending = target.__dict__.pop(_PENDING_KEY, {})
    if not pending:
        return
    sealed = sealed_columns(mapper)
    table = mapper.local_table
    connection.execute(update(table).where(table.c.id == target.id).values(
        {mapper.columns[key].name: seal(value, sealed[key].context, target.id) for key, value in pending.items()}))
    for key, value in pending.items():
        attributes.set_committed_value(target, key, value)


def _before_update(mapper, connection, target):
    pending = {}
    for key, kind in sealed_columns(mapper).items():
        # Without loading what was never loaded: an unloaded column did not change.
        history = attributes.get_history(target, key, passive=attributes.PASSIVE_NO_INITIALIZE)
        if not history.has_changes():
            continue
        value = getattr(target, key)
        pending[key] = value
        setattr(target, key, None if value is None else seal(value, kind.context, target.id))
    target.__dict__[_PENDING_KEY] = pending


def _after_update(mapper, connection, target):
    for key, value in target.__dict__.pop(_PENDING_KEY, {}).items():
        attributes.set_committed_value(target, key, value)


def _refuse_sealed_columns(execute_state):
    """A sealed column selected on its own would arrive as a token that no row opens: refused, loudly."""
    if not execute_state.is_select:
        return
    raw_columns = getattr(execute_state.statement, "_raw_columns", None)
    if raw_columns is not None and not any(isinstance(getattr(c, "type", None), EncryptedJSON) for c in raw_columns):
        return  # the common case, decided without building column descriptions (which cost per query)
    for description in execute_state.statement.column_descriptions:
        # Mapped attributes only: tokens read on purpose from the table itself (key rotation) pass.
        if description.get("entity") is not None and isinstance(description.get("type"), EncryptedJSON):
            raise TypeError(f"{description.get('name')} is sealed to its row: select the whole row "
                            "(with load_only for speed), not the column")


def install(base) -> None:
    """Registers the sealing events for every mapped class of `base` that has sealed columns."""
    if not event.contains(Session, "do_orm_execute", _refuse_sealed_columns):
        event.listen(Session, "do_orm_execute", _refuse_sealed_columns)
    for mapper in base.registry.mappers:
        if not sealed_columns(mapper):
            continue
        cls = mapper.class_
        if event.contains(cls, "load", _on_load):
            continue
        event.listen(cls, "load", _on_load)
        event.listen(cls, "refresh", _on_refresh)
        event.listen(mapper, "before_insert", _before_insert)
        event.listen(mapper, "after_insert", _after_insert)
        event.listen(mapper, "before_update", _before_update)
        event.listen(mapper, "after_update", _after_update)
