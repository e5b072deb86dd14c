"""Text answers: short text (one line), long text (a text area) and agreement (a long text each
partner proposes; the counselor records the agreed wording)."""
from typing import Literal

from pydantic import Field
from wtforms import StringField, TextAreaField

from ...validators import line_breaks_as_shown
from ..schema_parts import FieldBase
from .base import FieldKind, MaxLength


class ShortText(FieldBase):
    type: Literal["short_text"]
    max_length: int = Field(default=300, ge=1, le=1000)


class LongText(FieldBase):
    type: Literal["long_text"]
    max_length: int = Field(default=20000, ge=1, le=50000)


class Agreement(FieldBase):
    type: Literal["agreement"]
    max_length: int = Field(default=2000, ge=1, le=5000)


class TextKind(FieldKind):
    def __init__(self, spec_model, label, widget_field, macro, fhir_type, records_agreement=False):
        self.spec_model, self.label, self.widget_field, self.macro = spec_model, label, widget_field, macro
        self.fhir_type, self.records_agreement = fhir_type, records_agreement

    def form_field(self, spec, label):
        return self.widget_field(label, validators=[MaxLength(spec.max_length)], filters=[line_breaks_as_shown])

    def sample_answer(self, spec, text="My answer"):
        return f"{text}: {spec.id}"

    def fhir_item(self, spec):
        return {"maxLength": spec.max_length}

    def accepts(self, value, spec):
        return isinstance(value, str) and len(value) <= spec.max_length


SHORT_TEXT = TextKind(ShortText, "Short text", StringField, "short_text_widget", "string")
LONG_TEXT = TextKind(LongText, "Long text", TextAreaField, "long_text_widget", "text")
AGREEMENT = TextKind(Agreement, "Agreement (each proposes; you record the agreed wording)", TextAreaField,
                     "long_text_widget", "text", records_agreement=True)
