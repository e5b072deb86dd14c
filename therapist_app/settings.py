"""The plugin's settings and their defaults. A host app may set any of them before init_app."""
import os
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_DIR / "instance"


class Defaults:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Session cookies: hardened; the idle limits are enforced per role in security.sessions.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)  # how long the browser keeps the cookie
    # However active a session is, it ends this long after signing in.
    THERAPIST_ABSOLUTE_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("THERAPIST_ABSOLUTE_SESSION_HOURS", 12)))
    IDLE_TIMEOUT_COUNSELOR = timedelta(minutes=int(os.environ.get("IDLE_MINUTES_COUNSELOR", 15)))
    IDLE_TIMEOUT_CLIENT = timedelta(minutes=int(os.environ.get("IDLE_MINUTES_CLIENT", 30)))

    # The CSRF token lives as long as the session: an autosave after a long pause must reach
    # the login check (401), not fail on a stale token.
    WTF_CSRF_TIME_LIMIT = None

    # Answers at rest: comma-separated "key_id:base64(32 bytes)"; the first key encrypts.
    ANSWER_KEYS = os.environ.get("ANSWER_KEYS")

    # Mail. Without MAIL_SERVER, messages stay in the outbox and are printed to the console.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USE_STARTTLS = os.environ.get("MAIL_USE_STARTTLS", "1") == "1"
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "portal@localhost")
    # After this many failed attempts (with growing waits) an email is marked failed and listed on
    # the admin's "Undelivered email" page, where it can be retried.
    MAIL_MAX_ATTEMPTS = 6
    # Sent email bodies (which hold invitation and reset links) are emptied this many days later.
    OUTBOX_PURGE_AFTER_DAYS = int(os.environ.get("OUTBOX_PURGE_AFTER_DAYS", 30))

    # The address in links inside emails (the scheduler has no request to take it from).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    INVITE_MAX_AGE = timedelta(days=7)
    # "Forgot your password?": how long a reset link works, and how many reset emails an account
    # gets in an hour (more requests get the same answer, and no email).
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    PASSWORD_RESET_EMAILS_PER_HOUR = 3
    # A reset request is answered after at least this long, whether or not the address exists.
    PASSWORD_RESET_ANSWER_SECONDS = 0.2

    WORKSHEETS_DIR = os.environ.get("WORKSHEETS_DIR", str(PROJECT_DIR / "worksheets"))
    PDF_CACHE_DIR = os.environ.get("PDF_CACHE_DIR", str(INSTANCE_DIR / "pdf-cache"))
    PDF_RENDER_TIMEOUT_SECONDS = 60

    # The largest request body the plugin's pages read (2 MiB): a worksheet import or a section of long
    # answers fits easily; anything larger is refused with 413 before it is parsed.
    THERAPIST_MAX_REQUEST_BYTES = int(os.environ.get("THERAPIST_MAX_REQUEST_BYTES", 2 * 1024 * 1024))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    # Failed sign-ins per client address, shared by /login, /login.json, the invitation and password
    # pages (successful ones do not count). Several app servers need a shared RATELIMIT_STORAGE_URI.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "30 per minute")
    # Per account, in the database (services.login_throttle): after 5 wrong passwords a lockout of
    # 1 minute, doubling with each further failure, at most 15 minutes; forgotten after a quiet day.
    LOGIN_LOCKOUT_AFTER = 5
    LOGIN_LOCKOUT_FIRST = timedelta(minutes=1)
    LOGIN_LOCKOUT_MAX = timedelta(minutes=15)
    LOGIN_FAILURES_FORGOTTEN_AFTER = timedelta(days=1)

    QUICK_EXIT_URL = os.environ.get("QUICK_EXIT_URL", "https://www.google.com/search?q=weather")
