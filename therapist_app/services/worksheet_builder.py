"""Counselor-made worksheets: start blank or from a copy, edit fields, preview, publish as a version.

Every edit is validated against the same strict schema as the library files; an edit that would
break it is refused with a message and the working copy stays as it was.
"""
import copy
import re
import secrets
import textwrap

from .. import access
from ..engine.identifiers import unique_identifier
from ..engine.loader import WorksheetError, validate_definition
from ..engine.fields import KINDS, REGISTRY
from ..errors import NotFoundError, RuleError
from ..extensions import session
from ..models import User, Worksheet, WorksheetVersion
from ..models.worksheet import SOURCE_PRACTICE
from ..security.audit import record
from . import worksheets
from .worksheets import add_version_if_changed

FIELD_TYPE_LABELS = {kind.name: kind.label for kind in KINDS}


def _new_slug(counselor: User) -> str:
    return f"p{counselor.practice_id}-{secrets.token_hex(4)}"


def _blank_definition(slug: str) -> dict:
    return {
        "slug": slug, "title": "Untitled exercise", "estimated_minutes": 15, "stage": 0,
        "purpose": "A few words to the couple about what this exercise is for and how to approach it.",
        "sections": [{"id": "questions", "title": "Questions",
                      "fields": [{"id": "q1", "type": "long_text", "label": "Your first question"}]}],
    }


def own_and_shared(counselor: User) -> list[Worksheet]:
    """Worksheets made in this practice that this counselor may see: their own, and shared ones."""
    return list(session.scalars(
        access.practice_worksheets_seen_by(counselor).where(Worksheet.retired.is_(False)).order_by(Worksheet.id.desc())
    ))


def editable(counselor: User, worksheet_id: int) -> Worksheet:
    worksheet = access.own_worksheet(counselor, worksheet_id)
    if worksheet.draft_definition is None:
        latest = worksheets.latest_version_of(worksheet)
        worksheet.draft_definition = copy.deepcopy(latest.definition)
    return worksheet


def _create(counselor: User, definition: dict) -> Worksheet:
    worksheet = Worksheet(slug=definition["slug"], source=SOURCE_PRACTICE, practice_id=counselor.practice_id,
                          owner_id=counselor.id, shared_with_practice=False, draft_definition=definition)
    session.add(worksheet)
    session.commit()
    return worksheet


def start_blank(counselor: User) -> Worksheet:
    return _create(counselor, _blank_definition(_new_slug(counselor)))


def duplicate(counselor: User, version_id: int) -> Worksheet:
    version = worksheets.usable_version(counselor, version_id)
    definition = copy.deepcopy(version.definition)
    definition["slug"] = _new_slug(counselor)
    definition["title"] = (definition["title"][:112] + " (copy)")
    return _create(counselor, definition)


def import_definition(counselor: User, definition) -> Worksheet:
    """Stores an imported definition (for example from a FHIR Questionnaire) as a new working copy."""
    data = definition.model_dump(mode="json", exclude_none=True)
    data["slug"] = _new_slug(counselor)
    return _create(counselor, data)


def _save(worksheet: Worksheet, definition: dict) -> None:
    try:
        validate_definition(definition, "this worksheet")
    except WorksheetError as error:
        session.rollback()
        raise RuleError(f"That change can't be saved: {error.where + ': ' if error.where else ''}{error.problem}.") from None
    worksheet.draft_definition = definition
    session.commit()


def _find_field(definition: dict, field_id: str):
    for section in definition["sections"]:
        for index, field in enumerate(section["fields"]):
            if field["id"] == field_id:
                return section, index, field
    raise NotFoundError("field")


def update_details(counselor: User, worksheet_id: int, *, title: str, purpose: str, estimated_minutes: int,
                   stage: int, shared_with_practice: bool) -> Worksheet:
    worksheet = editable(counselor, worksheet_id)
    definition = copy.deepcopy(worksheet.draft_definition)
    definition.update(title=title, purpose=purpose, estimated_minutes=estimated_minutes, stage=stage)
    worksheet.shared_with_practice = shared_with_practice
    _save(worksheet, definition)
    return worksheet


