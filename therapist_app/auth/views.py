"""Signing in and out, and accepting an invitation."""
import time

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..errors import RuleError
from ..extensions import limiter
from ..extensions import session as db_session
from ..security.audit import record
from ..security.redirects import safe_next
from ..security.sessions import EXPIRED_USER_KEY, LAST_SEEN_KEY, STARTED_KEY, signed_in_user, wants_json
from ..services import accounts, invitations, pending_saves
from .forms import LoginForm, SetPasswordForm

bp = Blueprint("ta_auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _home_for(user) -> str:
    endpoint = {"client": "ta_client.homework", "counselor": "ta_counselor.dashboard", "admin": "ta_admin.counselors"}
    return url_for(endpoint[user.role])


def _start_session(user) -> None:
    session.pop(EXPIRED_USER_KEY, None)
    login_user(user)
    session[LAST_SEEN_KEY] = session[STARTED_KEY] = time.time()
    session.permanent = True
    record(user.id, "login", user, request.remote_addr)
    db_session.commit()


@bp.errorhandler(429)
def too_many_attempts(error):
    """Rate-limited sign-ins: the same words whether or not the account exists."""
    message = "Too many sign-in attempts. Please wait a minute, then try again."
    if wants_json():
        return jsonify(ok=False, message=message), 429
    form = LoginForm(formdata=None)
    form.password.errors = [message]
    return render_template("therapist_app/auth/login.html", form=form), 429


@bp.get("/home")
def home():
    user = signed_in_user()
    return redirect(_home_for(user) if user else url_for("ta_auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    if form.validate_on_submit():
        user = accounts.authenticate(form.login.data, form.password.data)
        if user is not None:
            _start_session(user)
            if pending_saves.apply_for(user):
                flash("What you typed before you were signed out has been saved.", "success")
            return redirect(safe_next(form.next.data) or _home_for(user))
        record(None, "login_failed", None, request.remote_addr)
        db_session.commit()
        form.password.errors.append(accounts.WRONG_CREDENTIALS)
    return render_template("therapist_app/auth/login.html", form=form)


@bp.post("/login.json")
@limiter.limit(_login_limit)
def login_json():
    """Signs in again in place, for a page whose session ended while the partner was typing."""
    data = request.get_json(silent=True) or {}
    user = accounts.authenticate(str(data.get("login", "")), str(data.get("password", "")))
    if user is None:
        record(None, "login_failed", None, request.remote_addr)
        db_session.commit()
        return jsonify(ok=False, message=accounts.WRONG_CREDENTIALS), 401
    _start_session(user)
    return jsonify(ok=True, csrf_token=generate_csrf())


@bp.get("/session/csrf")
def csrf_token():
    """A fresh CSRF token for a page whose session cookie ended; readable only by our own pages."""
    return jsonify(csrf_token=generate_csrf())


@bp.post("/logout")
def logout():
    user = signed_in_user()
    if user is not None:
        accounts.end_all_sessions(user)
        record(user.id, "logout", user, request.remote_addr)
        db_session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "info")
    return redirect(url_for("ta_auth.login"))


@bp.route("/welcome/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def accept_invitation(token):
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
            _start_session(user)
            flash("Your password is set. Welcome.", "success")
            return redirect(_home_for(user))
    return render_template("therapist_app/auth/set_password.html", form=form, person=invitation.user)
