"""Sign-in, set-password, forgot-password and change-password forms."""
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..form_base import Form
from ..validators import trimmed


class LoginForm(Form):
    login = StringField("Email or sign-in name", validators=[DataRequired("Please enter your email or sign-in name."),
                                                              Length(max=254)],
                        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField("Password", validators=[DataRequired("Please enter your password."), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    own_device = BooleanField("This is my own device: keep me signed in when I close the browser",
                              description="Leave this off on a shared or family device.")
    next = HiddenField()


class SetPasswordForm(Form):
    password = PasswordField(
        "Choose a password", validators=[DataRequired("Please choose a password."), Length(max=200)],
        description="At least 12 characters. A short sentence you will remember works well.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type it once more", validators=[DataRequired("Please type the password once more."),
                                         EqualTo("password", "The two passwords are not the same.")],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(Form):
    email = StringField("Your email address", validators=[DataRequired("Please enter your email address."),
                                                          Email("Please enter an email address like name@example.com."),
                                                          Length(max=254)],
                        filters=[trimmed],
                        render_kw={"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false",
                                   "inputmode": "email"})


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField("Your current password", validators=[DataRequired("Please enter your current password."),
                                                                  Length(max=200)],
                            render_kw={"autocomplete": "current-password"})


class CodeForm(Form):
    code = StringField("Code from your authenticator app, or a recovery code",
                       validators=[DataRequired("Please enter the code.")],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off"})


class ConfirmTwoFactorForm(Form):
    code = StringField("The 6-digit code your app shows now", validators=[DataRequired("Please enter the code.")],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class ActionForm(Form):
    """A button that changes something: only its CSRF token is checked."""
