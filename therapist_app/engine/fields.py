"""The field-type registry: for each worksheet field type, its form field, its answer and its display.

Adding a field type means adding one FieldKind here (and its macro in templates); no view changes.
"""
from datetime import date

from wtforms import DateField, FieldList, Form, FormField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from ..validators import TextLimit
from wtforms.widgets import CheckboxInput, ListWidget

STATE_SKIPPED = "skipped"
STATE_NOT_READY = "not_ready"
STATE_LABELS = {STATE_SKIPPED: "Skipped", STATE_NOT_READY: "Not ready yet"}


def MaxLength(limit: int) -> TextLimit:  # noqa: N802 - reads as the validator it is
    return TextLimit(limit, "This answer")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _blank(text) -> bool:
    return text is None or (isinstance(text, str) and not text.strip())


class FieldKind:
    name = ""
    fhir_type = "string"

    def form_field(self, spec, label: str):
        raise NotImplementedError

    def from_form(self, form_field, spec):
        """The answer from a validated form field, or None when left empty."""
        data = form_field.data
        return None if _blank(data) else data

    def to_form(self, value, spec):
        return value

    def display(self, value, spec):
        """Plain text for pages and PDFs (a table dict for `rows`). Escaping is the template's job."""
        return "" if value is None else str(value)

    def fhir_answers(self, value, spec) -> list[dict]:
        return [] if value is None else [{"valueString": str(value)}]

    def from_fhir(self, answers: list[dict], spec):
        return answers[0].get("valueString") if answers else None


class TextKind(FieldKind):
    def __init__(self, name, widget_field, fhir_type):
        self.name, self.widget_field, self.fhir_type = name, widget_field, fhir_type

    def form_field(self, spec, label):
        return self.widget_field(label, validators=[MaxLength(spec.max_length)])


class ScaleKind(FieldKind):
    name = "scale"
    fhir_type = "integer"

    def form_field(self, spec, label):
        return RadioField(
            label, choices=[(n, str(n)) for n in range(11)], coerce=int, validators=[Optional()],
            validate_choice=True,
        )

    def from_form(self, form_field, spec):
        return form_field.data if isinstance(form_field.data, int) else None

    def display(self, value, spec):
        return "" if value is None else f"{value} / 10"

    def fhir_answers(self, value, spec):
        return [] if value is None else [{"valueInteger": int(value)}]

    def from_fhir(self, answers, spec):
        return answers[0].get("valueInteger") if answers else None


def _option_label(spec, value):
    return next((o.label for o in spec.options if o.value == value), value)


class SingleChoiceKind(FieldKind):
    name = "single_choice"
    fhir_type = "choice"

    def form_field(self, spec, label):
        return RadioField(label, choices=[(o.value, o.label) for o in spec.options], validators=[Optional()])

    def display(self, value, spec):
        return "" if value is None else _option_label(spec, value)

    def fhir_answers(self, value, spec):
        return [] if value is None else [{"valueCoding": {"code": value, "display": _option_label(spec, value)}}]

    def from_fhir(self, answers, spec):
        return answers[0]["valueCoding"]["code"] if answers else None


class MultiChoiceKind(FieldKind):
    fhir_type = "choice"

    def __init__(self, name):
        self.name = name

    def form_field(self, spec, label):
        return MultiCheckboxField(label, choices=[(o.value, o.label) for o in spec.options])

    def from_form(self, form_field, spec):
        return list(form_field.data) or None

    def display(self, value, spec):
        return ", ".join(_option_label(spec, v) for v in value or ())

    def fhir_answers(self, value, spec):
        return [{"valueCoding": {"code": v, "display": _option_label(spec, v)}} for v in value or ()]

    def from_fhir(self, answers, spec):
        return [a["valueCoding"]["code"] for a in answers] or None


class DateKind(FieldKind):
    name = "date"
    fhir_type = "date"

    def form_field(self, spec, label):
        return DateField(label, validators=[Optional()], render_kw={"type": "date"})

    def from_form(self, form_field, spec):
        return form_field.data.isoformat() if isinstance(form_field.data, date) else None

    def to_form(self, value, spec):
        return date.fromisoformat(value) if value else None

    def display(self, value, spec):
        return "" if not value else date.fromisoformat(value).strftime("%-d %B %Y")

    def fhir_answers(self, value, spec):
        return [] if not value else [{"valueDate": value}]

    def from_fhir(self, answers, spec):
        return str(answers[0]["valueDate"]) if answers else None


class RowsKind(FieldKind):
    name = "rows"
    fhir_type = "group"
    blank_rows_offered = 2

    def form_field(self, spec, label):
        row_form = type(
            "RowForm", (Form,),
            {c.id: StringField(c.label, validators=[MaxLength(c.max_length)]) for c in spec.columns},
        )
        return FieldList(FormField(row_form), label, min_entries=1, max_entries=spec.max_rows)

    def from_form(self, form_field, spec):
        rows = []
        for entry in form_field.entries:
            row = {c.id: (entry.form[c.id].data or "").strip() for c in spec.columns}
            if any(row.values()):
                rows.append(row)
        return rows or None

    def to_form(self, value, spec):
        rows = list(value or [])
        blanks = min(self.blank_rows_offered, spec.max_rows - len(rows))
        return rows + [{}] * max(blanks, 0)

    def display(self, value, spec):
        """A table: column labels and one list of cell texts per row (empty when unanswered)."""
        rows = [[row.get(c.id, "") for c in spec.columns] for row in value or []]
        return {"columns": [c.label for c in spec.columns], "rows": rows} if rows else ""

    def fhir_answers(self, value, spec):
        # A FHIR group item holds nested items: one answer set per row, as a repeated group.
        return []

    def fhir_rows(self, value, spec):
        return [
            [{"linkId": c.id, "text": c.label, "answer": [{"valueString": row[c.id]}] if row.get(c.id) else []}
             for c in spec.columns]
            for row in value or []
        ]


REGISTRY: dict[str, FieldKind] = {
    kind.name: kind
    for kind in (
        TextKind("short_text", StringField, "string"),
        TextKind("long_text", TextAreaField, "text"),
        TextKind("agreement", TextAreaField, "text"),
        ScaleKind(),
        SingleChoiceKind(),
        MultiChoiceKind("multi_choice"),
        MultiChoiceKind("checklist"),
        DateKind(),
        RowsKind(),
    )
}


def kind_of(spec) -> FieldKind:
    return REGISTRY[spec.type]