def _unique_id(definition: dict, words: str, prefix: str = "q") -> str:
    """An id no section or question of this worksheet uses yet, from `words` (kept short: ids show in exports)."""
    taken = {f["id"] for s in definition["sections"] for f in s["fields"]} | {s["id"] for s in definition["sections"]}
    return unique_identifier(words, taken, prefix, max_length=30)


# A new question's id until its first wording names it ("q", "q_2"…).
PLACEHOLDER_ID = re.compile(r"^q_?\d*$")


def _template_field(definition: dict, field_type: str) -> dict:
    """A new question, with starter settings for what its kind's editor offers."""
    kind = REGISTRY[field_type]
    field = {"id": _unique_id(definition, "q"), "type": field_type, "label": "New question"}
    if kind.has_scale_labels:
        field.update(min_label="Not at all", max_label="Completely")
    if kind.has_options:
        field["options"] = [{"value": "option_one", "label": "Option one"}, {"value": "option_two", "label": "Option two"}]
    if kind.has_columns:
        field["columns"] = [{"id": "what", "label": "What"}, {"id": "why", "label": "Why"}]
    return field


def add_field(counselor: User, worksheet_id: int, field_type: str, section_id: str | None = None) -> str:
    """Adds a question at the end of the part; returns its id, for the editor to open it."""
    if field_type not in REGISTRY:
        raise RuleError("Choose a question type from the list.", field="type")
    worksheet = editable(counselor, worksheet_id)
    definition = copy.deepcopy(worksheet.draft_definition)
    section = next((s for s in definition["sections"] if s["id"] == section_id), definition["sections"][-1])
    field = _template_field(definition, field_type)
    section["fields"].append(field)
    _save(worksheet, definition)
    return field["id"]


def _name_from_label(worksheet: Worksheet, definition: dict, field: dict) -> None:
    """A new question takes a readable id from its first real wording ("how_safe_do_you_feel"), for
    exports and the FHIR linkId. Only while no published version uses the placeholder: answers keep
    the ids they were given."""
    if not PLACEHOLDER_ID.match(field["id"]) or field["label"] in ("New question", "Your first question"):
        return
    published = {f["id"] for v in worksheet.versions for s in v.definition["sections"] for f in s["fields"]}
    if field["id"] not in published:
        field["id"] = _unique_id(definition, " ".join(field["label"].split()[:6]))


def add_section(counselor: User, worksheet_id: int, title: str) -> Worksheet:
    worksheet = editable(counselor, worksheet_id)
    definition = copy.deepcopy(worksheet.draft_definition)
    section_id = _unique_id(definition, title or "part", prefix="part")
    definition["sections"].append({"id": section_id, "title": title or "New part",
                                   "fields": [{"id": _unique_id(definition, "q"), "type": "long_text",
                                               "label": "New question"}]})
    _save(worksheet, definition)
    return worksheet


def _options_from_lines(text: str, before: list[dict] = ()) -> list[dict]:
    """Options from one label a line. An option whose words are unchanged keeps its value, so that what
    names it (a risk answer, "None of these" standing alone, answers already given) still does."""
    kept = {option["label"]: option["value"] for option in before}
    options, seen = [], set()
    for line in (text or "").splitlines():
        label = line.strip()
        if not label:
            continue
        value = kept.get(label)
        if value is None or value in seen:
            value = unique_identifier(label, seen, "option", max_length=30)
        seen.add(value)
        options.append({"value": value, "label": label})
    return options


def _keep_options_that_stand_alone(field: dict) -> None:
    """A copied question's "None of these" stands alone as long as the option is still there (its value
    comes from its words); a reworded or removed one no longer does, rather than refusing the edit."""
    values = {option["value"] for option in field["options"]}
    kept = [value for value in field.get("exclusive_values") or () if value in values]
    if kept:
        field["exclusive_values"] = kept
    else:
        field.pop("exclusive_values", None)


