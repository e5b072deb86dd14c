"""FHIR R4 in: a worksheet definition from a Questionnaire (exact for our own exports, best effort for
others), and a partner's answers from a QuestionnaireResponse. Every failure is one plain WorksheetError."""
import json
import unicodedata

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from .fhir import DEFAULT_PURPOSE, DEFINITION_EXTENSION
from .fhir_conditions import conditions_from_enable_when
from .fhir_measures import alerts_from, option_score, scoring_from, stands_alone
from .fields import UnfitAnswer, kind_of
from .identifiers import plain_words, unique_identifier
from .loader import WorksheetError, validate_definition
from .schema import WorksheetDefinition

MAX_DEPTH, MAX_NODES = 40, 50000  # deeper or bigger JSON is no questionnaire; it would only exhaust the validator
# Foreign item types with a direct worksheet type; numbers, times and web addresses are answered in one line.
SIMPLE_TYPES = {"string": "short_text", "decimal": "short_text", "url": "short_text", "time": "short_text",
                "quantity": "short_text", "text": "long_text", "date": "date", "dateTime": "date"}
UNSUPPORTED = {"attachment": "a file upload", "reference": "a link to another record"}


def _validate(model, data, source: str) -> None:
    """Checks JSON against a fhir.resources R4 model; every failure becomes one plain WorksheetError."""
    name = model.__name__
    if not isinstance(data, dict):
        raise WorksheetError(source, f"this is not a FHIR {name}: expected a JSON object")
    if (found := data.get("resourceType")) != name:
        found = f"a {str(found)[:40]!r}" if found else "no resourceType"
        raise WorksheetError(source, f"this is not a FHIR {name} (the file has {found})")
    stack, nodes = [(data, 0)], 0
    while stack:  # walked without recursion: hostile nesting must not crash the validator
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > MAX_NODES:
            raise WorksheetError(source, f"the {name} is too large or nested too deeply to import")
        stack += [(child, depth + 1) for child in (node.values() if isinstance(node, dict) else node)
                  if isinstance(child, (dict, list))]
    try:
        model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = " ".join(f"{p + 1}" if isinstance(p, int) else f"› {p}" for p in error["loc"]).lstrip("› ")
        message = " ".join(str(error["msg"]).removeprefix("Value error, ").split())[:200]
        if error["type"] == "extra_forbidden":
            message = "this key is not part of FHIR R4"
        elif error["type"] == "string_pattern_mismatch" or "spec regex" in message:  # fhir.resources' own words
            message = "this value is empty or not in the form FHIR expects (dates look like 2024-03-05)"
        raise WorksheetError(source, f"not a valid FHIR R4 {name}: {message}", where=where or None) from None
    except Exception as exc:  # fhir.resources may raise other errors on odd input; none may escape raw
        raise WorksheetError(source, f"not a valid FHIR R4 {name} ({type(exc).__name__})") from None


def definition_from_questionnaire(data: dict, *, source: str = "questionnaire.json") -> WorksheetDefinition:
    """A worksheet definition from R4 Questionnaire JSON: exact for our own exports, best effort for others."""
    _validate(Questionnaire, data, source)
    for extension in data.get("extension") or []:
        if extension.get("url") == DEFINITION_EXTENSION:
            try:
                stored = json.loads(extension.get("valueString") or "")
            except (ValueError, RecursionError):
                raise WorksheetError(source, "the worksheet stored in this file is damaged (not valid JSON)") from None
            return validate_definition(stored, source)
    return validate_definition(_foreign_definition(data, source), source)


def _clean(text, limit: int) -> str:
    """Text the schema accepts: no control characters, trimmed, cut to the schema's length limit."""
    if not isinstance(text, str):
        return ""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"




def _foreign_definition(data: dict, source: str) -> dict:
    """Plain definition data from a Questionnaire made elsewhere: groups become sections, questions fields."""
    field_ids, section_ids, blocks, loose = set(), set(), [], None
    for item in data.get("item") or []:
        if item["type"] == "group":
            blocks.append((item["linkId"], _clean(item.get("text"), 120) or f"Part {len(blocks) + 1}",
                           _fields(item.get("item") or [], field_ids, source), item))
        elif fields := _fields([item], field_ids, source):
            if loose is None:  # loose top-level questions share one section, placed where the first stood
                loose = ("questions", "Questions", [], {})
                blocks.append(loose)
            loose[2].extend(fields)
    sections = []
    for hint, title, fields, group in blocks:
        for start in range(0, len(fields), 60):  # a section holds at most 60 fields; long groups continue
            sections.append({"id": unique_identifier(hint, section_ids, "part"), "fields": fields[start:start + 60],
                             "title": title if not start else f"{title[:108]} (continued)", "_item": group})
    by_link = {field["_item"]["linkId"]: field for section in sections for field in section["fields"]}
    for field in by_link.values():
        alerts_from(field["_item"], field, source)
    scoring = scoring_from(data, by_link, source)
    conditions_from_enable_when(sections, source)
    if not sections:
        raise WorksheetError(source, "this questionnaire has no questions a worksheet can hold")
    if len(sections) > 20:
        raise WorksheetError(source, f"this questionnaire has {len(sections)} groups of questions; a worksheet "
                                     "holds at most 20 sections. Please combine some groups and import it again.")
    name = data.get("name") or data.get("title") or ""
    slug = "-".join(plain_words(name).split())[:80].strip("-")
    return {
        "slug": slug if len(slug) >= 2 else "imported-questionnaire",
        "title": _clean(data.get("title"), 120) or _clean(data.get("name"), 120) or "Imported questionnaire",
        "purpose": _clean(data.get("description"), 2000) or DEFAULT_PURPOSE,
        "estimated_minutes": 10, "stage": 0, "sections": sections, **({"scoring": scoring} if scoring else {}),
    }


