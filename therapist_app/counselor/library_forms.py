"""Forms of the worksheet library and builder."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..services.worksheet_builder import FIELD_TYPE_LABELS


ONLY_FOR_LABELS = {"hurt": "Only the partner who was hurt sees this",
                   "involved": "Only the partner who broke trust sees this"}


class DetailsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Please give the exercise a title."), Length(max=120)])
    purpose = TextAreaField("Purpose, for the couple", validators=[DataRequired("Please say what it is for."),
                                                                  Length(max=2000)])
    estimated_minutes = IntegerField("Estimated minutes", validators=[NumberRange(1, 180, "Between 1 and 180 minutes.")])
    stage = SelectField("Stage", coerce=int, choices=[(0, "Any stage"), (1, "1 · Impact and atonement"),
                                                      (2, "2 · Meaning and attunement"), (3, "3 · Moving on and attachment")])
    shared_with_practice = BooleanField("Share with every counselor in the practice")


class FieldForm(FlaskForm):
    field_id = HiddenField()
    label = StringField("Question", validators=[DataRequired("Please write the question."), Length(max=300)])
    help = TextAreaField("Guidance under the question (optional)", validators=[Optional(), Length(max=2000)])
    required = BooleanField("An answer is needed")
    sensitive = BooleanField("Sensitive (never required; offers skip and “not ready yet”)")
    shared = BooleanField("Shared with the partner after both submit")
    options = TextAreaField("Choices, one per line", validators=[Optional(), Length(max=3000)])
    columns = TextAreaField("Columns, one per line (up to 5)", validators=[Optional(), Length(max=600)])
    min_label = StringField("Label for 0", validators=[Optional(), Length(max=120)])
    max_label = StringField("Label for 10", validators=[Optional(), Length(max=120)])


class AddFieldForm(FlaskForm):
    type = SelectField("Question type", choices=list(FIELD_TYPE_LABELS.items()))
    section_id = HiddenField()


class AddSectionForm(FlaskForm):
    title = StringField("New part's title", validators=[DataRequired("Please give the part a title."), Length(max=120)])


class ImportForm(FlaskForm):
    questionnaire = FileField("FHIR Questionnaire (JSON)", validators=[
        FileRequired("Please choose a JSON file."), FileAllowed(["json"], "Please choose a .json file.")])
