"""Signing in and out, and accepting an invitation."""
import time

from flask import (current_app, flash, jsonify, make_response, redirect, render_template, request,
                   session, url_for)
from flask_wtf.csrf import generate_csrf

from ..errors import RuleError
from ..extensions import RATE_LIMITED, limiter
from ..negotiation import wants_json
from ..roles import role_of
from ..security import host_bridge, identity
from ..security.identity import EXPIRED_USER_KEY, signed_in_user
from ..security.idle import page_owner
from ..security.redirects import safe_next
from ..security.signed_out import signed_out_json
from ..services import accounts, invitations, pending_saves, two_factor
from ..services.login_throttle import LockedOut, wait_words
from .forms import LoginForm, SetPasswordForm
from .layouts import page_for
from . import bp



def _login_limit() -> str:
    return current_app.config["THERAPIST_LOGIN_RATE_LIMIT"]


def _failed(response) -> bool:
    """Only failures use up the per-address limit: a practice signing in all morning never does."""
    return not (response.status_code in (302, 303) or (response.status_code == 200 and response.is_json))


# One bucket per address for every password form, so that tries cannot be spread over them.
# Successful sign-ins do not count; every request for a reset email does (its answer never says).
def sign_in_limit(limit):
    """`limit`, marked on the view, so that the limiter looks for limits on these views alone."""
    def decorate(view):
        limited = limit(view)
        setattr(limited, RATE_LIMITED, True)
        return limited
    return decorate


failed_attempt_limit = sign_in_limit(
    limiter.shared_limit(_login_limit, scope="ta-sign-in", methods=["POST"], deduct_when=_failed))
attempt_limit = sign_in_limit(limiter.shared_limit(_login_limit, scope="ta-sign-in", methods=["POST"]))


def home_for(user) -> str:
    return url_for(role_of(user).home_endpoint)


SOMEONE_ELSE = ("This page belongs to someone else's session. To sign in as yourself, sign out first: "
                "nothing of theirs will be saved into your account.")


def _is_someone_else(user, page_owner_token=None) -> bool:
    """Signing in again after an idle sign-out accepts only the person who was signed in (the page's
    owner): on a shared phone, another account must never pick up their page or their typing."""
    expected = {session.get(EXPIRED_USER_KEY)}
    if page_owner_token:
        expected.add(page_owner(page_owner_token) or -1)
    return any(owner is not None and owner != user.id for owner in expected)


CODE_NEEDED = "Please also enter the 6-digit code from your authenticator app."
STAFF_SIGN_IN_ELSEWHERE = ("Practice staff open these pages from the practice's own app, "
                           "signed in there. This sign-in is for partners.")


def _start_session(user, own_device: bool | None = None) -> None:
    identity.sign_in(user, own_device=own_device)
    accounts.signed_in(user, request.remote_addr)


# A password was right and a second step is due: who, which session version, when, and where next.
SECOND_STEP_KEY = "ta_second_step"
SECOND_STEP_SECONDS = 300


def after_password(user, next_path: str | None, own_device: bool = False):
    """The password was right: a counselor or admin with two-factor sign-in gives a code next (or
    sets it up, where the practice requires it); anyone else is signed in."""
    if two_factor.is_enabled(user) or two_factor.must_enrol(user):
        begin_second_step(user, next_path, own_device)
        return redirect(url_for(".second_step" if two_factor.is_enabled(user) else ".two_factor_setup"))
    return finish_sign_in(user, next_path, own_device)


def begin_second_step(user, next_path: str | None, own_device: bool = False) -> None:
    """Remembers, for five minutes, whose second step (a code, or setting up the app) comes next."""
    session[SECOND_STEP_KEY] = {"user": user.id, "version": user.session_version, "at": time.time(),
                                "next": next_path, "own_device": own_device}


def finish_sign_in(user, next_path: str | None, own_device: bool | None = None):
    pending = session.pop(SECOND_STEP_KEY, None) or {}
    _start_session(user, own_device if own_device is not None else bool(pending.get("own_device")))
    replayed = pending_saves.apply_for(user)
    if replayed.saved:
        flash("What you typed before you were signed out has been saved.", "success")
    if replayed.met_newer:
        flash("Some of what you typed before you were signed out was older than answers you saved since "
              "(perhaps on another device). The newer answers are kept as they are.", "info")
    return redirect(next_path or home_for(user))


def _too_many(message: str, seconds: int):
    """Rate-limited or locked: the same words whether or not the account exists."""
    if wants_json():
        response = jsonify(ok=False, message=message)
    elif request.endpoint == "ta_auth.login":
        form = LoginForm(formdata=None)
        form.login.data, form.next.data = request.form.get("login"), safe_next(request.form.get("next"))
        form.password.errors = [message]
        response = make_response(render_template("therapist_app/auth/login.html", form=form))
    else:
        response = make_response(render_template("therapist_app/auth/wait.html", message=message))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.errorhandler(429)
