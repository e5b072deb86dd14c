"""Registers the audience blueprints under the plugin's URL prefix, with shared hooks."""
from flask import Blueprint, Flask, render_template

from . import TEMPLATES_DIR
from .errors import NotFoundError
from .security.sessions import enforce_idle_timeout, security_headers

STATIC_DIR = __file__.rsplit("/", 1)[0] + "/static"


def _not_found(error):
    return render_template("therapist_app/errors/not_found.html"), 404


def register_blueprints(app: Flask, url_prefix: str) -> None:
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .client.views import bp as client_bp
    from .counselor.views import bp as counselor_bp

    assets = Blueprint("ta_assets", __name__, static_folder=STATIC_DIR, static_url_path="/static",
                       template_folder=str(TEMPLATES_DIR))
    app.register_blueprint(assets, url_prefix=url_prefix + "/assets")
    for bp, sub in ((auth_bp, ""), (client_bp, "/my"), (counselor_bp, "/counselor"), (admin_bp, "/admin")):
        bp.before_request(enforce_idle_timeout)
        bp.after_request(security_headers)
        bp.register_error_handler(NotFoundError, _not_found)
        bp.register_error_handler(404, _not_found)
        app.register_blueprint(bp, url_prefix=(url_prefix + sub) or None)
