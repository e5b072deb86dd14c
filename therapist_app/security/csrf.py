"""CSRF for the plugin's own pages, without imposing it on a host's.

Standalone, or in a host that runs Flask-WTF's CSRFProtect, the app-wide check covers our posts.
In a host without one, the plugin checks only its own blueprints' posts: the host's forms and APIs
keep working as they did, and no host-wide WTF_* setting changes.
"""
from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFError, generate_csrf, same_origin, validate_csrf
from wtforms import ValidationError

from ..extensions import csrf

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_csrf(app: Flask, standalone: bool) -> None:
    if standalone:
        csrf.init_app(app)
    elif "csrf" not in app.extensions:
        app.extensions["therapist_app"].checks_own_csrf = True
        app.jinja_env.globals.setdefault("csrf_token", generate_csrf)


def protect_plugin_posts():
    """A blueprint hook: the same check CSRFProtect makes, for our own views only. The token lives
    as long as a plugin session may (so a late autosave meets the sign-in check, not a CSRF error)."""
    if not current_app.extensions["therapist_app"].checks_own_csrf or request.method not in UNSAFE_METHODS:
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    token = (request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
             or request.headers.get("X-CSRF-Token"))
    lifetime = int(current_app.config["THERAPIST_ABSOLUTE_SESSION_LIFETIME"].total_seconds())
    try:
        validate_csrf(token, time_limit=lifetime)
    except ValidationError as error:
        raise CSRFError(error.args[0]) from None
    if request.is_secure and not same_origin(request.referrer or "", f"https://{request.host}/"):
        raise CSRFError("The referrer does not match the host.")
