"""Conditional questions in FHIR R4: show_if as enableWhen / enableBehavior, both ways.

Export: equals and one_of become "=" answers (one_of as several with enableBehavior "any"); at_least
and at_most become ">=" and "<=" with an integer; {any: [...]} and {all: [...]} become their conditions'
enableWhen together, with enableBehavior "any" or "all". Import reads the same shapes, as the SDC
implementation guide draws them (answerCoding, answerBoolean, answerInteger), and refuses by name
what a worksheet cannot hold rather than dropping it.
"""
from .fields import REGISTRY, kind_of
from .loader import WorksheetError

OPERATOR_FOR = {"at_least": ">=", "at_most": "<="}


def enable_when(show_if, by_id: dict) -> dict:
    """The enableWhen (and enableBehavior) keys of an item with this show_if; `by_id`: the fields by
    id. Several conditions become several enableWhen with enableBehavior "any" or "all"."""
    combined = next((name for name in ("any", "all") if getattr(show_if, name, None) is not None), None)
    if combined is None:
        return _one_enable_when(show_if, by_id[show_if.question])
    checks = []
    for condition in show_if.conditions:
        one = _one_enable_when(condition, by_id[condition.question])
        checks += one["enableWhen"]
    return {"enableWhen": checks, "enableBehavior": combined}


def _one_enable_when(show_if, target) -> dict:
    if show_if.one_of is not None:
        return {"enableWhen": [_equals(show_if.question, value, target) for value in show_if.one_of],
                "enableBehavior": "any"}
    if show_if.equals is not None:
        return {"enableWhen": [_equals(show_if.question, show_if.equals, target)]}
    test = "at_least" if show_if.at_least is not None else "at_most"
    return {"enableWhen": [{"question": show_if.question, "operator": OPERATOR_FOR[test],
                            "answerInteger": getattr(show_if, test)}]}


def _equals(question: str, value, target) -> dict:
    if kind_of(target).numeric:
        return {"question": question, "operator": "=", "answerInteger": value}
    return {"question": question, "operator": "=", "answerCoding": {"code": value}}


def conditions_from_enable_when(sections: list[dict], source: str) -> None:
    """Turns each item's enableWhen into a show_if on the worksheet's own ids, then drops the notes
    the import kept for it (the original item, the option codes)."""
    by_link = {field["_item"]["linkId"]: field for section in sections for field in section["fields"]}
    for section in sections:
        show_if = show_if_from(section["_item"], by_link, section["title"], source) if section["_item"] else None
        if show_if:
            section["show_if"] = show_if
        for field in section["fields"]:
            if show_if := show_if_from(field["_item"], by_link, field["label"], source):
                field["show_if"] = show_if
    for section in sections:
        del section["_item"]
        for field in section["fields"]:
            field.pop("_item"), field.pop("_codes", None)


def show_if_from(item: dict, fields_by_link: dict, label: str, source: str) -> dict | None:
    """A show_if from a foreign item's enableWhen, with the worksheet's own ids, or None when the item
    has none. `fields_by_link`: linkId -> the imported field (with `_codes`: code -> option value).
    Several enableWhen become {any: [...]} or {all: [...]} as enableBehavior says; "any" of several
    answers to one choice question reads as one_of."""
    conditions = item.get("enableWhen") or []
    if not conditions:
        return None
    if any(c.get("question") not in fields_by_link for c in conditions):
        return _refuse(label, source, "depends on a question that is not in this file")
    tests = [(fields_by_link[c["question"]]["id"], *_test(c, fields_by_link[c["question"]], label, source))
             for c in conditions]
    behavior = item.get("enableBehavior")
    if len(tests) > 1 and behavior not in ("any", "all"):
        return _refuse(label, source, "has several conditions but does not say whether any or all must be met")
    combined = []
    for question, name, value in tests:
        last = combined[-1] if combined else None
        if behavior == "any" and name == "equals" and isinstance(value, str) and last \
                and last["question"] == question and ("one_of" in last or isinstance(last.get("equals"), str)):
            last["one_of"] = last.pop("one_of", None) or [last.pop("equals")]
            last["one_of"].append(value)
        else:
            combined.append({"question": question, name: value})
    if len(combined) == 1:
        return combined[0]
    if len(combined) > 10:
        return _refuse(label, source, "combines more than 10 conditions")
    return {behavior: combined}


def _test(condition: dict, target: dict, label: str, source: str) -> tuple[str, object]:
    operator = condition.get("operator")
    if "answerInteger" in condition and REGISTRY[target["type"]].numeric:
        number = condition["answerInteger"]
        mapped = {"=": ("equals", number), ">=": ("at_least", number), "<=": ("at_most", number),
                  ">": ("at_least", number + 1) if isinstance(number, int) else None,
                  "<": ("at_most", number - 1) if isinstance(number, int) else None}.get(operator)
        if mapped and isinstance(number, int) and 0 <= mapped[1] <= 10:
            return mapped
    elif operator == "=" and "answerBoolean" in condition and target["type"] == "single_choice":
        value = "yes" if condition["answerBoolean"] is True else "no"
        if value in target.get("_codes", {}).values():
            return "equals", value
    elif operator == "=" and "answerCoding" in condition:
        code = (condition["answerCoding"] or {}).get("code")
        if code in target.get("_codes", {}):
            return "equals", target["_codes"][code]
    return _refuse(label, source, f"has a condition this app can't ask ({operator!r} on {target['label'][:60]!r})")


def _refuse(label: str, source: str, why: str):
    raise WorksheetError(source, f"the question {label!r} {why}. Please simplify it and import again.")
