"""The demo practice as the page benchmarks use it: its logins, a database seeded with it, and the
sign-in form's CSRF token. Imports nothing of the app, so a bench can load the app from another tree."""
import atexit
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

PARTNER = ("riley@demo.example", "demo-partner-passphrase")
COUNSELOR = ("counselor@demo.example", "demo-counselor-passphrase")
_CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def scratch_folder() -> str:
    """A folder for one bench run's database and files, removed when the run ends, by its end, an
    exception, Ctrl-C or a SIGTERM (`timeout`'s): runs had left their folders behind, the scale bench's
    PostgreSQL 8 GB each, until the disk filled. A SIGKILL still leaves it."""
    folder = tempfile.mkdtemp(prefix="ta-bench-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    # SIGTERM as an exit, so that `finally` blocks (the scale bench stops its PostgreSQL) and atexit run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return folder


def seeded_env(root: Path, workdir: str, base: dict) -> dict:
    """`base` with the app on a new SQLite file in `workdir`, migrated and seeded with the demo practice
    by `root`'s own code; idle limits long enough that no run is signed out."""
    env = {**base, "DATABASE_URL": f"sqlite:///{workdir}/bench.db", "FLASK_APP": "wsgi",
           "THERAPIST_IDLE_MINUTES_CLIENT": "600", "THERAPIST_IDLE_MINUTES_COUNSELOR": "600"}
    flask = str(root / ".venv/bin/flask")
    for command in (["db", "upgrade"], ["demo", "seed"]):
        subprocess.run([flask, *command], cwd=root, env=env, check=True, capture_output=True)
    return env


def csrf_token(page: str) -> str:
    return _CSRF_FIELD.search(page).group(1)
