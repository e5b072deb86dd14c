"""The strict schema every worksheet definition must satisfy (files and counselor-made alike). Each field
type's own settings are its kind's spec model (engine/fields/); the field union is built from them."""
from typing import Annotated, Literal, Union

from pydantic import Field, StringConstraints, model_validator

from .condition_checks import check_conditions
from .fields import REGISTRY
from .kinds import KIND_EXERCISE, KIND_NAMES, KindPolicy, policy_of
from .schema_parts import VISIBILITY_SHARED  # noqa: F401  (services read both visibilities from here)
from .schema_parts import (VISIBILITY_COUNSELOR, Condition, Identifier, Label, Paragraph, PartnerRole, Strict, Title,
                           require_unique, text_up_to)
from .scoring import check_scoring

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")]

AnyField = Annotated[Union[tuple(kind.spec_model for kind in REGISTRY.values())], Field(discriminator="type")]
FIELD_TYPE_NAMES = tuple(REGISTRY)


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
    name: text_up_to(40)
    items: list[Identifier] = Field(min_length=1, max_length=40)
    minimum: int
    maximum: int
    # A line drawn on the trend: scores below it suggest distress (for the CSI-4, 13.5).
    cutoff: float | None = None
    cutoff_label: text_up_to(120) | None = None


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
    tags: list[text_up_to(30)] = Field(default_factory=list, max_length=12)
    sections: list[Section] = Field(min_length=1, max_length=20)
    scoring: Scoring | None = None

    @model_validator(mode="after")
    def _whole_file_rules(self):
        fields = [field for section in self.sections for field in section.fields]
        require_unique([s.id for s in self.sections], "section id")
        require_unique([f.id for f in fields], "field id")
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
