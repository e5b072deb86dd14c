"""Backing up and restoring SQLite: its online backup API, with the copy held in memory, never as a
plaintext file."""
import sqlite3
import zlib

from .backup_file import CHUNK, BackupError, Sealer


def _sqlite_path(engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("The database is in memory: there is no file to back up or restore.")
    return database


def sqlite_into(engine, sealer: Sealer) -> None:
    """SQLite's online backup API copies every page in one step under a read lock: a consistent
    snapshot while the app keeps writing. The copy is made in memory, never as a plaintext file."""
    source = sqlite3.connect(_sqlite_path(engine), timeout=30)
    copy = sqlite3.connect(":memory:")
    try:
        source.backup(copy)
        data = copy.serialize()
    finally:
        source.close()
        copy.close()
    deflate = zlib.compressobj(6)
    for start in range(0, len(data), CHUNK):
        sealer.feed(deflate.compress(data[start:start + CHUNK]))
    sealer.feed(deflate.flush())


def sqlite_from(engine, data: bytes) -> None:
    """Opens the copy in memory, checks it, then writes it over the live file with the backup API,
    which replaces every page in one step under the database's write lock."""
    image = bytearray(data)
    if image[:16] == b"SQLite format 3\x00" and image[18:20] == b"\x02\x02":
        # Bytes 18-19 mark a WAL-mode file, which SQLite cannot open in memory; as a rollback-journal
        # image it opens (and the live file keeps its own WAL mode through the backup API).
        image[18:20] = b"\x01\x01"
    copy = sqlite3.connect(":memory:")
    try:
        copy.deserialize(bytes(image))
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"The backup's database is damaged ({verdict}). Nothing was restored.")
        live = sqlite3.connect(_sqlite_path(engine), timeout=30)
        try:
            copy.backup(live)
        finally:
            live.close()
    finally:
        copy.close()
