"""The second step of signing in for counselors and admins: a code from an authenticator app, its
setup (where the practice requires it), recovery codes, and the account page to manage it."""
import time

from flask import flash, redirect, render_template, request, session, url_for

from ..extensions import session as db_session
from ..models import User
from ..security.identity import signed_in_user
from ..security.roles import staff_required
from ..services import two_factor
from .forms import ActionForm, CodeForm, ConfirmTwoFactorForm
from . import bp
from .layouts import page_for
from .views import SECOND_STEP_KEY, SECOND_STEP_SECONDS, begin_second_step, failed_attempt_limit, finish_sign_in


def _pending_user() -> User | None:
    """The person whose password was right a moment ago, if that was within five minutes and nothing
    (a sign-out, a password change) ended their sessions since. Their pages wear their layout."""
    pending = session.get(SECOND_STEP_KEY) or {}
    user = db_session.get(User, pending.get("user") or 0)
    if user is None or user.session_version != pending.get("version") or \
            time.time() - pending.get("at", 0) > SECOND_STEP_SECONDS or not user.is_active_account:
        session.pop(SECOND_STEP_KEY, None)
        return None
    page_for(user)
    return user


def _start_again():
    flash("Please sign in again: the second step has to follow the password within five minutes.", "info")
    return redirect(url_for(".login"))


@bp.route("/login/code", methods=["GET", "POST"])
@failed_attempt_limit
def second_step():
    user = _pending_user()
    if user is None:
        return _start_again()
    form = CodeForm()
    if form.validate_on_submit():
        if two_factor.check_code(user, form.code.data):
            return finish_sign_in(user, session[SECOND_STEP_KEY].get("next"))
        form.code.errors.append(two_factor.WRONG_CODE)
        return render_template("therapist_app/auth/second_step.html", form=form), 401
    return render_template("therapist_app/auth/second_step.html", form=form)


@bp.route("/login/two-factor-setup", methods=["GET", "POST"])
@failed_attempt_limit
def two_factor_setup():
    user = _pending_user()
    if user is None:
        return _start_again()
    if two_factor.is_enabled(user):  # a password alone must never set up a new phone
        return redirect(url_for(".second_step"))
    form = ConfirmTwoFactorForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes is not None:
            next_path = session[SECOND_STEP_KEY].get("next")
            finish_sign_in(user, next_path)
            return render_template("therapist_app/auth/recovery_codes.html", codes=codes, next_path=next_path)
        form.code.errors.append(two_factor.WRONG_CODE)
        return render_template("therapist_app/auth/two_factor_setup.html", form=form, secret=user.totp_secret,
                               qr=two_factor.qr_for(user)), 401
    secret, qr = two_factor.start_enrolment(user)
    return render_template("therapist_app/auth/two_factor_setup.html", form=form, secret=secret, qr=qr)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@staff_required
def two_factor_account():
    """Two-factor sign-in for the signed-in counselor or admin: set it up, renew recovery codes, or
    (where the practice does not require it) turn it off."""
    user = signed_in_user()
    form = ActionForm()
    if form.validate_on_submit():
        action = request.form.get("action")
        if action == "setup" and not two_factor.is_enabled(user):
            begin_second_step(user, url_for(".two_factor_account"))
            return redirect(url_for(".two_factor_setup"))
        if action == "renew" and two_factor.is_enabled(user):
            return render_template("therapist_app/auth/recovery_codes.html", codes=two_factor.new_recovery_codes(user),
                                   next_path=url_for(".two_factor_account"))
        if action == "off" and two_factor.is_enabled(user) and not user.practice.require_two_factor:
            two_factor.turn_off(user)
            flash("Two-factor sign-in is off for your account.", "info")
        return redirect(url_for(".two_factor_account"))
    return render_template("therapist_app/auth/two_factor_account.html", enabled=two_factor.is_enabled(user),
                           required=user.practice.require_two_factor, remaining=len(user.recovery_codes or []),
                           form=form)
