"""FHIR R4 out: worksheets as Questionnaires, answers as QuestionnaireResponses. Reading FHIR in
(imports of questionnaires and of answers) lives in fhir_import.py."""
import json

from .fhir_conditions import enable_when
from .fhir_measures import item_extensions, option_extensions, score_extension, scoring_extension
from .fields import kind_of
from .presentation import fields_for, label_for
from .schema import WorksheetDefinition

DEFINITION_EXTENSION = "urn:therapist-app:worksheet-definition"
RESPONSE_STATUSES = ("in-progress", "completed")
DEFAULT_PURPOSE = "A questionnaire from your counselor. Please answer the questions below as well as you can."


def questionnaire(definition: WorksheetDefinition, *, slug: str, version: int, base_url: str) -> dict:
    """The worksheet as R4 Questionnaire JSON; the full definition travels along so our own import is exact."""
    suffix = f"-v{version}"
    # FHIR's `name` is for machines: CamelCase starting with a letter ("new-boundaries" -> "NewBoundaries").
    name = ("" if slug[:1].isalpha() else "Worksheet") + slug.title().replace("-", "")
    payload = json.dumps(definition.model_dump(mode="json", exclude_none=True),
                         separators=(",", ":"), ensure_ascii=False)
    by_id = {field.id: field for field in definition.all_fields()}
    extensions = [{"url": DEFINITION_EXTENSION, "valueString": payload}]
    if definition.scoring is not None:
        extensions.append(scoring_extension(definition.scoring))
    return {
        "resourceType": "Questionnaire",
        "id": slug[: 64 - len(suffix)] + suffix,  # FHIR ids are at most 64 characters; slugs may be 80
        "extension": extensions,
        "url": f"{base_url.rstrip('/')}/fhir/Questionnaire/{slug}", "version": str(version), "name": name,
        "title": definition.title, "status": "active", "description": definition.purpose,
        "item": [_group(s, by_id) for s in definition.sections],
    }


def _group(section, by_id: dict) -> dict:
    group = {"linkId": section.id, "text": section.title, "type": "group",
             "item": [_question(f, by_id) for f in section.fields]}
    if section.show_if:
        group.update(enable_when(section.show_if, by_id))
    return group


def _question(field, by_id: dict) -> dict:
    """One field as a Questionnaire item, with the few details another system can show or enforce."""
    kind = kind_of(field)
    item = {"linkId": field.id, "text": field.label, "type": kind.fhir_type}
    if field.show_if:
        item.update(enable_when(field.show_if, by_id))
    if field.required:
        item["required"] = True
    notes = ([field.help] if field.help else []) + kind.fhir_notes(field)
    item.update(kind.fhir_item(field))
    if kind.has_options:  # a scored measure's points and the answers that alert ride on the options
        for option, answer_option in zip(field.options, item["answerOption"]):
            if points := option_extensions(option, field):
                answer_option["extension"] = points
        if alerts := item_extensions(field):
            item["extension"] = alerts
    if kind.fhir_repeats:
        item["repeats"] = True
    if notes:  # shown under the question; "-help" cannot clash, as field, section and column ids have no dashes
        item.setdefault("item", []).append({"linkId": f"{field.id}-help", "text": " ".join(notes), "type": "display"})
    return item


def questionnaire_response(
    definition: WorksheetDefinition, answers: dict, *, questionnaire_url: str, status: str,
    source_reference: str, source_display: str, authored: str | None, role: str | None = None,
    only_field_ids: set[str] | None = None, with_score: bool = False,
) -> dict:
    """The answers as R4 QuestionnaireResponse JSON; unanswered, skipped and withheld fields leave no trace.
    `with_score`: a scored measure's score travels as an extension (the counselor's exports only)."""
    if status not in RESPONSE_STATUSES:
        raise ValueError(f"status must be one of {RESPONSE_STATUSES}, not {status!r}")
    values, states = (answers or {}).get("values") or {}, (answers or {}).get("states") or {}
    allowed = {f.id for f in fields_for(definition, role)}
    if only_field_ids is not None:
        allowed &= set(only_field_ids)
    groups = []
    for section in definition.sections:
        items = []
        for field in section.fields:
            # Any state (skipped, not ready) means "no answer given"; which one is for the counselor's eyes only.
            value = values.get(field.id)
            if field.id in allowed and field.id not in states and value not in (None, []) and (
                    not isinstance(value, str) or value.strip()):
                items += kind_of(field).fhir_response_items(value, field, label_for(field, role))
        if items:  # an empty section would still reveal its title
            groups.append({"linkId": section.id, "text": section.title, "item": items})
    response = {"resourceType": "QuestionnaireResponse", "questionnaire": questionnaire_url, "status": status,
                "source": {"reference": source_reference, "display": source_display}}
    if authored:
        response["authored"] = authored
    if with_score and only_field_ids is None and (score := score_extension(definition, answers)):
        response["extension"] = [score]
    return {**response, "item": groups} if groups else response

