"""Risk answers and scoring in FHIR R4, both ways: what raises a counselor alert, what brings crisis
resources, each option's points and a worksheet's scoring block, as extensions another system can read
(our own exports also carry the whole definition, which our import prefers). A QuestionnaireResponse
of a scored measure can carry its score, for the counselor's exports only.

Import refuses by name what it cannot hold (a risk answer naming no option, a scoring block that
names unknown questions) rather than dropping it: a lost risk answer would silence an alert.
"""
from .loader import WorksheetError
from .scoring import score_of

RISK_VALUE = "urn:therapist-app:risk-value"  # on a choice item, once per answer that alerts the counselor
CRISIS_VALUE = "urn:therapist-app:crisis-value"  # on a choice item, once per answer that shows crisis resources
SCORING = "urn:therapist-app:scoring"  # on the Questionnaire: how its answers become one score
SCORE = "urn:therapist-app:score"  # on a QuestionnaireResponse: the score of a scored measure
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"  # R4's standard points of an option
# The standard mark of an option that stands alone ("None of these"): a worksheet's exclusive_values.
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"

ALERT_EXTENSIONS = {RISK_VALUE: "risk_values", CRISIS_VALUE: "crisis_values"}


def item_extensions(field) -> list[dict]:
    """The risk and crisis answers of a choice question, as extensions of its item."""
    return [{"url": url, "valueCoding": {"code": value}}
            for url, key in ALERT_EXTENSIONS.items() for value in getattr(field, key, None) or ()]


def option_extensions(option, field) -> list[dict]:
    points = [] if option.score is None else [{"url": ORDINAL_VALUE, "valueDecimal": option.score}]
    alone = option.value in (getattr(field, "exclusive_values", None) or ())
    return points + ([{"url": OPTION_EXCLUSIVE, "valueBoolean": True}] if alone else [])


def scoring_extension(scoring) -> dict:
    """A worksheet's scoring block as one complex extension (its parts named as in the worksheet file)."""
    parts = [{"url": "method", "valueCode": scoring.method}, {"url": "name", "valueString": scoring.name}]
    parts += [{"url": "item", "valueString": item} for item in scoring.items]
    parts += [{"url": "minimum", "valueInteger": scoring.minimum}, {"url": "maximum", "valueInteger": scoring.maximum}]
    if scoring.cutoff is not None:
        parts.append({"url": "cutoff", "valueDecimal": scoring.cutoff})
    if scoring.cutoff_label is not None:
        parts.append({"url": "cutoff_label", "valueString": scoring.cutoff_label})
    return {"url": SCORING, "extension": parts}


def score_extension(definition, answers: dict) -> dict | None:
    """The score of a complete answer set to a scored measure, or None (not scored, or an item missing)."""
    score = score_of(definition, {"values": (answers or {}).get("values") or {},
                                  "states": (answers or {}).get("states") or {}})
    if score is None:
        return None
    value = int(score.value) if float(score.value).is_integer() else score.value
    parts = [{"url": "name", "valueString": score.name}, {"url": "value", "valueDecimal": value},
             {"url": "minimum", "valueInteger": score.minimum}, {"url": "maximum", "valueInteger": score.maximum}]
    if score.cutoff is not None:
        parts.append({"url": "cutoff", "valueDecimal": score.cutoff})
    return {"url": SCORE, "extension": parts}


def option_score(choice: dict) -> int | None:
    """An answer option's points from its ordinalValue, when they are whole points a worksheet can hold
    (0–100); other weights are left out, as no scoring block of ours could use them."""
    for extension in choice.get("extension") or []:
        if extension.get("url") == ORDINAL_VALUE:
            value = extension.get("valueDecimal")
            if isinstance(value, (int, float)) and float(value).is_integer() and 0 <= value <= 100:
                return int(value)
    return None


def stands_alone(choice: dict) -> bool:
    return any(e.get("url") == OPTION_EXCLUSIVE and e.get("valueBoolean") is True for e in choice.get("extension") or [])


def alerts_from(item: dict, field: dict, source: str) -> None:
    """Sets risk_values / crisis_values on an imported choice field from its item's extensions."""
    codes = field.get("_codes") or {}
    for url, key in ALERT_EXTENSIONS.items():
        wanted = [(e.get("valueCoding") or {}).get("code") for e in item.get("extension") or [] if e.get("url") == url]
        if not wanted:
            continue
        if "options" not in field or any(code not in codes for code in wanted):
            raise WorksheetError(source, f"the question {field['label']!r} marks an answer for the counselor's "
                                         "attention that is not one of its options. Please correct it and "
                                         "import again.")
        field[key] = [codes[code] for code in wanted]


def scoring_from(data: dict, fields_by_link: dict, source: str) -> dict | None:
    """A scoring block from the Questionnaire's scoring extension, with the worksheet's own ids."""
    extension = next((e for e in data.get("extension") or [] if e.get("url") == SCORING), None)
    if extension is None:
        return None
    scoring, items = {}, []
    for part in extension.get("extension") or []:
        name, value = part.get("url"), next((v for k, v in part.items() if k.startswith("value")), None)
        if name == "item":
            if value not in fields_by_link:
                raise WorksheetError(source, "the scoring of this questionnaire names a question that is not in it")
            items.append(fields_by_link[value]["id"])
        elif name in ("method", "name", "minimum", "maximum", "cutoff", "cutoff_label"):
            scoring[name] = value
    return {**scoring, "items": items}
