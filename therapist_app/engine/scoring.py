"""Scored measures: one mechanism that turns a partner's answers into a score, chosen by the
worksheet's `scoring:` block. Add a method to METHODS to score a new kind of measure."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Score:
    name: str
    value: float
    minimum: int
    maximum: int
    cutoff: float | None


def _points(field, value):
    """An item's points: a 0–10 scale counts its own number; a choice counts its option's score."""
    if field.type == "scale":
        return value if isinstance(value, int) else None
    return next((option.score for option in field.options if option.value == value), None)


def _item_range(field) -> tuple[int, int]:
    if field.type == "scale":
        return 0, 10
    scores = [option.score for option in field.options]
    return min(scores), max(scores)


def sum_of_points(scoring, fields: dict, answers: dict) -> float | None:
    """The sum of every item's points; None unless every item was answered (a partial sum would read
    as a lower score than the partner gave)."""
    total = 0
    for item in scoring.items:
        if answers["states"].get(item):
            return None
        points = _points(fields[item], answers["values"].get(item))
        if points is None:
            return None
        total += points
    return total


METHODS = {"sum_of_points": sum_of_points}


def check_scoring(scoring, fields: dict) -> None:
    """A scoring block names existing single-choice or scale items, every option carries points, and
    its stated range is the range the items can actually give."""
    low = high = 0
    for item in scoring.items:
        field = fields.get(item)
        if field is None or field.type not in ("single_choice", "scale"):
            raise ValueError(f"scoring: item {item!r} must be a single_choice or scale question of this worksheet")
        if field.type == "single_choice" and any(option.score is None for option in field.options):
            raise ValueError(f"scoring: every option of {item!r} needs a score")
        item_low, item_high = _item_range(field)
        low, high = low + item_low, high + item_high
    if (low, high) != (scoring.minimum, scoring.maximum):
        raise ValueError(f"scoring: the items give {low}–{high}, not {scoring.minimum}–{scoring.maximum}")


def score_of(definition, answers: dict) -> Score | None:
    """The score of a submitted answer set, or None when the worksheet is not scored or an item is missing."""
    scoring = definition.scoring
    if scoring is None or not answers:
        return None
    fields = {field.id: field for field in definition.all_fields()}
    value = METHODS[scoring.method](scoring, fields, answers)
    if value is None:
        return None
    return Score(scoring.name, value, scoring.minimum, scoring.maximum, scoring.cutoff)
