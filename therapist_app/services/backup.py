"""Consistent, encrypted copies of the whole database (`flask backup`), and putting one back
(`flask restore`). SQLite through its online backup API (backup_sqlite), PostgreSQL through pg_dump
and pg_restore (backup_postgres); the sealed file format is backup_file. No plaintext copy of the
database is written to disk on the way in or out."""
import base64
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import current_app

from .backup_file import FORMAT, BackupError, Sealer, backup_keyring, opened, plain_stream
from .backup_postgres import pg_dump_into, pg_restore_from
from .backup_sqlite import sqlite_from, sqlite_into


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    key_id: str
    created: str
    size: int


def _destination(path: str, created: datetime) -> Path:
    target = Path(path)
    if target.is_dir():
        target = target / f"therapist-backup-{created.strftime('%Y%m%dT%H%M%SZ')}.tabackup"
    if not target.parent.is_dir():
        raise BackupError(f"The folder {str(target.parent)!r} does not exist.")
    return target


def _private_file(target: Path):
    """A new file beside the target, readable by its owner only (0600 whatever the umask), renamed into
    place once complete: a half-written backup never carries the target's name."""
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    handle = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(handle, 0o600)
    return partial, os.fdopen(handle, "wb")


def backup(path: str) -> BackupInfo:
    """Writes an encrypted backup of the configured database to `path` (a file, or a folder to put a
    dated file in). Returns what was written."""
    engine = current_app.extensions["sqlalchemy"].engine
    kind = engine.dialect.name
    if kind not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {kind}.")
    ring = backup_keyring()
    created = datetime.now(timezone.utc)
    target = _destination(path, created)
    header = {"format": FORMAT, "kind": kind, "key": ring.current_id, "created": created.isoformat(),
              "nonce": base64.b64encode(os.urandom(7)).decode(),
              # pg_dump's custom format is compressed already
              "compression": "zlib" if kind == "sqlite" else "none"}
    partial, out = _private_file(target)
    try:
        with out:
            sealer = Sealer(out, header, ring)
            if kind == "sqlite":
                sqlite_into(engine, sealer)
            else:
                pg_dump_into(engine, sealer)
            sealer.close()
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(target, kind, ring.current_id, header["created"], target.stat().st_size)


def restore(path: str) -> dict:
    """Replaces the configured database with the backup's content. The whole file is opened and
    checked first: a changed or foreign file is refused before anything is touched. Returns its header."""
    engine = current_app.extensions["sqlalchemy"].engine
    ring = backup_keyring()
    try:
        with open(path, "rb") as source:
            header, chunks = opened(source, ring)
            for _ in plain_stream(header, chunks):
                pass
    except FileNotFoundError:
        raise BackupError(f"There is no file {path!r}.") from None
    kind = engine.dialect.name
    if header.get("kind") != kind:
        raise BackupError(f"This is a backup of a {header.get('kind')} database; the configured database is "
                          f"{kind}. Nothing was restored.")
    # Our own pooled connections would hold locks (PostgreSQL) or stale pages (SQLite).
    current_app.extensions["sqlalchemy"].session.remove()
    engine.dispose()
    with open(path, "rb") as source:
        header, chunks = opened(source, ring)
        plain = plain_stream(header, chunks)
        if kind == "sqlite":
            sqlite_from(engine, b"".join(plain))
        else:
            pg_restore_from(engine, plain)
    engine.dispose()
    return header
