"""Choices among the worksheet's options: single choice (radio buttons), multiple choice and
checklist (check boxes)."""
from typing import Literal

from pydantic import Field, model_validator
from wtforms import RadioField, SelectMultipleField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..schema_parts import VISIBILITY_COUNSELOR, FieldBase, Identifier, Label, Strict, require_unique
from .base import FieldKind


class Option(Strict):
    value: Identifier
    label: Label
    # Points for a scored measure (see engine/scoring.py); only read by a worksheet's `scoring` block.
    score: int | None = Field(default=None, ge=0, le=100)


class _Choice(FieldBase):
    options: list[Option] = Field(min_length=2, max_length=30)
    # Answers that alert the counselor (never anyone else); the question must be counselor-only.
    risk_values: list[Identifier] | None = None
    # Answers after which crisis resources appear on the partner's screen at once (self-harm).
    crisis_values: list[Identifier] | None = None

    @model_validator(mode="after")
    def _options_are_consistent(self):
        values = [option.value for option in self.options]
        require_unique(values, "option value")
        for key in ("risk_values", "crisis_values"):
            unknown = set(getattr(self, key) or ()) - set(values)
            if unknown:
                raise ValueError(f"{key} name options that do not exist: {sorted(unknown)}")
        if self.risk_values and self.visibility != VISIBILITY_COUNSELOR:
            raise ValueError("a question with risk_values is counselor-only: a risk answer never reaches the partner")
        return self


class SingleChoice(_Choice):
    type: Literal["single_choice"]


class _Several(_Choice):
    # Options that stand alone ("None of these"): ticked with any other, the answer says two things.
    exclusive_values: list[Identifier] | None = None

    @model_validator(mode="after")
    def _exclusive_options_exist(self):
        unknown = set(self.exclusive_values or ()) - {option.value for option in self.options}
        if unknown:
            raise ValueError(f"exclusive_values name options that do not exist: {sorted(unknown)}")
        return self


class MultiChoice(_Several):
    type: Literal["multi_choice"]


class Checklist(_Several):
    type: Literal["checklist"]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _StandsAlone:
    """Refuses an option that stands alone ("None of these") ticked together with another."""

    def __init__(self, spec):
        self.spec = spec

    def __call__(self, form, field):
        chosen = set(field.data or ())
        alone = chosen & set(self.spec.exclusive_values)
        if alone and len(chosen) > 1:
            name = _option_label(self.spec, sorted(alone)[0])
            raise ValidationError(f"“{name}” can't go with other choices. Please untick one or the other.")


def _option_label(spec, value):
    return next((o.label for o in spec.options if o.value == value), value)


class _ChoiceKind(FieldKind):
    macro = "choices_widget"
    fieldset = True
    fhir_type = "choice"
    has_options = True

    def fhir_item(self, spec):
        return {"answerOption": [{"valueCoding": {"code": o.value, "display": o.label}} for o in spec.options]}


class SingleChoiceKind(_ChoiceKind):
    spec_model = SingleChoice
    label = "Single choice"

    def form_field(self, spec, label):
        return RadioField(label, choices=[(o.value, o.label) for o in spec.options], validators=[Optional()])

    def display(self, value, spec):
        return "" if value is None else _option_label(spec, value)

    def sample_answer(self, spec, text="My answer"):
        return spec.options[0].value

    def possible_answers(self, spec):
        return {o.value for o in spec.options}

    def points(self, value, spec):
        return next((o.score for o in spec.options if o.value == value), None)

    def fhir_answers(self, value, spec):
        return [] if value is None else [{"valueCoding": {"code": value, "display": _option_label(spec, value)}}]

    def from_fhir(self, answers, spec):
        return answers[0]["valueCoding"]["code"] if answers else None

    def accepts(self, value, spec):
        return value in {o.value for o in spec.options}


class MultiChoiceKind(_ChoiceKind):
    fhir_repeats = True

    def __init__(self, spec_model, label):
        self.spec_model, self.label = spec_model, label

    def form_field(self, spec, label):
        return MultiCheckboxField(label, choices=[(o.value, o.label) for o in spec.options],
                                  validators=[_StandsAlone(spec)] if spec.exclusive_values else [])

    def from_form(self, form_field, spec):
        return list(form_field.data) or None

    def sample_answer(self, spec, text="My answer"):
        return [spec.options[0].value]

    def display(self, value, spec):
        return ", ".join(_option_label(spec, v) for v in value or ())

    def fhir_answers(self, value, spec):
        return [{"valueCoding": {"code": v, "display": _option_label(spec, v)}} for v in value or ()]

    def from_fhir(self, answers, spec):
        return [a["valueCoding"]["code"] for a in answers] or None

    def accepts(self, value, spec):
        options = {o.value for o in spec.options}
        alone = set(value) & set(spec.exclusive_values or ()) if all(isinstance(v, str) for v in value) else set()
        return (all(isinstance(v, str) and v in options for v in value) and len(set(value)) == len(value)
                and not (alone and len(value) > 1))


SINGLE_CHOICE = SingleChoiceKind()
MULTI_CHOICE = MultiChoiceKind(MultiChoice, "Multiple choice")
CHECKLIST = MultiChoiceKind(Checklist, "Checklist")
