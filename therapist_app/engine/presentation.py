"""Which sections and fields a partner sees, worded for their role (hurt, involved or not set)."""
from dataclasses import dataclass

from .schema import WorksheetDefinition

# Parsed definitions by content hash. A version never changes, so its hash names its definition for
# good; keying on the hash (not on the JSON) keeps a cache hit free of any serialising.
_PARSED: dict[str, WorksheetDefinition] = {}
_PARSED_LIMIT = 1024


def definition_of(version) -> WorksheetDefinition:
    """The validated definition of a stored WorksheetVersion, parsed once per content."""
    parsed = _PARSED.get(version.content_hash)
    if parsed is None:
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        parsed = _PARSED[version.content_hash] = WorksheetDefinition.model_validate(version.definition)
    return parsed


def applies_to(item, role: str | None) -> bool:
    return item.only_for is None or item.only_for == role


def label_for(field, role: str | None) -> str:
    variant = (field.variants or {}).get(role) if role else None
    return variant.label if variant and variant.label else field.label


def help_for(field, role: str | None) -> str | None:
    variant = (field.variants or {}).get(role) if role else None
    return variant.help if variant and variant.help else field.help


@dataclass(frozen=True)
class SectionView:
    index: int
    section: object
    fields: list


def sections_for(definition: WorksheetDefinition, role: str | None) -> list[SectionView]:
    views = []
    for section in definition.sections:
        if not applies_to(section, role):
            continue
        fields = [f for f in section.fields if applies_to(f, role)]
        if fields:
            views.append(SectionView(len(views), section, fields))
    return views


def fields_for(definition: WorksheetDefinition, role: str | None) -> list:
    return [field for view in sections_for(definition, role) for field in view.fields]


def field_by_id(definition: WorksheetDefinition, field_id: str):
    return next((f for f in definition.all_fields() if f.id == field_id), None)
