"""therapist_app: homework for couples counseling, as a Flask plugin.

Standalone: `create_app()`. Inside a host practice-management app:
`TherapistApp(app, db=host_db, url_prefix="/therapy", counselor_for=..., admin_for=...)` reuses the
host's db and leaves its LoginManager alone.
"""
import logging
import os
from pathlib import Path

from flask import Flask, redirect, request, url_for
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event

from .extensions import limiter
from .security import audit_chain  # noqa: F401  (every audit event is linked into the chain as it is written)
from .security.csrf import init_csrf
from .security.crypto import KeyRing
from .security.identity import connect_host_signals
from .paths import INSTANCE_DIR, MIGRATIONS_DIR, TEMPLATES_DIR
from .routing import page_a_form_was_posted_from
from .settings import plugin_defaults
from .state import HostCallback, PluginState

log = logging.getLogger(__name__)


class TherapistApp:
    """The plugin. What it needs per app lives in `app.extensions["therapist_app"]` (a PluginState)."""

    def __init__(self, app: Flask | None = None, **options):
        if app is not None:
            self.init_app(app, **options)

    def init_app(self, app: Flask, *, db: SQLAlchemy | None = None, login_manager: LoginManager | None = None,
                 url_prefix: str = "", counselor_for: HostCallback | None = None,
                 admin_for: HostCallback | None = None, host_user=None, sign_out_together: bool = False,
                 _standalone: bool = False) -> None:
        """Mounts the plugin. A host passes its `db`, and maps its signed-in staff to plugin people
        with `counselor_for(host_user)` / `admin_for(host_user)`. `login_manager` is read, never
        changed; the plugin keeps its own people out of it."""
        for key, value in plugin_defaults().items():  # only THERAPIST_*, and only where the host set none
            app.config.setdefault(key, value)
        app.extensions["therapist_app"] = PluginState(
            url_prefix=url_prefix.rstrip("/"), keyring=KeyRing(app.config["THERAPIST_ANSWER_KEYS"]), standalone=_standalone,
            counselor_for=counselor_for, admin_for=admin_for, host_user=host_user, login_manager=login_manager,
            sign_out_together=sign_out_together)

        _init_db(app, db)
        connect_host_signals()
        init_csrf(app, _standalone)
        limiter.init_app(app)

        # Imported here, not at the top, for weight rather than a cycle: importing any therapist_app
        # module (a PDF worker process, Alembic's env.py) runs this file first, and none of those
        # needs every view and command loaded.
        from .blueprints import register_blueprints
        from .cli import register_commands

        register_blueprints(app, url_prefix.rstrip("/"))
        register_commands(app)


def _init_db(app: Flask, db: SQLAlchemy | None) -> None:
    """The host's SQLAlchemy when it has one; our own otherwise. The database's settings (SQLite's
    PRAGMAs, PostgreSQL's planning) only on an engine of our own making: a host's engine is the host's
    to tune."""
    if "sqlalchemy" in app.extensions:
        return
    ours = db is None
    (db or SQLAlchemy()).init_app(app)
    if ours:
        with app.app_context():
            engine = app.extensions["sqlalchemy"].engine
            _DATABASE_SETTINGS.get(engine.dialect.name, lambda _engine: None)(engine)


