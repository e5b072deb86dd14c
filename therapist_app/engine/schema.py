"""The strict schema every worksheet definition must satisfy (files and counselor-made alike)."""
from typing import Annotated, Literal, Union

import unicodedata

from .condition_checks import check_conditions
from .kinds import KIND_EXERCISE, KIND_NAMES, KindPolicy, policy_of
from .scoring import check_scoring
from pydantic import (AfterValidator, BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag,
                      model_validator)


def _readable_text(text: str) -> str:
    """Text people read: trimmed, not blank, and free of invisible control characters."""
    text = text.strip()
    if not text:
        raise ValueError("must not be blank")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise ValueError("must not contain control characters")
    return text


def _text(max_length: int):
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_readable_text)]


Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")]
Label = _text(300)
Title = _text(120)
Paragraph = _text(2000)
PartnerRole = Literal["hurt", "involved"]
Visibility = Literal["counselor", "shared"]

VISIBILITY_COUNSELOR = "counselor"
VISIBILITY_SHARED = "shared"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Variant(Strict):
    label: Label | None = None
    help: Paragraph | None = None


class Option(Strict):
    value: Identifier
    label: Label
    # Points for a scored measure (see engine/scoring.py); only read by a worksheet's `scoring` block.
    score: int | None = Field(default=None, ge=0, le=100)


class Column(Strict):
    id: Identifier
    label: Title
    max_length: int = Field(default=300, ge=1, le=2000)


class ShowIf(Strict):
    """Show a question or a section only when an earlier answer matches: equals one option (or a 0–10
    number), is one of several options, or is at least / at most a number on a 0–10 scale."""
    question: Identifier
    equals: Identifier | int | None = None
    one_of: list[Identifier] | None = Field(default=None, min_length=1, max_length=30)
    at_least: int | None = Field(default=None, ge=0, le=10)
    at_most: int | None = Field(default=None, ge=0, le=10)

    @model_validator(mode="after")
    def _exactly_one_test(self):
        tests = [name for name in ("equals", "one_of", "at_least", "at_most") if getattr(self, name) is not None]
        if len(tests) != 1:
            raise ValueError("show_if needs exactly one of equals, one_of, at_least or at_most")
        return self

    @property
    def conditions(self) -> list["ShowIf"]:
        return [self]


class ShowIfAny(Strict):
    """Show when at least one of several conditions is met (each on an earlier answer)."""
    any: list[ShowIf] = Field(min_length=2, max_length=10)

    @property
    def conditions(self) -> list[ShowIf]:
        return list(self.any)


class ShowIfAll(Strict):
    """Show only when every one of several conditions is met."""
    all: list[ShowIf] = Field(min_length=2, max_length=10)

    @property
    def conditions(self) -> list[ShowIf]:
        return list(self.all)


def _condition_kind(data) -> str:
    keys = set(data) if isinstance(data, dict) else {name for name in ("any", "all") if hasattr(data, name)}
    return "any" if "any" in keys else "all" if "all" in keys else "one"


# A show_if: one condition (the form every worksheet used first), or several combined with any / all.
Condition = Annotated[
    Union[Annotated[ShowIf, Tag("one")], Annotated[ShowIfAny, Tag("any")], Annotated[ShowIfAll, Tag("all")]],
    Discriminator(_condition_kind),
]


class FieldBase(Strict):
    id: Identifier
    label: Label
    help: Paragraph | None = None
    required: bool = False
    sensitive: bool = False
    visibility: Visibility = VISIBILITY_COUNSELOR
    only_for: PartnerRole | None = None
    variants: dict[PartnerRole, Variant] | None = None
    show_if: Condition | None = None

    @model_validator(mode="after")
    def _sensitive_is_never_required(self):
        if self.sensitive and self.required:
            raise ValueError("a sensitive field can never be required: partners may always skip it")
        return self


def _unique(values, what):
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)


class ShortText(FieldBase):
    type: Literal["short_text"]
    max_length: int = Field(default=300, ge=1, le=1000)


class LongText(FieldBase):
    type: Literal["long_text"]
    max_length: int = Field(default=20000, ge=1, le=50000)


class Scale(FieldBase):
    type: Literal["scale"]
    min_label: Title
    max_label: Title
    metric: Literal["trust", "safety", "communication", "closeness"] | None = None


