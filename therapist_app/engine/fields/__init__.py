"""The field-type registry: for each worksheet field type, one FieldKind that knows all of it: the
settings a worksheet gives it (its spec model), its form field, answer and display, its widget macro,
its FHIR shape both ways, what the builder edits, how show_if and scoring use it, and a sample answer.

A new field type is one FieldKind (in its family's module here, or a new one) added to KINDS, and its
macro in templates/therapist_app/_macros.html (docs/architecture.md, "Where a new field type goes").
"""
from .base import STATE_LABELS, STATE_NOT_READY, STATE_SKIPPED, FieldKind, UnfitAnswer
from .choice import CHECKLIST, MULTI_CHOICE, SINGLE_CHOICE
from .date import DATE
from .rows import ROWS
from .scale import SCALE
from .text import AGREEMENT, LONG_TEXT, SHORT_TEXT

__all__ = ["STATE_LABELS", "STATE_NOT_READY", "STATE_SKIPPED", "FieldKind", "KINDS", "REGISTRY", "UnfitAnswer",
           "kind_of"]

# In this order in the builder's menu and in the loader's "expected one of".
KINDS = (SHORT_TEXT, LONG_TEXT, SCALE, SINGLE_CHOICE, MULTI_CHOICE, CHECKLIST, DATE, ROWS, AGREEMENT)
REGISTRY: dict[str, FieldKind] = {kind.name: kind for kind in KINDS}


def kind_of(spec) -> FieldKind:
    return REGISTRY[spec.type]
