"""The counselor's forms: add a couple, assign homework, pacing, review."""
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.widgets import CheckboxInput, ListWidget

from ..models.couple import STAGES
from wtforms.validators import DataRequired, Email, Length, Optional


class AddCoupleForm(FlaskForm):
    a_name = StringField("First partner's name", validators=[DataRequired("Please enter a name."), Length(max=120)])
    a_email = StringField("First partner's email", validators=[Optional(), Email("Please check this email address."), Length(max=254)],
                          description="Leave empty to invite this partner on paper with a one-time link.")
    b_name = StringField("Second partner's name", validators=[DataRequired("Please enter a name."), Length(max=120)])
    b_email = StringField("Second partner's email", validators=[Optional(), Email("Please check this email address."), Length(max=254)],
                          description="Partners sharing one address: add +1 and +2 before the @.")
    hurt_partner = RadioField(
        "Who was hurt by the betrayal? (optional)",
        choices=[("", "Not set: use wording that fits both"), ("a", "First partner"), ("b", "Second partner")],
        default="", validators=[Optional()],
        description="This picks the wording of exercises that differ for each partner. Partners never see this setting.",
    )


class AssignForm(FlaskForm):
    worksheet = SelectField("Exercise", coerce=int, validators=[DataRequired("Please choose an exercise.")])
    assignee = SelectField("Who completes it", coerce=str, choices=[("both", "Both partners, each their own copy")])
    due_date = DateField("Due date", validators=[Optional()], render_kw={"type": "date"})
    note = TextAreaField("Personal note, shown with the exercise", validators=[Optional(), Length(max=2000)],
                         description="Shown with the exercise in their portal. Not included in emails.")


class PacingForm(FlaskForm):
    stage = SelectField("Current stage", coerce=int, choices=[(n, f"{n} · {name}") for n, name in STAGES.items()])
    hurt_partner = SelectField("Who was hurt", coerce=str, choices=[])
    intimacy_unlocked = BooleanField("Physical-intimacy exercises are unlocked for this couple")
    joint_paused = BooleanField("Pause joint homework (both partners see a neutral “next steps” line)")


class MarkReviewedForm(FlaskForm):
    comment = TextAreaField("A short comment for the partner (optional)", validators=[Optional(), Length(max=1000)])


class SharingForm(FlaskForm):
    """Which questions the partners share with each other on this assignment."""

    shared = SelectMultipleField("Shared with the partner after both submit", choices=[], validate_choice=True,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class AgreementForm(FlaskForm):
    field_id = HiddenField()
    wording = TextAreaField("The couple's agreed wording", validators=[Optional(), Length(max=5000)])


class SearchForm(FlaskForm):
    """The caseload's search by a partner's name (posted: names stay out of URLs and logs)."""

    q = StringField("Search by name", validators=[Optional(), Length(max=120)])
