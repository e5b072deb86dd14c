"""Forms of the couple's portal that are not built from worksheet data."""
from flask_wtf import FlaskForm
from zoneinfo import available_timezones

from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Regexp

from ..validators import TextLimit
from wtforms.widgets import CheckboxInput, ListWidget


class ReviewForm(FlaskForm):
    """The review step: which shared answers to hold back, and the revision that was reviewed."""

    revision = HiddenField(validators=[InputRequired(), Regexp(r"^\d{1,9}$")])
    hold_back = SelectMultipleField(
        "Keep for my counselor only", choices=[], validate_choice=True,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )


class AddendumForm(FlaskForm):
    """Something to add to a sent private check-in; only the counselor reads it."""

    text = TextAreaField("Add something for your counselor", validators=[InputRequired(), TextLimit(2000, "This note")])


class ReadinessForm(FlaskForm):
    """Ready or not yet: the submit button pressed carries the choice."""


TIMEZONES = sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/")))


class PreferencesForm(FlaskForm):
    email_reminders = BooleanField("Email me reminders")
    reminder_hour = SelectField("Preferred time for reminders", coerce=int,
                                choices=[(h, f"{h:02d}:00") for h in range(8, 21)])
    timezone = SelectField("My time zone", choices=[("UTC", "UTC")] + [(z, z.replace("_", " ")) for z in TIMEZONES])