def configure_sqlite(engine) -> None:
    """SQLite as a real multi-user store: WAL (readers never block the writer), a busy timeout
    instead of "database is locked", and enforced foreign keys. The file is its owner's alone."""
    _private_database_file(engine.url.database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def configure_postgres(engine) -> None:
    """Every statement planned for the values it runs with: psycopg prepares none. It would prepare a
    statement on its sixth run in a transaction, and PostgreSQL may then run it on a generic plan made
    without the values: for the caseload, a plan that expects each counselor to hold a fiftieth of the
    practice and so reads every person in it (bench/scale_bench.py found two such plans at 5,000
    couples). Preparing saved nothing here: psycopg forgets what it prepared at every rollback, so our
    statements were planned on each request already. (Not PostgreSQL's plan_cache_mode: set as a
    connection option it would be refused by PgBouncer and override PGOPTIONS.)"""

    @event.listens_for(engine, "do_connect")
    def _plans_for_the_values(_dialect, _record, _args, params):
        params["prepare_threshold"] = None


_DATABASE_SETTINGS = {"sqlite": configure_sqlite, "postgresql": configure_postgres}


def _private_database_file(database: str | None) -> None:
    """Creates the database file with mode 0600 before SQLite does (SQLite would follow the umask,
    usually 0644, and gives its -wal and -shm files the database file's mode), and takes group and
    other access away from an existing one. Therapy records are no one else's on a shared machine."""
    if database in (None, "", ":memory:") or database.startswith("file:"):
        return
    path = Path(database)
    try:
        if not path.exists():
            if path.parent.is_dir():
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                except FileExistsError:  # another process made it a moment ago, the same way
                    pass
        elif path.stat().st_mode & 0o077:
            path.chmod(path.stat().st_mode & 0o700)
            log.warning("%s was readable by others; it is now readable by its owner only", path)
    except OSError as error:  # not ours to change (another user's file): say so, and carry on
        log.warning("could not make %s private: %s", path, error)


def _development_secrets(app: Flask) -> None:
    """Development only: a secret key and an answer key kept in instance/, made on first run."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    for name, file_name, make in (("SECRET_KEY", "secret_key.txt", lambda: os.urandom(32).hex()),
                                  ("THERAPIST_ANSWER_KEYS", "answer_keys.txt", KeyRing.generate_spec)):
        if app.config.get(name):
            continue
        path = instance / file_name
        if not path.exists():
            path.write_text(make())
            path.chmod(0o600)
        app.config[name] = path.read_text().strip()


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES load balancers, the client address is the one they add to
    X-Forwarded-For (the sign-in limits and the audit log key on it). Standalone only: a host
    app decides for itself how to wrap its wsgi_app, so init_app never does."""
    count = int(app.config.get("TRUSTED_PROXIES") or 0)
    if count > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count)


def create_app(config=None) -> Flask:
    """The standalone app. `config` is a config class, a mapping, or None (FLASK_CONFIG or development)."""
    from .config import CONFIGS, ProductionConfig

    app = Flask(__name__, instance_path=str(INSTANCE_DIR), template_folder=str(TEMPLATES_DIR))
    if config is None:
        config = CONFIGS[os.environ.get("FLASK_CONFIG", "development")]
    if isinstance(config, dict):
        app.config.from_object(CONFIGS["testing"])
        app.config.update(config)
    else:
        app.config.from_object(config)
    if isinstance(config, type) and issubclass(config, ProductionConfig):
        ProductionConfig.check(app.config)
    elif not app.config.get("TESTING"):
        _development_secrets(app)

    from flask_migrate import Migrate

    TherapistApp(app, _standalone=True)
    Migrate(app, app.extensions["sqlalchemy"], directory=str(MIGRATIONS_DIR))
    _trust_proxies(app)

    @app.get("/")
    def index():
        return redirect(url_for("ta_auth.home"))

    _whole_app_hardening(app)
    return app


def _whole_app_hardening(app: Flask) -> None:
    """Standalone, the whole app is ours: the security headers go on every response (the front page,
    the assets, a page that does not exist), and an unknown address gets the calm not-found page."""
    from flask import render_template

    from .security.headers import security_headers

    app.after_request(security_headers)

    @app.errorhandler(404)
    def not_found(error):
        return render_template("therapist_app/errors/not_found.html"), 404

    @app.errorhandler(405)
    def posts_only(error):
        # Reloading a form's refused post from the address bar asked for its action as a page, and got
        # a bare "Method Not Allowed": the page it came from, instead (nothing is sent again).
        page = page_a_form_was_posted_from(request.path) if request.method == "GET" else None
        return redirect(page, 303) if page else (render_template("therapist_app/errors/not_found.html"), 405)
