"""The 0–10 scale: one number, with words for each end."""
from typing import Literal

from wtforms import RadioField
from wtforms.validators import Optional

from ..schema_parts import FieldBase, Title
from .base import FieldKind

EXTENSION_BASE = "http://hl7.org/fhir/StructureDefinition/"  # standard minValue / maxValue extensions


class Scale(FieldBase):
    type: Literal["scale"]
    min_label: Title
    max_label: Title
    metric: Literal["trust", "safety", "communication", "closeness"] | None = None


class ScaleKind(FieldKind):
    spec_model = Scale
    label = "0–10 scale"
    macro = "scale_widget"
    fieldset = True
    fhir_type = "integer"
    numeric = True
    has_scale_labels = True

    def form_field(self, spec, label):
        return RadioField(
            label, choices=[(n, str(n)) for n in range(11)], coerce=int, validators=[Optional()],
            validate_choice=True,
        )

    def from_form(self, form_field, spec):
        return form_field.data if isinstance(form_field.data, int) else None

    def display(self, value, spec):
        return "" if value is None else f"{value} / 10"

    def sample_answer(self, spec, text="My answer"):
        return 7

    def possible_answers(self, spec):
        return set(range(11))

    def points(self, value, spec):
        return value if isinstance(value, int) else None  # the number is its own points

    def fhir_item(self, spec):
        return {"extension": [{"url": EXTENSION_BASE + e, "valueInteger": n}
                              for e, n in (("minValue", 0), ("maxValue", 10))]}

    def fhir_notes(self, spec):
        return [f"0 = {spec.min_label}, 10 = {spec.max_label}."]

    def fhir_answers(self, value, spec):
        return [] if value is None else [{"valueInteger": int(value)}]

    def from_fhir(self, answers, spec):
        return answers[0].get("valueInteger") if answers else None

    def accepts(self, value, spec):
        return type(value) is int and 0 <= value <= 10


SCALE = ScaleKind()
