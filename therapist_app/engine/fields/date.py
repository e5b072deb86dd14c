"""A calendar date, stored as ISO 8601 (2024-03-05)."""
from datetime import date
from typing import Literal

from wtforms import DateField
from wtforms.validators import Optional

from ..schema_parts import FieldBase
from .base import FieldKind


class Date(FieldBase):
    type: Literal["date"]


class DateKind(FieldKind):
    spec_model = Date
    label = "Date"
    macro = "date_widget"
    fhir_type = "date"

    def form_field(self, spec, label):
        return DateField(label, validators=[Optional()], render_kw={"type": "date"})

    def from_form(self, form_field, spec):
        return form_field.data.isoformat() if isinstance(form_field.data, date) else None

    def to_form(self, value, spec):
        return date.fromisoformat(value) if value else None

    def sample_answer(self, spec, text="My answer"):
        return "2026-12-24"

    def display(self, value, spec):
        return "" if not value else date.fromisoformat(value).strftime("%-d %B %Y")

    def fhir_answers(self, value, spec):
        return [] if not value else [{"valueDate": value}]

    def from_fhir(self, answers, spec):
        return str(answers[0]["valueDate"]) if answers else None

    def accepts(self, value, spec):
        return isinstance(value, str) and len(value) == 10 and bool(date.fromisoformat(value))


DATE = DateKind()
