"""Whether an answer set may be submitted: required fields answered, the rest answered or deliberately
skipped, and no answer longer than its question takes."""
from ..validators import over_limit_message
from .forms import is_over_limit_text, offers_skip


def is_answered(value) -> bool:
    return value not in (None, "", [], {})


ANSWER_NEEDED = "Please answer this question."


def unanswered_fields(fields, answers: dict) -> dict[str, str]:
    """field id -> what is missing, for every field that blocks submission."""
    problems = {}
    for field in fields:
        value = answers["values"].get(field.id)
        state = answers["states"].get(field.id)
        if is_answered(value) and not state:
            continue
        if state and offers_skip(field):
            continue
        problems[field.id] = (
            ANSWER_NEEDED if not offers_skip(field)
            else "Please answer this, or choose “Skip” or “I'm not ready for this yet”."
        )
    return problems


def too_long_fields(fields, answers: dict) -> dict[str, str]:
    """field id -> what to do, for every answer kept longer than its question takes (it blocks submitting).
    A question skipped or marked not ready is not answered, whatever text it still holds."""
    return {field.id: over_limit_message("This answer", field.max_length, len(answers["values"][field.id]))
            for field in fields if is_over_limit_text(field, answers["values"].get(field.id))
            and not answers["states"].get(field.id)}