def update_field(counselor: User, worksheet_id: int, field_id: str, changes: dict) -> str:
    """Applies the editor's form: label, help, flags, visibility, and the type's own settings. Returns
    the question's id, which its first wording may have given it."""
    worksheet = editable(counselor, worksheet_id)
    definition = copy.deepcopy(worksheet.draft_definition)
    _, _, field = _find_field(definition, field_id)
    field["label"] = changes.get("label") or field["label"]
    if changes.get("help"):
        field["help"] = changes["help"]
    else:
        field.pop("help", None)
    field["required"] = bool(changes.get("required"))
    field["sensitive"] = bool(changes.get("sensitive"))
    field["visibility"] = "shared" if changes.get("shared") else "counselor"
    kind = REGISTRY[field["type"]]
    if kind.has_options and "options" in changes:
        field["options"] = _options_from_lines(changes["options"], field.get("options") or [])
        _keep_options_that_stand_alone(field)
    if kind.has_scale_labels:
        field["min_label"] = changes.get("min_label") or field["min_label"]
        field["max_label"] = changes.get("max_label") or field["max_label"]
    if kind.has_columns and "columns" in changes:
        field["columns"] = [{"id": o["value"], "label": o["label"][:120]} for o in _options_from_lines(changes["columns"])]
    _name_from_label(worksheet, definition, field)
    _save(worksheet, definition)
    return field["id"]


def move_field(counselor: User, worksheet_id: int, field_id: str, direction: int) -> Worksheet:
    """Moves a question one place up (-1) or down (+1), across into the next part at a part's edge."""
    worksheet = editable(counselor, worksheet_id)
    definition = copy.deepcopy(worksheet.draft_definition)
    places = [(s_index, f_index) for s_index, s in enumerate(definition["sections"]) for f_index in range(len(s["fields"]))]
    section, index, field = _find_field(definition, field_id)
    position = places.index((definition["sections"].index(section), index))
    target = position + direction
    if 0 <= target < len(places):
        section["fields"].pop(index)
        t_section, t_index = places[target]
        if t_section == definition["sections"].index(section):
            section["fields"].insert(t_index, field)
        else:  # crossing into the neighbouring part: first place going down, last going up
            neighbour = definition["sections"][t_section]["fields"]
            neighbour.insert(0 if direction > 0 else len(neighbour), field)
        definition["sections"] = [s for s in definition["sections"] if s["fields"]] or definition["sections"]
    _save(worksheet, definition)
    return worksheet


def remove_field(counselor: User, worksheet_id: int, field_id: str) -> Worksheet:
    worksheet = editable(counselor, worksheet_id)
    definition = copy.deepcopy(worksheet.draft_definition)
    section, index, _ = _find_field(definition, field_id)
    if sum(len(s["fields"]) for s in definition["sections"]) == 1:
        raise RuleError("A worksheet needs at least one question.")
    section["fields"].pop(index)
    definition["sections"] = [s for s in definition["sections"] if s["fields"]]
    _save(worksheet, definition)
    return worksheet


STARTER_TEXTS = {"Untitled exercise", "Your first question", "New question", "New part",
                 _blank_definition("x")["purpose"]}


def publish(counselor: User, worksheet_id: int) -> WorksheetVersion:
    """Makes the working copy assignable as this worksheet's next version, once no starter text is left."""
    worksheet = editable(counselor, worksheet_id)
    definition = validate_definition(worksheet.draft_definition, "this worksheet")
    left = [text for text in [definition.title, definition.purpose]
            + [s.title for s in definition.sections] + [f.label for f in definition.all_fields()]
            if text in STARTER_TEXTS]
    if left:
        raise RuleError("Please replace the starter text before publishing: "
                        + "; ".join(f"“{textwrap.shorten(t, 60, placeholder=' …')}”" for t in left) + ".")
    version = add_version_if_changed(worksheet, definition.model_dump(mode="json", exclude_none=True))
    record(counselor.id, "publish_worksheet", version)
    session.commit()
    return version


def draft_of(worksheet: Worksheet):
    """The working copy as a validated definition, for the editor and the preview."""
    return validate_definition(worksheet.draft_definition, "this worksheet")

