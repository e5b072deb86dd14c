"""A table the partner fills in: the worksheet's columns, up to `max_rows` rows."""
from typing import Literal

from pydantic import Field, model_validator
from wtforms import FieldList, Form, FormField, StringField

from ..schema_parts import FieldBase, Identifier, Strict, Title, require_unique
from .base import FieldKind, MaxLength


class Column(Strict):
    id: Identifier
    label: Title
    max_length: int = Field(default=300, ge=1, le=2000)


class Rows(FieldBase):
    type: Literal["rows"]
    columns: list[Column] = Field(min_length=1, max_length=5)
    max_rows: int = Field(default=10, ge=1, le=30)

    @model_validator(mode="after")
    def _columns_unique(self):
        require_unique([c.id for c in self.columns], "column id")
        return self


class RowsKind(FieldKind):
    spec_model = Rows
    label = "Table of rows"
    macro = "rows_widget"
    fieldset = True
    fhir_type = "group"
    fhir_repeats = True
    has_columns = True
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

    def sample_answer(self, spec, text="My answer"):
        return [{c.id: f"{text} {c.id}" for c in spec.columns}]

    def display(self, value, spec):
        """A table: column labels and one list of cell texts per row (empty when unanswered)."""
        rows = [[row.get(c.id, "") for c in spec.columns] for row in value or []]
        return {"columns": [c.label for c in spec.columns], "rows": rows} if rows else ""

    def fhir_item(self, spec):
        # Column linkIds carry the field id: FHIR wants linkIds unique in the whole file. (`repeats`
        # comes first, where the export has always had it.)
        return {"repeats": True, "item": [
            {"linkId": f"{spec.id}.{c.id}", "text": c.label, "type": "string", "maxLength": c.max_length}
            for c in spec.columns]}

    def fhir_response_items(self, value, spec, text):
        """One repeated group item per row, its cells nested (column linkIds as in the Questionnaire);
        FHIR forbids empty answer lists, so blank cells are left out, and blank rows with them."""
        items = []
        for row in value or []:
            cells = [{"linkId": f"{spec.id}.{c.id}", "text": c.label, "answer": [{"valueString": row[c.id]}]}
                     for c in spec.columns if row.get(c.id)]
            if cells:
                items.append({"linkId": spec.id, "text": text, "item": cells})
        return items

    def from_fhir_items(self, items, spec):
        """One row per repeated group item (cells by their column linkIds); rows left blank are dropped."""
        rows = []
        for group in items:
            cells = {c["linkId"].removeprefix(f"{spec.id}."): c.get("answer") or [] for c in group.get("item") or []}
            row = {c.id: self.from_fhir(cells.get(c.id, []), spec) or "" for c in spec.columns}
            if any(row.values()):
                rows.append(row)
        return rows or None

    def accepts(self, value, spec):
        return len(value) <= spec.max_rows and all(
            isinstance(row[c.id], str) and len(row[c.id]) <= c.max_length for row in value for c in spec.columns)


ROWS = RowsKind()
