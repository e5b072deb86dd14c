"""The practice admin's forms."""
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Email, Length


class InviteCounselorForm(FlaskForm):
    display_name = StringField("Name", validators=[DataRequired("Please enter a name."), Length(max=120)])
    email = StringField("Email", validators=[DataRequired("Please enter an email address."),
                                             Email("Please check this email address."), Length(max=254)])


class ConfirmForm(FlaskForm):
    """A bare form: its CSRF token is the confirmation."""