def _fields(items: list, field_ids: set, source: str) -> list[dict]:
    """Fields for questions in order; nested groups and follow-up questions are flattened into the list."""
    fields = []
    for item in items:
        if item["type"] not in ("group", "display"):
            fields.append(_field(item, field_ids, source))
        fields.extend(_fields(item.get("item") or [], field_ids, source))
    return fields


def _field(item: dict, field_ids: set, source: str) -> dict:
    """One foreign question as field data; types a worksheet cannot hold are refused by name."""
    kind, label = item["type"], _clean(item.get("text"), 300) or _clean(f"Question {item['linkId']}", 300)
    if kind in UNSUPPORTED:
        raise WorksheetError(source, f"the question {label!r} asks for {UNSUPPORTED[kind]}, which a worksheet "
                                     "cannot hold. Please remove it and import again.")
    field = {"id": unique_identifier(item["linkId"], field_ids, "q"), "label": label, "_item": item}
    if item.get("required"):
        field["required"] = True
    notes = " ".join(_clean(c.get("text"), 2000) for c in item.get("item") or [] if c["type"] == "display")
    if notes.strip():
        field["help"] = _clean(notes, 2000)
    options = _options(item, label, source) if kind in ("choice", "open-choice") else None
    if kind in SIMPLE_TYPES or (options is not None and len(options) < 2):
        # A choice needs two options; one we cannot list (e.g. a value set elsewhere) is asked in words.
        field["type"] = SIMPLE_TYPES.get(kind, "short_text")
    elif kind == "integer":
        field.update(type="scale", min_label="0", max_label="10")
    elif kind == "boolean":
        field.update(type="single_choice", options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
                     _codes={"yes": "yes", "no": "no"})
    elif options is not None:
        field.update(type="multi_choice" if item.get("repeats") else "single_choice",
                     options=[{k: v for k, v in o.items() if k not in ("code", "alone")} for o in options],
                     _codes={o["code"]: o["value"] for o in options})
        if item.get("repeats") and any(o.get("alone") for o in options):
            field["exclusive_values"] = [o["value"] for o in options if o.get("alone")]
    else:
        raise WorksheetError(source, f"the question {label!r} has a type this app does not know ({str(kind)[:30]!r})")
    if field["type"] in ("short_text", "long_text") and isinstance(item.get("maxLength"), int):
        field["max_length"] = max(1, min(item["maxLength"], 1000 if field["type"] == "short_text" else 50000))
    return field


def _options(item: dict, label: str, source: str) -> list[dict]:
    """Options from answerOption codings or plain values, with safe, unique snake_case values."""
    options, taken = [], set()
    for choice in item.get("answerOption") or []:
        coding = choice.get("valueCoding") or {}
        plain = next((choice[k] for k in ("valueString", "valueInteger", "valueDate", "valueTime") if k in choice),
                     None)
        text = _clean(coding.get("display") or coding.get("code") or (None if plain is None else str(plain)), 300)
        if text:
            options.append({"value": unique_identifier(coding.get("code") or text, taken, "option"), "label": text,
                            "code": coding.get("code") or (None if plain is None else str(plain))})
            if (points := option_score(choice)) is not None:
                options[-1]["score"] = points
            if stands_alone(choice):
                options[-1]["alone"] = True
    if len(options) > 30:
        raise WorksheetError(source, f"the question {label!r} has {len(options)} answer options; "
                                     "a worksheet question offers at most 30")
    return options


def answers_from_questionnaire_response(
    definition: WorksheetDefinition, data: dict, *, source: str = "questionnaire-response.json",
) -> dict:
    """Answers {"values", "states"} from R4 QuestionnaireResponse JSON for this worksheet (inverse of the export)."""
    _validate(QuestionnaireResponse, data, source)
    fields = {f.id: f for f in definition.all_fields()}
    found: dict[str, list] = {}
    _collect(data.get("item") or [], fields, found)
    values = {}
    for field_id, items in found.items():
        field = fields[field_id]
        try:
            value = _read(field, items)
        except Exception as exc:  # a malformed answer (wrong value type, missing code) is the file's fault
            problem = str(exc) if isinstance(exc, UnfitAnswer) else "the answer is not in the form this question expects"
            raise WorksheetError(source, problem, where=f"question {field.label[:80]!r}") from None
        if value is not None:
            values[field_id] = value
    return {"values": values, "states": {}}


def _collect(items: list, fields: dict, found: dict) -> None:
    """Response items by field id, looking through sections and nested answers (rows repeat their item)."""
    for item in items:
        if item["linkId"] in fields:
            found.setdefault(item["linkId"], []).append(item)
            continue
        _collect(item.get("item") or [], fields, found)
        for answer in item.get("answer") or []:
            _collect(answer.get("item") or [], fields, found)


def _read(field, items: list):
    """The stored value of one field from its response item(s), read by its kind; UnfitAnswer when the
    file's answer cannot be this field's."""
    kind = kind_of(field)
    value = kind.from_fhir_items(items, field)
    if value is not None and not kind.accepts(value, field):
        raise UnfitAnswer("the answer does not fit this question (wrong kind of value, unknown option or too long)")
    return value