class _Choice(FieldBase):
    options: list[Option] = Field(min_length=2, max_length=30)
    # Answers that alert the counselor (never anyone else); the question must be counselor-only.
    risk_values: list[Identifier] | None = None
    # Answers after which crisis resources appear on the partner's screen at once (self-harm).
    crisis_values: list[Identifier] | None = None

    @model_validator(mode="after")
    def _options_are_consistent(self):
        values = [option.value for option in self.options]
        _unique(values, "option value")
        for key in ("risk_values", "crisis_values"):
            unknown = set(getattr(self, key) or ()) - set(values)
            if unknown:
                raise ValueError(f"{key} name options that do not exist: {sorted(unknown)}")
        if self.risk_values and self.visibility != VISIBILITY_COUNSELOR:
            raise ValueError("a question with risk_values is counselor-only: a risk answer never reaches the partner")
        return self


class SingleChoice(_Choice):
    type: Literal["single_choice"]


class MultiChoice(_Choice):
    type: Literal["multi_choice"]


class Checklist(_Choice):
    type: Literal["checklist"]


class DateField(FieldBase):
    type: Literal["date"]


class Rows(FieldBase):
    type: Literal["rows"]
    columns: list[Column] = Field(min_length=1, max_length=5)
    max_rows: int = Field(default=10, ge=1, le=30)

    @model_validator(mode="after")
    def _columns_unique(self):
        _unique([c.id for c in self.columns], "column id")
        return self


class Agreement(FieldBase):
    type: Literal["agreement"]
    max_length: int = Field(default=2000, ge=1, le=5000)


AnyField = Annotated[
    Union[ShortText, LongText, Scale, SingleChoice, MultiChoice, Checklist, DateField, Rows, Agreement],
    Field(discriminator="type"),
]
FIELD_TYPE_NAMES = (
    "short_text", "long_text", "scale", "single_choice", "multi_choice", "checklist", "date", "rows", "agreement",
)


class Section(Strict):
    id: Identifier
    title: Title
    intro: Paragraph | None = None
    only_for: PartnerRole | None = None
    show_if: Condition | None = None
    fields: list[AnyField] = Field(min_length=1, max_length=60)


class Scoring(Strict):
    """A scored measure: how its answers become one number (engine/scoring.py has the methods)."""
    method: Literal["sum_of_points"]
    name: _text(40)
    items: list[Identifier] = Field(min_length=1, max_length=40)
    minimum: int
    maximum: int
    # A line drawn on the trend: scores below it suggest distress (for the CSI-4, 13.5).
    cutoff: float | None = None
    cutoff_label: _text(120) | None = None


class ReadinessCheck(Strict):
    label: Label
    help: Paragraph | None = None




class WorksheetDefinition(Strict):
    slug: Slug
    title: Title
    purpose: Paragraph
    estimated_minutes: int = Field(ge=1, le=180)
    stage: int = Field(ge=0, le=3)
    kind: Literal[KIND_NAMES] = KIND_EXERCISE
    completed_by: Literal["each_partner", "one_partner"] = "each_partner"
    requires_unlock: bool = False
    # When the other partner sees shared answers: as soon as both have submitted, or only once the
    # counselor has read them and released them (disclosure-heavy work). A per-assignment default.
    release: Literal["when_both_submitted", "after_review"] = "when_both_submitted"
    optional: bool = False
    content_note: Paragraph | None = None
    readiness_check: ReadinessCheck | None = None
    tags: list[_text(30)] = Field(default_factory=list, max_length=12)
    sections: list[Section] = Field(min_length=1, max_length=20)
    scoring: Scoring | None = None

    @model_validator(mode="after")
    def _whole_file_rules(self):
        fields = [field for section in self.sections for field in section.fields]
        _unique([s.id for s in self.sections], "section id")
        _unique([f.id for f in fields], "field id")
        for field in fields:
            if not self.policy.shareable and field.visibility != VISIBILITY_COUNSELOR:
                raise ValueError(f"field {field.id!r}: a {self.kind} worksheet shares nothing, so every field is counselor-only")
        check_conditions(self.sections)
        if self.scoring is not None:
            check_scoring(self.scoring, {field.id: field for field in fields})
        if self.policy.one_per_partner and self.completed_by != "each_partner":
            raise ValueError(f"a {self.kind} worksheet is completed by each partner, separately")
        return self

    @property
    def policy(self) -> KindPolicy:
        return policy_of(self.kind)

    def all_fields(self):
        return [field for section in self.sections for field in section.fields]
