"""The plugin's own settings (all THERAPIST_*) and their defaults. A host may set any of them before
init_app; init_app fills in only these, never a host-wide key. Each reads the environment variable
of the same name."""
import os
from datetime import timedelta

from .paths import INSTANCE_DIR, WORKSHEETS_DIR


def _env(name: str, default=None):
    return os.environ.get(name, default)


def _minutes(name: str, default: int) -> timedelta:
    return timedelta(minutes=int(_env(name, default)))


class Defaults:
    # Answers at rest: comma-separated "key_id:base64(32 bytes)"; the first key encrypts.
    THERAPIST_ANSWER_KEYS = _env("THERAPIST_ANSWER_KEYS")

    # Backups (`flask backup`): comma-separated "key_id:base64(32 bytes)" like the answer keys; the first
    # one encrypts, all of them open older backups. Unset: keys derived from the answer keys (HKDF), so a
    # backup opens wherever the answer keys are kept. Set it to keep the two secrets apart.
    THERAPIST_BACKUP_KEYS = _env("THERAPIST_BACKUP_KEYS")
    # Where pg_dump, pg_restore live when they are not on PATH (default: PATH, then the newest
    # /usr/lib/postgresql/*/bin). Their version must be at least the server's.
    THERAPIST_POSTGRES_BIN = _env("THERAPIST_POSTGRES_BIN")

    # However active a session is, it ends this long after signing in; idle limits per role.
    THERAPIST_ABSOLUTE_SESSION_LIFETIME = timedelta(hours=int(_env("THERAPIST_ABSOLUTE_SESSION_HOURS", 12)))
    THERAPIST_IDLE_TIMEOUT_COUNSELOR = _minutes("THERAPIST_IDLE_MINUTES_COUNSELOR", 15)
    THERAPIST_IDLE_TIMEOUT_CLIENT = _minutes("THERAPIST_IDLE_MINUTES_CLIENT", 30)

    # Mail. Without THERAPIST_MAIL_SERVER, messages stay in the outbox and are printed to the console.
    THERAPIST_MAIL_SERVER = _env("THERAPIST_MAIL_SERVER")
    THERAPIST_MAIL_PORT = int(_env("THERAPIST_MAIL_PORT", 587))
    THERAPIST_MAIL_USE_STARTTLS = _env("THERAPIST_MAIL_USE_STARTTLS", "1") == "1"
    THERAPIST_MAIL_USE_TLS = _env("THERAPIST_MAIL_USE_TLS", "0") == "1"
    THERAPIST_MAIL_USERNAME = _env("THERAPIST_MAIL_USERNAME")
    THERAPIST_MAIL_PASSWORD = _env("THERAPIST_MAIL_PASSWORD")
    THERAPIST_MAIL_FROM = _env("THERAPIST_MAIL_FROM", "portal@localhost")
    # After this many failed attempts (with growing waits) an email is marked failed and listed on
    # the admin's "Undelivered email" page, where it can be retried.
    THERAPIST_MAIL_MAX_ATTEMPTS = 6
    # Sent email bodies (which hold invitation and reset links) are emptied this many days later.
    THERAPIST_OUTBOX_PURGE_AFTER_DAYS = int(_env("THERAPIST_OUTBOX_PURGE_AFTER_DAYS", 30))

    # The address in links inside emails (the scheduler has no request to take it from). No default:
    # production refuses to start without it, rather than mail links to somewhere else.
    THERAPIST_PUBLIC_BASE_URL = _env("THERAPIST_PUBLIC_BASE_URL")
    THERAPIST_INVITE_MAX_AGE = timedelta(days=7)
    # "Forgot your password?": how long a reset link works, and how many reset emails an account
    # gets in an hour (more requests get the same answer, and no email).
    THERAPIST_PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    THERAPIST_PASSWORD_RESET_EMAILS_PER_HOUR = 3
    # A reset request is answered after at least this long, whether or not the address exists.
    THERAPIST_PASSWORD_RESET_ANSWER_SECONDS = 0.2

    THERAPIST_WORKSHEETS_DIR = _env("THERAPIST_WORKSHEETS_DIR", str(WORKSHEETS_DIR))
    THERAPIST_PDF_CACHE_DIR = _env("THERAPIST_PDF_CACHE_DIR", str(INSTANCE_DIR / "pdf-cache"))
    # One document may take this long to lay out before its worker is stopped and the counselor told.
    THERAPIST_PDF_RENDER_TIMEOUT_SECONDS = float(_env("THERAPIST_PDF_RENDER_TIMEOUT_SECONDS", "60"))
    # Each new couple starts with both partners' private safety check-in, before any joint homework.
    THERAPIST_ASSIGN_CHECK_IN_ON_NEW_COUPLE = True

    # The largest request body the plugin's pages read (2 MiB): a worksheet import or a section of long
    # answers fits easily; anything larger is refused with 413 before it is parsed.
    THERAPIST_MAX_REQUEST_BYTES = int(_env("THERAPIST_MAX_REQUEST_BYTES", 2 * 1024 * 1024))

    # Failed sign-ins per client address, shared by /login, /login.json, the invitation and password
    # pages (successful ones do not count). Several app servers need a shared RATELIMIT_STORAGE_URI.
    THERAPIST_LOGIN_RATE_LIMIT = _env("THERAPIST_LOGIN_RATE_LIMIT", "30 per minute")
    # Per account, in the database (services.login_throttle): after 5 wrong passwords a lockout of
    # 1 minute, doubling with each further failure, at most 15 minutes; forgotten after a quiet day.
    THERAPIST_LOGIN_LOCKOUT_AFTER = 5
    THERAPIST_LOGIN_LOCKOUT_FIRST = timedelta(minutes=1)
    THERAPIST_LOGIN_LOCKOUT_MAX = timedelta(minutes=15)
    THERAPIST_LOGIN_FAILURES_FORGOTTEN_AFTER = timedelta(days=1)

    THERAPIST_QUICK_EXIT_URL = _env("THERAPIST_QUICK_EXIT_URL", "https://www.google.com/search?q=weather")


def plugin_defaults() -> dict:
    return {key: getattr(Defaults, key) for key in dir(Defaults) if key.startswith("THERAPIST_")}
