"""Who is signed in, for how long, and what each role may open. Also the security headers."""
import time
from urllib.parse import urlsplit
from functools import wraps

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from ..models.user import ROLE_ADMIN, ROLE_CLIENT, ROLE_COUNSELOR, User
from ..services import pending_saves
from . import host_bridge, identity
from .identity import EXPIRED_USER_KEY, LAST_SEEN_KEY, STARTED_KEY, keep_cookie_as_chosen, signed_in_user

__all__ = ["EXPIRED_USER_KEY", "LAST_SEEN_KEY", "STARTED_KEY", "signed_in_user"]


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def idle_seconds(user: User) -> int:
    """How long this person's pages may sit unused before they are signed out (the page veils itself then)."""
    return int(_idle_limit(user))


def _idle_limit(user: User):
    key = "THERAPIST_IDLE_TIMEOUT_CLIENT" if user.role == ROLE_CLIENT else "THERAPIST_IDLE_TIMEOUT_COUNSELOR"
    return current_app.config[key].total_seconds()


# Answer posts that may be kept, sealed, after an idle sign-out: the no-JavaScript save, and the
# autosave a page sends as it unloads (`beacon=1`), which no page is left to retry.
KEEPABLE_POSTS = {"ta_client.save_section", "ta_client.autosave"}
# Reached in the same breath as an idle sign-out: they must answer for themselves, not with a 401.
SIGN_IN_ENDPOINTS = {"ta_auth.login", "ta_auth.login_json", "ta_auth.csrf_token", "ta_auth.session_alive",
                     "ta_auth.logout"}


def enforce_idle_timeout():
    """Signs out a session idle for longer than the role allows, or older than the absolute lifetime.
    The CSRF token stays, so that an autosave arriving after the timeout gets a clear 401 rather than
    a CSRF failure, and the page can ask for the password in place."""
    user = signed_in_user()
    if user is None:
        return None
    now = time.time()
    idle_for = now - session.get(LAST_SEEN_KEY, now)
    age = now - session.get(STARTED_KEY, now)
    idle_limit = _idle_limit(user)
    if idle_for <= idle_limit and age <= _absolute_lifetime():
        session[LAST_SEEN_KEY] = now
        keep_cookie_as_chosen()
        return None
    session[EXPIRED_USER_KEY] = user.id
    # Typing through a quiet spell is normal; a cookie past its lifetime, or idle far longer than the
    # limit, is not someone mid-answer, so it may not write anything, even sealed for later.
    within_grace = age <= _absolute_lifetime() and idle_for <= 2 * idle_limit
    if within_grace and _keepable_answer_post():
        pending_saves.keep(user.id, request.view_args["assignment_id"],
                           _int_or_zero(request.args.get("section")), request.form)
    identity.sign_out()
    if request.endpoint in SIGN_IN_ENDPOINTS:
        return None  # signed out now; the sign-in machinery itself carries on
    if request.method == "POST" and not wants_json() and request.endpoint not in KEEPABLE_POSTS:
        return session_ended_page(request.form)
    return _signed_out_response(expired=True)


def _absolute_lifetime() -> float:
    return current_app.config["THERAPIST_ABSOLUTE_SESSION_LIFETIME"].total_seconds()


def _keepable_answer_post() -> bool:
    if request.method != "POST" or request.endpoint not in KEEPABLE_POSTS:
        return False
    return request.endpoint == "ta_client.save_section" or request.args.get("beacon") == "1"


def _signed_out_response(expired: bool):
    if wants_json():
        return jsonify(error="signed_out", message="Your session has ended. Sign in again to save."), 401
    if expired:
        flash("You were signed out after a quiet spell, to keep things private. "
              "Everything you saved is still here.", "info")
    next_path = request.full_path if request.method == "GET" else None
    return redirect(host_bridge.host_login_url(next_path) if host_bridge.paused() else
                    url_for("ta_auth.login", next=next_path))


def refuse_unmapped_staff():
    """Mounted: a host user whom the host does not map to a plugin counselor or admin finds no plugin
    page at all (404), not even the partners' sign-in. One whose plugin identity was paused here (idle,
    signed out of the plugin) is sent to the host's sign-in instead."""
    if signed_in_user() is not None or host_bridge.host_user() is None:
        return None
    if host_bridge.paused() and host_bridge.host_login_url(None):
        return _signed_out_response(expired=False)
    abort(404)


# Posted fields never shown back: secrets, and the machinery of the form.
_NOT_SHOWN_BACK = ("csrf_token", "password", "revision", "action", "next")


def session_ended_page(form, status: int = 401):
    """What a form post meets when its session has ended (signed out while idle, or the cookie gone):
    a calm page that shows the text that was posted, so it can be copied back after signing in."""
    if wants_json():
        return jsonify(error="signed_out", message="Your session has ended. Sign in again to save."), status
    return render_template("therapist_app/errors/session_ended.html", kept=kept_text(form),
                           back=_same_site_referrer()), status


def kept_text(form) -> list[tuple[str, str]]:
    """The free text of a post, to show back to its author: never secrets or the form's machinery."""
    return [(name, value) for name in form for value in form.getlist(name)
            if not name.startswith(_NOT_SHOWN_BACK) and isinstance(value, str) and len(value.strip()) > 2]


def _same_site_referrer() -> str | None:
    """The page the form was on, as a path, if it is one of ours: where to come back after signing in."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def page_owner_token(user: User) -> str:
    """Names, in a signed token, whose page this is, so that signing in again in place accepts only
    that person (a shared phone, a different account)."""
    return URLSafeSerializer(current_app.secret_key, salt="ta-page-owner").dumps(user.id)


def page_owner(token) -> int | None:
    try:
        return URLSafeSerializer(current_app.secret_key, salt="ta-page-owner").loads(str(token))
    except BadSignature:
        return None


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
