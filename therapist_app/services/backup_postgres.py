"""Backing up and restoring PostgreSQL: pg_dump and pg_restore, streamed through the sealed file."""
import os
import shutil
# pg_dump and pg_restore run with an argument list of our own, never through a shell.
import subprocess  # nosec B404
import tempfile
from glob import glob
from typing import Iterator

from flask import current_app

from .backup_file import CHUNK, BackupError, Sealer


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


def pg_dump_into(engine, sealer: Sealer) -> None:
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


def pg_restore_from(engine, plain: Iterator[bytes]) -> None:
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
