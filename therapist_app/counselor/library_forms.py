"""Forms of the worksheet library and builder."""
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from ..form_base import Form
from ..services.worksheet_builder import FIELD_TYPE_LABELS
from ..validators import limited_text


ONLY_FOR_LABELS = {"hurt": "Only the partner who was hurt sees this",
                   "involved": "Only the partner who broke trust sees this"}


class DetailsForm(Form):
    title = limited_text(StringField, "Title", 120, [DataRequired("Please give the exercise a title.")])
    purpose = limited_text(TextAreaField, "Purpose, for the couple", 2000, [DataRequired("Please say what it is for.")])
    estimated_minutes = IntegerField("Estimated minutes", validators=[NumberRange(1, 180, "Between 1 and 180 minutes.")])
    stage = SelectField("Stage", coerce=int, choices=[(0, "Any stage"), (1, "1 · Impact and atonement"),
                                                      (2, "2 · Meaning and attunement"), (3, "3 · Moving on and attachment")])

    shared_with_practice = BooleanField("Share with every counselor in the practice")


class FieldForm(Form):
    field_id = HiddenField()
    label = limited_text(StringField, "Question", 300, [DataRequired("Please write the question.")])
    help = limited_text(TextAreaField, "Guidance under the question (optional)", 2000, [Optional()])
    required = BooleanField("An answer is needed")
    sensitive = BooleanField("Sensitive (can never be made required: every question already offers skip and “not ready yet”)")
    shared = BooleanField("Shared with the partner after both submit")
    options = limited_text(TextAreaField, "Choices, one per line", 3000, [Optional()])
    columns = limited_text(TextAreaField, "Columns, one per line (up to 5)", 600, [Optional()])
    min_label = limited_text(StringField, "Label for 0", 120, [Optional()])
    max_label = limited_text(StringField, "Label for 10", 120, [Optional()])


class AddFieldForm(Form):
    type = SelectField("Question type", choices=list(FIELD_TYPE_LABELS.items()))
    section_id = HiddenField()


class AddSectionForm(Form):
    title = limited_text(StringField, "New part's title", 120, [DataRequired("Please give the part a title.")],
                          id="new_part_title")  # the worksheet's own title field is "title" on the same page


class ImportForm(Form):
    questionnaire = FileField("FHIR Questionnaire (JSON)", validators=[
        FileRequired("Please choose a JSON file."), FileAllowed(["json"], "Please choose a .json file.")])
