"""Forms of the couple's portal that are not built from worksheet data."""
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..form_base import Form
from ..timezones import TimezoneField
from ..validators import TextLimit


class ReviewForm(Form):
    """The review step: which shared answers to hold back, and the revision that was reviewed."""

    revision = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    hold_back = SelectMultipleField(
        "Keep for my counselor only", choices=[], validate_choice=True,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )


class AddendumForm(Form):
    """Something to add to a sent private check-in; only the counselor reads it."""

    text = TextAreaField("Add something for your counselor", validators=[InputRequired(), TextLimit(2000, "This note")])


class ReadinessForm(Form):
    """Ready or not yet: the submit button pressed carries the choice."""


class PreferencesForm(Form):
    # One switch for every email about the portal: "reminders" alone read as if new homework, a summary
    # or a moved appointment would still be emailed with it off (new-user walk).
    email_reminders = BooleanField("Email me about my portal", description=(
        "A short note when there is something new for you, on the day homework is due, the day before an "
        "appointment, and if an appointment moves. With this off you get no email, except the ones you ask "
        "for, such as a new-password link."))
    reminder_hour = SelectField("Preferred time for reminders", coerce=int,
                                choices=[(h, f"{h:02d}:00") for h in range(8, 21)])
    timezone = TimezoneField("My time zone")
