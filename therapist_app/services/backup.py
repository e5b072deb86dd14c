"""Consistent, encrypted copies of the whole database (`flask backup`), and putting one back
(`flask restore`). SQLite through its online backup API, PostgreSQL through pg_dump and pg_restore.

The file: a plain header (format, database kind, key id, when), then the dump in sealed chunks of
1 MiB: AES-256-GCM, the header's hash as associated data, and a nonce made of a random prefix, the
chunk's number and a last-chunk flag, so that a changed, reordered, cut or swapped chunk fails to open.
No plaintext copy of the database is written to disk on the way in or out."""
import base64
import hashlib
import json
import os
import shutil
import sqlite3
import struct
# pg_dump and pg_restore run with an argument list of our own, never through a shell.
import subprocess  # nosec B404
import tempfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from glob import glob
from pathlib import Path
from typing import BinaryIO, Iterator

from cryptography.exceptions import InvalidTag
from flask import current_app

from ..security.crypto import KeyRing, KeyRingError

MAGIC = b"THERAPIST-APP-BACKUP\n"
FORMAT = 1
CHUNK = 1 << 20
PURPOSE = "therapist_app backup v1"


class BackupError(RuntimeError):
    """Something a person can act on; the message says what."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    key_id: str
    created: str
    size: int


# ---- keys and the sealed stream ---------------------------------------------------------------

def backup_keyring() -> KeyRing:
    """THERAPIST_BACKUP_KEYS when set; otherwise keys derived from the answer keys."""
    spec = current_app.config.get("THERAPIST_BACKUP_KEYS")
    if not spec:
        return current_app.extensions["therapist_app"].keyring.derived(PURPOSE, what="backup key")
    try:
        return KeyRing(spec, setting="THERAPIST_BACKUP_KEYS", what="backup key")
    except KeyRingError as error:
        raise BackupError(f"THERAPIST_BACKUP_KEYS: {error}.") from None


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class _Sealer:
    """Cuts what it is fed into sealed chunks and writes them out."""

    def __init__(self, out: BinaryIO, header: dict, ring: KeyRing):
        self.out, self.aes = out, ring.keys[ring.current_id]
        self.prefix = base64.b64decode(header["nonce"])
        head = json.dumps(header, sort_keys=True).encode()
        self.header_bytes = MAGIC + struct.pack(">H", len(head)) + head
        self.aad = hashlib.sha256(self.header_bytes).digest()
        self.buffer, self.counter = bytearray(), 0
        out.write(self.header_bytes)

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > CHUNK:  # strictly more: the last chunk is written by close()
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]

    def close(self) -> None:
        self._seal(bytes(self.buffer), last=True)

    def _seal(self, plain: bytes, last: bool) -> None:
        if self.counter >= 2**32:
            raise BackupError("The database is too large for one backup file.")
        sealed = self.aes.encrypt(_nonce(self.prefix, self.counter, last), plain, self.aad)
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1


UNREADABLE = ("This backup cannot be opened: it was changed or cut short after it was written, or it was made "
              "with another backup key. Nothing was restored.")


def _read_header(source: BinaryIO) -> tuple[dict, bytes]:
    magic = source.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupError("This is not a backup made by `flask backup`. Nothing was restored.")
    (length,) = struct.unpack(">H", _exactly(source, 2))
    head = _exactly(source, length)
    try:
        header = json.loads(head)
    except ValueError:
        raise BackupError(UNREADABLE) from None
    if header.get("format") != FORMAT:
        raise BackupError(f"This backup has format {header.get('format')!r}; this version reads format {FORMAT}.")
    return header, magic + struct.pack(">H", length) + head


def _exactly(source: BinaryIO, count: int) -> bytes:
    data = source.read(count)
    if len(data) != count:
        raise BackupError(UNREADABLE)
    return data


def _opened(source: BinaryIO, ring: KeyRing) -> tuple[dict, Iterator[bytes]]:
    """The header, and the plaintext chunks in order; raises BackupError at the first chunk that does
    not open (so a caller that must not act on a bad file reads it all through once first)."""
    header, header_bytes = _read_header(source)
    key_id = header.get("key")
    if key_id not in ring.keys:
        raise BackupError(f"This backup was made with backup key {key_id!r}, which is not configured here "
                          "(THERAPIST_BACKUP_KEYS, or the answer keys it is derived from). Nothing was restored.")
    aes, aad = ring.keys[key_id], hashlib.sha256(header_bytes).digest()
    prefix = base64.b64decode(header["nonce"])

    def chunks() -> Iterator[bytes]:
        counter, pending = 0, _next_sealed(source)
        while pending is not None:
            following = _next_sealed(source)
            try:
                yield aes.decrypt(_nonce(prefix, counter, following is None), pending, aad)
            except InvalidTag:
                raise BackupError(UNREADABLE) from None
            counter, pending = counter + 1, following
        if counter == 0:
            raise BackupError(UNREADABLE)

    return header, chunks()


def _next_sealed(source: BinaryIO) -> bytes | None:
    size = source.read(4)
    if not size:
        return None
    if len(size) != 4:
        raise BackupError(UNREADABLE)
    (length,) = struct.unpack(">I", size)
    if length > CHUNK + 16:
        raise BackupError(UNREADABLE)
    return _exactly(source, length)


def _plain_stream(header: dict, chunks: Iterator[bytes]) -> Iterator[bytes]:
    if header.get("compression") != "zlib":
        yield from chunks
        return
    inflate = zlib.decompressobj()
    for chunk in chunks:
        yield inflate.decompress(chunk)
    yield inflate.flush()
    if not inflate.eof:
        raise BackupError(UNREADABLE)


def read_info(path: str) -> dict:
    """The header of a backup file (what kind of database, which key, when), without opening it."""
    with open(path, "rb") as source:
        return _read_header(source)[0]


# ---- writing ------------------------------------------------------------------------------------

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
            sealer = _Sealer(out, header, ring)
            if kind == "sqlite":
                _sqlite_into(engine, sealer)
            else:
                _pg_dump_into(engine, sealer)
            sealer.close()
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(target, kind, ring.current_id, header["created"], target.stat().st_size)


def _sqlite_path(engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("The database is in memory: there is no file to back up or restore.")
    return database


def _sqlite_into(engine, sealer: _Sealer) -> None:
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


# ---- PostgreSQL tools ---------------------------------------------------------------------------

def _tool(name: str) -> str:
    configured = current_app.config.get("THERAPIST_POSTGRES_BIN")
    candidates = [os.path.join(configured, name)] if configured else []
    found = shutil.which(name)
    candidates += [found] if found else []
    newest_first = sorted(glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    candidates += [os.path.join(folder, name) for folder in newest_first]
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{name} was not found: install PostgreSQL's client tools, or set THERAPIST_POSTGRES_BIN.")


class _Connection:
    """libpq settings for pg_dump/pg_restore: the connection string without the password; the
    password in a temporary passfile (0600), as PostgreSQL advises, never on a command line."""

    def __init__(self, url):
        from psycopg.conninfo import make_conninfo

        params = {key: value for key, value in {"host": url.host, "port": url.port, "user": url.username,
                                                "dbname": url.database}.items() if value}
        params.update({key: str(value) for key, value in url.query.items()})
        self.conninfo = make_conninfo(**params)
        self.password = url.password
        self.folder = None

    def __enter__(self) -> dict:
        env = dict(os.environ)
        env.pop("PGPASSWORD", None)
        env["PGOPTIONS"] = "-c lock_timeout=30s"  # wait at most this long for the app's own locks
        if self.password:
            self.folder = tempfile.mkdtemp(prefix="ta-pg-")
            passfile = os.path.join(self.folder, "pgpass")
            handle = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            escaped = str(self.password).replace("\\", "\\\\").replace(":", "\\:")
            with os.fdopen(handle, "w") as out:
                out.write(f"*:*:*:*:{escaped}\n")
            env["PGPASSFILE"] = passfile
        return env

    def __exit__(self, *exc) -> None:
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def _pg_dump_into(engine, sealer: _Sealer) -> None:
    """pg_dump's custom format, read as it is written: one snapshot, so the copy is consistent while
    the app keeps writing."""
    connection = _Connection(engine.url)
    with connection as env, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # nosec B603
            [_tool("pg_dump"), "--format=custom", f"--dbname={connection.conninfo}"],
            stdout=subprocess.PIPE, stderr=errors, env=env)
        try:
            while block := process.stdout.read(CHUNK):
                sealer.feed(block)
        finally:
            process.stdout.close()
            status = process.wait()
        if status != 0:
            errors.seek(0)
            raise BackupError("pg_dump failed: " + errors.read().decode(errors="replace").strip()[-2000:])


# ---- restoring ----------------------------------------------------------------------------------

def restore(path: str) -> dict:
    """Replaces the configured database with the backup's content. The whole file is opened and
    checked first: a changed or foreign file is refused before anything is touched. Returns its header."""
    engine = current_app.extensions["sqlalchemy"].engine
    ring = backup_keyring()
    try:
        with open(path, "rb") as source:
            header, chunks = _opened(source, ring)
            for _ in _plain_stream(header, chunks):
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
        header, chunks = _opened(source, ring)
        plain = _plain_stream(header, chunks)
        if kind == "sqlite":
            _sqlite_from(engine, b"".join(plain))
        else:
            _pg_restore_from(engine, plain)
    engine.dispose()
    return header


def _sqlite_from(engine, data: bytes) -> None:
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


def _pg_restore_from(engine, plain: Iterator[bytes]) -> None:
    """pg_restore in one transaction: every object of the backup is dropped and made again, or, on any
    error, nothing changes. Owners and grants are not restored (the configured user owns everything)."""
    connection = _Connection(engine.url)
    with connection as env, tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # nosec B603
            [_tool("pg_restore"), "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
             f"--dbname={connection.conninfo}"], stdin=subprocess.PIPE, stderr=errors, env=env)
        try:
            for block in plain:
                process.stdin.write(block)
            process.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped early: its status and message say why
        status = process.wait()
        if status != 0:
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()[-2000:]
            hint = (" Another connection held a lock: stop the app servers and the scheduler, then try again."
                    if "lock timeout" in message else "")
            raise BackupError(f"pg_restore failed, and nothing was changed.{hint} {message}")
