"""The parts every worksheet schema model is made of: strict models, readable text, identifiers,
show_if conditions, and what every field has (FieldBase). The worksheet as a whole (schema.py) and
each field type's own settings (fields/) are built from them."""
from typing import Annotated, Literal, Union

import unicodedata

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, model_validator


def _readable_text(text: str) -> str:
    """Text people read: trimmed, not blank, and free of invisible control characters."""
    text = text.strip()
    if not text:
        raise ValueError("must not be blank")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise ValueError("must not contain control characters")
    return text


def text_up_to(max_length: int):
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_readable_text)]


Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Label = text_up_to(300)
Title = text_up_to(120)
Paragraph = text_up_to(2000)
PartnerRole = Literal["hurt", "involved"]
Visibility = Literal["counselor", "shared"]

VISIBILITY_COUNSELOR = "counselor"
VISIBILITY_SHARED = "shared"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Variant(Strict):
    label: Label | None = None
    help: Paragraph | None = None


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


def require_unique(values, what):
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)
