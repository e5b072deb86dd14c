"""Forms of the couple's portal that are not built from worksheet data."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget


class ReviewForm(FlaskForm):
    """The review step: which shared answers to hold back, and the revision that was reviewed."""

    revision = HiddenField(validators=[InputRequired()])
    hold_back = SelectMultipleField(
        "Keep for my counselor only", choices=[], validate_choice=True,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )


class ReadinessForm(FlaskForm):
    """Ready or not yet: the submit button pressed carries the choice."""
