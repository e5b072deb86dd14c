"""Who is signed in, for how long, and what each role may open. Also the security headers."""
import time
from functools import wraps

from flask import abort, current_app, flash, jsonify, redirect, request, session, url_for
from flask_login import current_user, logout_user

from ..models.user import LOGIN_ID_PREFIX, ROLE_ADMIN, ROLE_CLIENT, ROLE_COUNSELOR, User
from ..services import accounts, pending_saves

LAST_SEEN_KEY = "ta_last_seen"
STARTED_KEY = "ta_started"
EXPIRED_USER_KEY = "ta_expired_user"


def load_our_user(user_id: str) -> User | None:
    prefix, _, rest = user_id.partition(":")
    if prefix != LOGIN_ID_PREFIX:
        return None
    try:
        numeric_id, version = (int(part) for part in rest.split(":"))
    except ValueError:
        return None
    return accounts.load_user(numeric_id, version)


def signed_in_user() -> User | None:
    """The current user if it is one of ours (a host's own users never reach our pages)."""
    user = current_user._get_current_object() if current_user else None
    return user if isinstance(user, User) and user.is_authenticated else None


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _idle_limit(user: User):
    key = "IDLE_TIMEOUT_CLIENT" if user.role == ROLE_CLIENT else "IDLE_TIMEOUT_COUNSELOR"
    return current_app.config[key].total_seconds()


def enforce_idle_timeout():
    """Signs out a session idle for longer than the role allows. The CSRF token stays, so that an
    autosave arriving after the timeout gets a clear 401 rather than a CSRF failure."""
    user = signed_in_user()
    if user is None:
        return None
    now = time.time()
    last_seen = session.get(LAST_SEEN_KEY, now)
    started = session.get(STARTED_KEY, now)
    absolute = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if now - last_seen > _idle_limit(user) or now - started > absolute:
        session[EXPIRED_USER_KEY] = user.id
        if request.method == "POST" and request.endpoint == "ta_client.save_section":
            # A long answer typed through the timeout (no JavaScript): keep it for the next sign-in.
            pending_saves.keep(user.id, request.view_args["assignment_id"],
                               _int_or_zero(request.args.get("section")), request.form)
        logout_user()
        session.pop(LAST_SEEN_KEY, None)
        session.pop(STARTED_KEY, None)
        return _signed_out_response(expired=True)
    session[LAST_SEEN_KEY] = now
    session.permanent = True
    return None


def _signed_out_response(expired: bool):
    if wants_json():
        return jsonify(error="signed_out", message="Your session has ended. Sign in again to save."), 401
    if expired:
        flash("You were signed out after a quiet spell, to keep your answers private. "
              "Everything you saved is still here.", "info")
    return redirect(url_for("ta_auth.login", next=request.full_path if request.method == "GET" else None))


def _int_or_zero(text) -> int:
    try:
        return max(int(text), 0)
    except (TypeError, ValueError):
        return 0


def role_required(*roles):
    """The view needs one of our users in one of these roles. Anyone else: sign in, or 404."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = signed_in_user()
            if user is None:
                return _signed_out_response(expired=False)
            if user.role not in roles:
                abort(404)
            return view(*args, **kwargs)
        return wrapped
    return decorator


counselor_required = role_required(ROLE_COUNSELOR)
client_required = role_required(ROLE_CLIENT)
admin_required = role_required(ROLE_ADMIN)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Partners often share a device: nothing with client data may stay in a cache or the back button.
    if not request.path.startswith(current_app.extensions["therapist_app"].url_prefix + "/assets"):
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response
