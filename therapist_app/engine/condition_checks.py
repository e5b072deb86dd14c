"""The checker's rules for show_if: every condition asks about an earlier question that can answer it,
and an "all" leaves some answer that meets it. Called by the schema's whole-file check (engine/schema.py)
on a definition's sections; it takes the schema's objects without importing them. What a question can
be asked (numbers or options, which answers it can give) is its field kind's to say."""
from .fields import kind_of


def check_conditions(sections) -> None:
    """Every show_if asks about an earlier question that can answer it: a scale for numbers, a choice
    for its own options. A condition on a later question could never be met while answering."""
    earlier: dict = {}
    for section in sections:
        if section.show_if:
            _check_condition(section.show_if, earlier, f"section {section.id!r}")
        for field in section.fields:
            if field.show_if:
                _check_condition(field.show_if, earlier, f"field {field.id!r}")
            earlier[field.id] = field


def _check_condition(show_if, earlier: dict, where: str) -> None:
    for condition in show_if.conditions:
        _check_one_condition(condition, earlier, where)
    if getattr(show_if, "all", None) is not None:  # a ShowIfAll (this module sits below the schema)
        if any(c.one_of is not None for c in show_if.all):
            # FHIR's enableWhen cannot nest "any" inside "all"; the worksheet must export as it reads
            raise ValueError(f"{where}: inside show_if 'all', each condition tests one value "
                             "(equals, at_least or at_most), not one_of")
        _check_all_can_be_met(show_if, earlier, where)


def _check_all_can_be_met(show_if, earlier: dict, where: str) -> None:
    """Conditions that must all hold on one single-choice or scale answer must leave some answer that
    meets them all; otherwise the question could never be shown."""
    for question in {c.question for c in show_if.conditions}:
        target = earlier[question]
        possible = kind_of(target).possible_answers(target)
        if possible is None:
            continue  # several boxes may be ticked at once
        for condition in show_if.conditions:
            if condition.question == question:
                possible = {v for v in possible if _one_met(condition, v)}
        if not possible:
            raise ValueError(f"{where}: show_if needs all of its conditions on {question!r}, "
                             "and no single answer meets them all")


def _one_met(condition, value) -> bool:
    if condition.equals is not None:
        return value == condition.equals
    if condition.one_of is not None:
        return value in condition.one_of
    return value >= condition.at_least if condition.at_least is not None else value <= condition.at_most


def _check_one_condition(show_if, earlier: dict, where: str) -> None:
    target = earlier.get(show_if.question)
    if target is None:
        raise ValueError(f"{where}: show_if asks about {show_if.question!r}, which is not an earlier question")
    kind = kind_of(target)
    if not (kind.numeric or kind.has_options):
        raise ValueError(f"{where}: show_if can ask about a scale or a choice, not a {target.type} question")
    if kind.numeric:
        if show_if.one_of is not None or isinstance(show_if.equals, str):
            raise ValueError(f"{where}: a scale is compared with numbers (equals, at_least, at_most)")
        if show_if.equals is not None and show_if.equals not in kind.possible_answers(target):
            raise ValueError(f"{where}: a scale answers 0 to 10, so it never equals {show_if.equals}")
    else:
        if show_if.at_least is not None or show_if.at_most is not None or isinstance(show_if.equals, int):
            raise ValueError(f"{where}: a choice is compared with its options (equals, one_of)")
        wanted = set(show_if.one_of or [show_if.equals])
        unknown = wanted - {option.value for option in target.options}
        if unknown:
            raise ValueError(f"{where}: show_if names options {sorted(unknown)} that {target.id!r} does not have")
