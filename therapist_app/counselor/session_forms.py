"""The counselor's forms for sessions, notes, summaries and their own settings."""
from wtforms import (BooleanField, DateField, IntegerField, RadioField, SelectMultipleField, StringField,
                     TextAreaField, TimeField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..form_base import Form
from ..models.appointment import MODES
from ..timezones import TimezoneField


class SessionForm(Form):
    day = DateField("Date", validators=[InputRequired("Please choose a date.")], render_kw={"type": "date"})
    start_time = TimeField("Start time", validators=[InputRequired("Please choose a start time.")])
    duration_minutes = IntegerField("Length in minutes", default=50,
                                    validators=[InputRequired("Please enter the length in minutes."),
                                                NumberRange(10, 480, "A session lasts between 10 and 480 minutes.")])
    mode = RadioField("Where", choices=list(MODES.items()), default="in_person")
    video_link = StringField("Video link (for a video session)", validators=[Optional(), Length(max=500)],
                             description="The couple sees it with their next session and in their calendar file.")


class NotesForm(Form):
    worked_on = TextAreaField("What we worked on", validators=[Optional(), Length(max=20000)])
    observations = TextAreaField("Observations", validators=[Optional(), Length(max=20000)])
    plan = TextAreaField("Plan", validators=[Optional(), Length(max=20000)])


class SummaryForm(Form):
    per_partner = BooleanField("Write a separate summary for each partner")
    worked_on = TextAreaField("What we worked on", validators=[Optional(), Length(max=5000)],
                              description="In your words, for both partners. Your session notes are never copied here.")
    note = TextAreaField("A short note", validators=[Optional(), Length(max=5000)])
    a_worked_on = TextAreaField("What we worked on", validators=[Optional(), Length(max=5000)])
    a_note = TextAreaField("A short note", validators=[Optional(), Length(max=5000)])
    b_worked_on = TextAreaField("What we worked on", validators=[Optional(), Length(max=5000)])
    b_note = TextAreaField("A short note", validators=[Optional(), Length(max=5000)])
    agreements = SelectMultipleField("Agreements and boundaries the couple made", choices=[], validate_choice=True,
                                     widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    extra_agreements = TextAreaField("Other agreements (one per line)", validators=[Optional(), Length(max=5000)])


class CounselorSettingsForm(Form):
    timezone = TimezoneField("My time zone", description="Sessions are scheduled and shown in this time zone.")


class CalendarForm(Form):
    show_names = BooleanField("Show the couple's names in event titles",
                              description="Off: every event is titled “Appointment”. Calendars often sync to "
                                          "phones and shared accounts.")


class ConfirmForm(Form):
    """A bare form: its CSRF token is the confirmation."""