def too_many_attempts(error):
    current = limiter.current_limit
    seconds = max(1, int(current.reset_at - time.time())) if current else 60
    return _too_many(f"Too many sign-in attempts from this network. Please wait {wait_words(seconds)}, then try again.",
                     seconds)


@bp.errorhandler(LockedOut)
def account_locked(error):
    return _too_many(error.message, error.retry_after)


@bp.get("/home")
def home():
    user = signed_in_user()
    return redirect(home_for(user) if user else url_for("ta_auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@failed_attempt_limit
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data)
        except accounts.AccountDeactivated as closed:
            form.password.errors.append(closed.message)
            return render_template("therapist_app/auth/login.html", form=form), 403
        if user is not None and _is_someone_else(user):
            return render_template("therapist_app/auth/login.html", form=form, someone_else=SOMEONE_ELSE), 403
        if user is not None and not identity.password_sign_in_allowed(user):
            form.password.errors.append(STAFF_SIGN_IN_ELSEWHERE)
            return render_template("therapist_app/auth/login.html", form=form), 403
        if user is not None:
            return after_password(user, safe_next(form.next.data), bool(form.own_device.data))
        form.password.errors.append(accounts.WRONG_CREDENTIALS)
    return render_template("therapist_app/auth/login.html", form=form)


@bp.post("/login.json")
@failed_attempt_limit
def login_json():
    """Signs in again in place, for a page whose session ended while the partner was typing."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):  # a list, a number or no JSON at all: simply not a sign-in
        data = {}
    try:
        user = accounts.authenticate(str(data.get("login", "")), str(data.get("password", "")))
    except accounts.AccountDeactivated as closed:
        return jsonify(ok=False, error="account_closed", message=closed.message), 403
    if user is None:
        return jsonify(ok=False, message=accounts.WRONG_CREDENTIALS), 401
    if _is_someone_else(user, data.get("owner")):
        return jsonify(ok=False, error="someone_else", message=SOMEONE_ELSE), 403
    if not identity.password_sign_in_allowed(user):
        return jsonify(ok=False, error="staff", message=STAFF_SIGN_IN_ELSEWHERE), 403
    if two_factor.is_enabled(user) and not two_factor.check_code(user, str(data.get("code", ""))):
        # The dialog then shows its code box; a wrong code counts as a failed attempt.
        return jsonify(ok=False, error="code_needed", message=CODE_NEEDED if not data.get("code")
                       else two_factor.WRONG_CODE), 401
    if two_factor.must_enrol(user):
        return jsonify(ok=False, error="staff", message="Please sign in on the sign-in page to set up your "
                                                       "authenticator app."), 403
    _start_session(user)
    return jsonify(ok=True, csrf_token=generate_csrf())


@bp.get("/session/alive")
def session_alive():
    """Whether this browser is still signed in: pages ask before posting a form, so that a form typed
    through an idle sign-out asks for the password in place instead of losing its text."""
    if signed_in_user() is None:
        return signed_out_json(expired=False)
    return jsonify(ok=True)


@bp.get("/session/csrf")
def csrf_token():
    """A fresh CSRF token for a page whose session cookie ended; readable only by our own pages."""
    return jsonify(csrf_token=generate_csrf())


@bp.post("/logout")
def logout():
    user = signed_in_user()
    via_host = identity.signed_in_via_host()
    if user is not None:
        accounts.sign_out(user, request.remote_addr)
    identity.sign_out()
    identity.end_browser_session()
    flash("You have signed out, here and on any other device where you were signed in." if user is not None
          else "You have signed out.", "info")
    if via_host:  # staff leave the therapy pages, not the practice app (unless it asked for both)
        return redirect(host_bridge.host_login_url(None) or "/")
    return redirect(url_for("ta_auth.login"))


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@failed_attempt_limit
def accept_invitation(token):
    page_for(invitations.invitee_of(token))
    try:
        invitation = invitations.open_invitation(token)
    except RuleError as error:
        return render_template("therapist_app/auth/invitation_unusable.html", message=error.message), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, form.password.data)
        except RuleError as error:
            if error.field == "password":
                form.password.errors.append(error.message)
            else:
                return render_template("therapist_app/auth/invitation_unusable.html", message=error.message), 410
        else:
            if not identity.password_sign_in_allowed(user):
                flash("Your password is set. " + STAFF_SIGN_IN_ELSEWHERE, "success")
                return redirect(url_for(".login"))
            _start_session(user)
            flash("Your password is set. Welcome.", "success")
            return redirect(home_for(user))
    return render_template("therapist_app/auth/set_password.html", form=form, person=invitation.user)
