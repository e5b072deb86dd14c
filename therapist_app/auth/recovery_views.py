"""Getting back in: "Forgot your password?" by email, and changing a password while signed in."""
from flask import flash, redirect, render_template, request, url_for

from ..errors import RuleError
from ..security import identity
from ..security.identity import signed_in_user
from ..security.roles import any_role_required
from ..services import accounts, password_reset
from .forms import ChangePasswordForm, ForgotPasswordForm, SetPasswordForm
from . import bp
from .layouts import page_for
from .views import attempt_limit, failed_attempt_limit, home_for


@bp.route("/password/forgot", methods=["GET", "POST"])
@attempt_limit
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data, request.remote_addr)
        # The same page whether or not an account uses this address.
        return render_template("therapist_app/auth/reset_sent.html")
    return render_template("therapist_app/auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@failed_attempt_limit
def reset_password(token):
    try:
        page_for(password_reset.open_reset(token))
    except RuleError as error:
        return render_template("therapist_app/auth/invitation_unusable.html", message=error.message), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset_password(token, form.password.data, request.remote_addr)
        except RuleError as error:
            if error.field != "password":
                return render_template("therapist_app/auth/invitation_unusable.html", message=error.message), 410
            form.password.errors.append(error.message)
        else:
            flash("Your new password is set, and you were signed out everywhere. Please sign in with it.",
                  "success")
            return redirect(url_for(".login"))
    return render_template("therapist_app/auth/reset_password.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@any_role_required
@failed_attempt_limit
def change_password():
    user = signed_in_user()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(user, form.current.data, form.password.data, request.remote_addr)
        except RuleError as error:
            getattr(form, error.field or "current").errors.append(error.message)
        else:
            identity.refresh(user)  # this session continues under the new session version; all others ended
            flash("Your password is changed. You were signed out on every other device.", "success")
            return redirect(home_for(user))
    return render_template("therapist_app/auth/change_password.html", form=form, home=home_for(user))
