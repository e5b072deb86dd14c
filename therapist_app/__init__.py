"""therapist_app: homework for couples counseling, as a Flask plugin.

Standalone: `create_app()`. Inside a host practice-management app:
`TherapistApp(app, db=host_db, url_prefix="/therapy")` reuses the host's db and LoginManager.
"""
import logging
import os
from pathlib import Path

from flask import Flask, redirect, url_for
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event

from .extensions import csrf, limiter
from .security.crypto import KeyRing
from .settings import Defaults

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_DIR / "templates"
MIGRATIONS_DIR = PROJECT_DIR / "migrations"

log = logging.getLogger(__name__)


class TherapistApp:
    """The plugin. Holds what it needs per app in `app.extensions["therapist_app"]` (this object)."""

    def __init__(self, app: Flask | None = None, **options):
        self.url_prefix = ""
        self.keyring: KeyRing | None = None
        if app is not None:
            self.init_app(app, **options)

    def init_app(self, app: Flask, *, db: SQLAlchemy | None = None, login_manager: LoginManager | None = None,
                 url_prefix: str = "") -> None:
        for key in dir(Defaults):  # our settings, unless the host set them already
            if key.isupper():
                app.config.setdefault(key, getattr(Defaults, key))
        self.url_prefix = url_prefix.rstrip("/")
        self.keyring = KeyRing(app.config["ANSWER_KEYS"])
        app.extensions["therapist_app"] = self

        if "sqlalchemy" not in app.extensions:
            (db or SQLAlchemy()).init_app(app)
        with app.app_context():
            configure_sqlite(app.extensions["sqlalchemy"].engine)
        _init_login(app, login_manager)
        if "csrf" not in app.extensions:
            csrf.init_app(app)
        limiter.init_app(app)

        from .blueprints import register_blueprints
        register_blueprints(app, self.url_prefix)
        from .cli import register_commands
        register_commands(app)


def configure_sqlite(engine) -> None:
    """SQLite as a real multi-user store: WAL (readers never block the writer), a busy timeout
    instead of "database is locked", and enforced foreign keys."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _init_login(app: Flask, login_manager: LoginManager | None) -> None:
    """Our users live in the same Flask-Login session as a host's, under ids prefixed "ta:"."""
    from .security.sessions import load_our_user

    manager = login_manager or getattr(app, "login_manager", None)
    if manager is None:
        manager = LoginManager()
        manager.init_app(app)
    manager.session_protection = "strong"
    host_loader = manager._user_callback

    def load_user(user_id: str):
        ours = load_our_user(user_id)
        if ours is not None or user_id.startswith("ta:"):
            return ours
        return host_loader(user_id) if host_loader else None

    manager.user_loader(load_user)


def _development_secrets(app: Flask) -> None:
    """Development only: a secret key and an answer key kept in instance/, made on first run."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    for name, make in (("SECRET_KEY", lambda: os.urandom(32).hex()), ("ANSWER_KEYS", KeyRing.generate_spec)):
        if app.config.get(name):
            continue
        path = instance / f"{name.lower()}.txt"
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
    from config import CONFIGS, INSTANCE_DIR, ProductionConfig

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

    TherapistApp(app)
    Migrate(app, app.extensions["sqlalchemy"], directory=str(MIGRATIONS_DIR))
    _trust_proxies(app)

    @app.get("/")
    def index():
        return redirect(url_for("ta_auth.home"))

    return app
