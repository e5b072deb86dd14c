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


def parsed_already(content_hash: str) -> WorksheetDefinition | None:
    """The definition of this content if this process has parsed it (a version's content never changes,
    so its hash, read with the row that names the version, is enough: no need to load the version)."""
    return _PARSED.get(content_hash)


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


def condition_met(show_if, values: dict) -> bool:
    """Whether the answers in `values` satisfy a show_if: one condition, or several combined with
    any / all (an unanswered question satisfies no condition)."""
    if getattr(show_if, "any", None) is not None:
        return any(_one_condition_met(c, values) for c in show_if.any)
    if getattr(show_if, "all", None) is not None:
        return all(_one_condition_met(c, values) for c in show_if.all)
    return _one_condition_met(show_if, values)


def _one_condition_met(show_if, values: dict) -> bool:
    value = values.get(show_if.question)
    if value is None or value == []:
        return False
    chosen = set(value) if isinstance(value, list) else {value}
    if show_if.equals is not None:
        return show_if.equals in chosen
    if show_if.one_of is not None:
        return bool(chosen & set(show_if.one_of))
    if not isinstance(value, int):
        return False
    return value >= show_if.at_least if show_if.at_least is not None else value <= show_if.at_most


def live_condition(show_if, values: dict, on_page: set):
    """What is left of a show_if for the page to decide live, given the answers to questions on
    earlier parts: True (shown whatever happens on this page), False (hidden whatever happens), or
    the condition on questions of this page alone. One earlier "any" met shows the question; one
    earlier "all" unmet hides it."""
    conditions = show_if.conditions
    here = [c for c in conditions if c.question in on_page]
    if not here:
        return condition_met(show_if, values)
    earlier = [_one_condition_met(c, values) for c in conditions if c.question not in on_page]
    combined_any = getattr(show_if, "any", None) is not None
    if combined_any and any(earlier):
        return True
    if not combined_any and not all(earlier):
        return False
    if len(here) == 1:
        return here[0]
    return type(show_if).model_construct(**{"any" if combined_any else "all": here})


def _answered_values(answers: dict | None) -> dict:
    if answers is None:
        return {}
    states = answers.get("states") or {}
    return {k: v for k, v in (answers.get("values") or {}).items() if not states.get(k)}


def sections_for(definition: WorksheetDefinition, role: str | None, answers: dict | None = None,
                 within: int | None = None) -> list[SectionView]:
    """The sections and fields a partner sees, worded for their role. With `answers`, a question or
    section whose show_if is not met is left out, in document order (a question hidden by its own
    condition answers no later condition). `within`: the index of the section being shown, whose
    conditions on questions in that same section are left to the page (live with JavaScript); there,
    a field's show_if keeps only what the page still has to decide (see live_condition)."""
    values = _answered_values(answers)
    effective: dict = {}
    views = []
    for section in definition.sections:
        if not applies_to(section, role) or (answers is not None and section.show_if
                                              and not condition_met(section.show_if, effective)):
            continue
        fields = []
        for field in section.fields:
            if not applies_to(field, role):
                continue
            if answers is not None and field.show_if:
                on_page = {f.id for f in section.fields} if within is not None and len(views) == within else set()
                live = live_condition(field.show_if, effective, on_page)
                if live is False:
                    continue
                if live is True and within is not None:
                    field = field.model_copy(update={"show_if": None})  # decided: nothing left for the page
                elif live is not True and live is not field.show_if:
                    field = field.model_copy(update={"show_if": live})  # the part the page decides live
            fields.append(field)
            if field.id in values:
                effective[field.id] = values[field.id]
        if fields:
            views.append(SectionView(len(views), section, fields))
    return views


def sections_that_may_follow(definition: WorksheetDefinition, role: str | None, answers: dict,
                             shown: list[SectionView]) -> int:
    """How many parts left out of `shown` (their show_if unmet) could still appear: their condition
    waits on a question the partner is shown and hasn't answered yet. The page says "Part 1 of 5 (up
    to 6, depending on your answers)" rather than letting the count jump from 5 to 6 without a word."""
    values = _answered_values(answers)
    passed = (answers or {}).get("states") or {}  # skipped, or "I'd rather not say": decided for now
    open_questions = {f.id for view in shown for f in view.fields} - values.keys() - passed.keys()
    shown_sections = {id(view.section) for view in shown}
    return sum(1 for section in definition.sections
               if applies_to(section, role) and section.show_if and id(section) not in shown_sections
               and _could_be_met(section.show_if, values, open_questions))


def _could_be_met(show_if, values: dict, open_questions: set) -> bool:
    """Whether answering the open questions could meet the condition: for "all", every part is met or
    still open; otherwise (one condition, or "any"), some part is still open."""
    waiting = [c.question in open_questions for c in show_if.conditions]
    if getattr(show_if, "all", None) is not None:
        return any(waiting) and all(
            open_ or _one_condition_met(c, values) for open_, c in zip(waiting, show_if.conditions))
    return any(waiting)


def fields_for(definition: WorksheetDefinition, role: str | None, answers: dict | None = None) -> list:
    return [field for view in sections_for(definition, role, answers) for field in view.fields]


def field_by_id(definition: WorksheetDefinition, field_id: str):
    return next((f for f in definition.all_fields() if f.id == field_id), None)


def describe_condition(show_if, definition: WorksheetDefinition) -> str:
    """A show_if in words, for counselors: 'Shown only when “Was there contact?” is Yes', and for
    several conditions '… when “A” is Yes, or when “B” is 7 or more' (or 'and')."""
    parts = [_describe_one(c, definition) for c in show_if.conditions]
    if not all(parts):
        return ""
    joiner = ", or when " if getattr(show_if, "any", None) is not None else ", and when "
    return "Shown only when " + joiner.join(parts)


def _describe_one(show_if, definition: WorksheetDefinition) -> str:
    target = field_by_id(definition, show_if.question)
    if target is None:
        return ""
    labels = {o.value: o.label for o in getattr(target, "options", None) or []}
    if show_if.one_of is not None:
        test = "is " + " or ".join(labels.get(v, v) for v in show_if.one_of)
    elif show_if.equals is not None:
        test = f"is {labels.get(show_if.equals, show_if.equals)}"
    elif show_if.at_least is not None:
        test = f"is {show_if.at_least} or more"
    else:
        test = f"is {show_if.at_most} or less"
    return f"“{target.label}” {test}"
