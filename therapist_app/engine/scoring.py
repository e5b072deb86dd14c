"""Scored measures: one mechanism that turns a partner's answers into a score, chosen by the
worksheet's `scoring:` block. Add a method to METHODS to score a new kind of measure."""
from dataclasses import dataclass

from .fields import kind_of


@dataclass(frozen=True)
class Score:
    name: str
    value: float
    minimum: int
    maximum: int
    cutoff: float | None


def sum_of_points(scoring, fields: dict, answers: dict) -> float | None:
    """The sum of every item's points; None unless every item was answered (a partial sum would read
    as a lower score than the partner gave)."""
    total = 0
    for item in scoring.items:
        if answers["states"].get(item):
            return None
        field = fields[item]
        points = kind_of(field).points(answers["values"].get(item), field)
        if points is None:
            return None
        total += points
    return total


METHODS = {"sum_of_points": sum_of_points}


def check_scoring(scoring, fields: dict) -> None:
    """A scoring block names existing items that give one answer each (single-choice or scale), every
    answer carries points, and its stated range is the range the items can actually give."""
    low = high = 0
    for item in scoring.items:
        field = fields.get(item)
        answers = None if field is None else kind_of(field).possible_answers(field)
        if answers is None:
            raise ValueError(f"scoring: item {item!r} must be a single_choice or scale question of this worksheet")
        points = [kind_of(field).points(answer, field) for answer in answers]
        if None in points:
            raise ValueError(f"scoring: every option of {item!r} needs a score")
        low, high = low + min(points), high + max(points)
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
