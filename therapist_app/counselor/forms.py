"""The counselor's forms: add a couple, assign homework, pacing, review."""
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Email, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..form_base import Form
from ..models.couple import STAGES
from ..services.series import MAX_INTERVAL_WEEKS
from ..validators import limited_text, trimmed


class AddCoupleForm(Form):
    a_name = limited_text(StringField, "First partner's name", 120, [DataRequired("Please enter a name.")])
    a_email = limited_text(StringField, "First partner's email", 254, [Optional(), Email("Please check this email address.")],
                          filters=[trimmed], description="Leave empty to invite this partner on paper with a one-time link.")
    b_name = limited_text(StringField, "Second partner's name", 120, [DataRequired("Please enter a name.")])
    b_email = limited_text(StringField, "Second partner's email", 254, [Optional(), Email("Please check this email address.")],
                          filters=[trimmed], description="Partners sharing one address: add +1 and +2 before the @.")
    hurt_partner = RadioField(
        "Who was hurt by the betrayal? (optional)",
        choices=[("", "Not set: use wording that fits both"), ("a", "First partner"), ("b", "Second partner")],
        default="", validators=[Optional()],
        description=("This picks the wording of exercises that differ for each partner. Partners never see the setting "
                     "itself, but a shared answer is shown under the question its author was asked, so a partner can "
                     "tell from that wording which one you chose."),
    )


class AssignForm(Form):
    worksheet = SelectField("Exercise", coerce=int, validators=[DataRequired("Please choose an exercise.")])
    assignee = SelectField("Who completes it", coerce=str, choices=[("both", "Both partners, each their own copy")])
    due_date = DateField("Due date", validators=[Optional()], render_kw={"type": "date"})
    release = SelectField(
        "When the other partner sees shared answers", coerce=str, default="",
        choices=[("", "As the exercise suggests"), ("when_both_submitted", "As soon as both have submitted"),
                 ("after_review", "Only after I have read them and released them")],
        description="For disclosure work, read the answers first: nothing reaches the other partner until you "
                    "release it, after your session.")
    note = limited_text(TextAreaField, "Personal note, shown with the exercise", 2000, [Optional()],
                         description="Shown with the exercise in their portal. Not included in emails.")
    repeat = SelectField("Repeats", default="suggested", choices=[
        ("suggested", "Suggested: the weekly check-in every week, other exercises once"), ("once", "Once"),
        ("1", "Every week")] + [(str(n), f"Every {n} weeks") for n in range(2, 5)])
    repeat_weekday = SelectField("Due on", coerce=str, default="", choices=[("", "The due date's weekday")] + [
        (str(n), day) for n, day in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                               "Sunday"))])
    repeat_until = DateField("Repeat until (optional)", validators=[Optional()], render_kw={"type": "date"})
    repeat_count = IntegerField("Or a number of times (optional)", validators=[Optional()],
                                description="Without either, it repeats until you stop it on this page.")


class SeriesScheduleForm(Form):
    """When repeating homework is due from the next one on (services.series.change_schedule)."""
    next_due = DateField("Next one due", validators=[DataRequired("Please choose a date.")],
                         render_kw={"type": "date"}, description="Every later one falls on the same weekday.")
    interval_weeks = SelectField("Repeats", coerce=int, choices=[(1, "Every week")] + [
        (n, f"Every {n} weeks") for n in range(2, MAX_INTERVAL_WEEKS + 1)])
    until = DateField("Until (optional)", validators=[Optional()], render_kw={"type": "date"},
                      description="Leave empty to repeat it until you stop it.")


class PacingForm(Form):
    stage = SelectField("Current stage", coerce=int, choices=[(n, f"{n} · {name}") for n, name in STAGES.items()])
    hurt_partner = SelectField("Who was hurt", coerce=str, choices=[])
    intimacy_unlocked = BooleanField("Physical-intimacy exercises are unlocked for this couple")
    joint_paused = BooleanField("Pause joint homework (both partners see a neutral “next steps” line)")


class MarkReviewedForm(Form):
    comment = limited_text(TextAreaField, "A short comment for the partner (optional)", 1000, [Optional()])


class SharingForm(Form):
    """Which questions the partners share with each other on this assignment."""

    shared = SelectMultipleField("Shared with the partner after both submit", choices=[], validate_choice=True,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())



class AgreementForm(Form):
    field_id = HiddenField()
    wording = limited_text(TextAreaField, "The couple's agreed wording", 5000, [Optional()])


class SearchForm(Form):
    """The caseload's search by a partner's name (posted: names stay out of URLs and logs)."""

    q = limited_text(StringField, "Search by name", 120, [Optional()])
