"""Registers the audience blueprints under the plugin's URL prefix, with shared hooks."""
from flask import Blueprint, Flask, render_template

from . import TEMPLATES_DIR
from .admin.views import bp as admin_bp
from .auth.views import bp as auth_bp
from .client import session_views as client_session_views  # noqa: F401  (topics, next session, summaries)
from .client.views import bp as client_bp
from .counselor import library_views  # noqa: F401  (adds the library routes to the counselor blueprint)
from .counselor import session_views, summary_views  # noqa: F401  (sessions, summaries, settings, calendar)
from .counselor.views import bp as counselor_bp
from .engine.presentation import help_for, label_for
from .errors import NotFoundError
from .security.sessions import enforce_idle_timeout, security_headers

STATIC_DIR = __file__.rsplit("/", 1)[0] + "/static"
AUDIENCES = ((auth_bp, ""), (client_bp, "/my"), (counselor_bp, "/counselor"), (admin_bp, "/admin"))


def _not_found(error):
    return render_template("therapist_app/errors/not_found.html"), 404


def _server_error(error):
    # The details go to the server log by Flask; the person sees a calm page without them.
    return render_template("therapist_app/errors/server_error.html"), 500


# Hooks are attached once, at import: a blueprint may be registered on many apps (tests, hosts).
for _bp, _ in AUDIENCES:
    _bp.before_request(enforce_idle_timeout)
    _bp.after_request(security_headers)
    _bp.register_error_handler(NotFoundError, _not_found)
    _bp.register_error_handler(404, _not_found)
    _bp.register_error_handler(500, _server_error)


def register_blueprints(app: Flask, url_prefix: str) -> None:
    # Role-specific wording of questions, the same in pages and PDFs (names prefixed for hosts).
    app.jinja_env.globals.update(ta_label=label_for, ta_help=help_for)
    assets = Blueprint("ta_assets", __name__, static_folder=STATIC_DIR, static_url_path="/static",
                       template_folder=str(TEMPLATES_DIR))
    app.register_blueprint(assets, url_prefix=url_prefix + "/assets")
    for bp, sub in AUDIENCES:
        app.register_blueprint(bp, url_prefix=(url_prefix + sub) or None)
