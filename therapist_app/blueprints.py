"""Registers the audience blueprints under the plugin's URL prefix, with shared hooks."""
from flask import Blueprint, Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from .admin import bp as admin_bp
from .auth import bp as auth_bp
from .client import bp as client_bp
from .client import kept_posts as client_kept_posts
from .counselor import bp as counselor_bp
from .engine.fields import kind_of
from .engine.presentation import describe_condition, help_for, label_for
from .errors import NotFoundError
from .negotiation import wants_json
from .paths import STATIC_DIR, TEMPLATES_DIR
from .roles import ROLE_TABLE, role_of
from .routing import register_converters
from .security.csrf import protect_plugin_posts
from .security.headers import security_headers
from .security.identity import signed_in_user, signed_in_via_host
from .security.idle import enforce_idle_timeout, idle_seconds, page_owner_token, register_kept_posts
from .security.roles import refuse_unmapped_staff
from .security.signed_out import kept_text, session_ended_page

# Each role's blueprint sits where the role table says; the sign-in family sits at the prefix itself.
_ROLE_BLUEPRINTS = {bp.name: bp for bp in (client_bp, counselor_bp, admin_bp)}
AUDIENCES = ((auth_bp, ""),) + tuple((_ROLE_BLUEPRINTS[role.blueprint], role.url_prefix)
                                     for role in ROLE_TABLE.values())


def _not_found(error):
    return render_template("therapist_app/errors/not_found.html"), 404


def _too_large(error):
    message = ("That was more than can be sent in one go. Nothing was saved from it. If it was an answer, "
               "please split it into shorter parts; what you typed is still on your screen.")
    if wants_json():
        return jsonify(ok=False, error="too_large", message=message), 413
    return render_template("therapist_app/errors/too_large.html", message=message), 413


def _csrf_failed(error):
    """A missing or stale CSRF token: the session cookie ended, or the page predates a sign-in. Never
    the raw 400: a calm page with what was posted, to copy back."""
    if wants_json():
        return jsonify(ok=False, error="csrf", message="This page needs refreshing before it can save."), 400
    if signed_in_user() is not None:
        return render_template("therapist_app/errors/page_out_of_date.html",
                               kept=kept_text(request.form)), 400
    return session_ended_page(request.form, status=400)


def _limit_request_size(endpoint, values):
    """Caps this request's body before anything reads it (CSRF protection reads the form in the app's
    own before_request, which runs after this). Per request, so a host app's own limit stays its own."""
    request.max_content_length = current_app.config["THERAPIST_MAX_REQUEST_BYTES"]


def _server_error(error):
    # The details go to the server log by Flask; the person sees a calm page without them.
    return render_template("therapist_app/errors/server_error.html"), 500


def _identity_for_templates():
    """Templates ask these, never Flask-Login's current_user (which, mounted, is the host's)."""
    return {"ta_user": signed_in_user(), "ta_via_host": signed_in_via_host()}


# Hooks are attached once, at import: a blueprint may be registered on many apps (tests, hosts).
register_kept_posts(client_kept_posts.WHEN, client_kept_posts.keep)
for _bp, _ in AUDIENCES:
    _bp.url_value_preprocessor(_limit_request_size)
    _bp.before_request(refuse_unmapped_staff)  # first: to unmapped staff, no plugin page exists at all
    _bp.before_request(protect_plugin_posts)
    _bp.before_request(enforce_idle_timeout)
    _bp.context_processor(_identity_for_templates)
    _bp.after_request(security_headers)
    _bp.register_error_handler(NotFoundError, _not_found)
    _bp.register_error_handler(404, _not_found)
    _bp.register_error_handler(413, _too_large)
    _bp.register_error_handler(CSRFError, _csrf_failed)
    _bp.register_error_handler(500, _server_error)


def register_blueprints(app: Flask, url_prefix: str) -> None:
    # Role-specific wording of questions, the same in pages and PDFs, and each question's field kind
    # (its widget, what the builder edits), so no template names a field type (names prefixed for hosts).
    app.jinja_env.globals.update(ta_label=label_for, ta_help=help_for, ta_condition=describe_condition,
                                 ta_field_kind=kind_of, ta_page_owner=page_owner_token,
                                 ta_idle_seconds=idle_seconds, ta_role=role_of)
    register_converters(app)
    assets = Blueprint("ta_assets", __name__, static_folder=STATIC_DIR, static_url_path="/static",
                       template_folder=str(TEMPLATES_DIR))
    app.register_blueprint(assets, url_prefix=url_prefix + "/assets")
    for bp, sub in AUDIENCES:
        app.register_blueprint(bp, url_prefix=(url_prefix + sub) or None)
