"""Whether an answer set may be submitted: required fields answered, the rest answered or deliberately skipped."""
from .forms import offers_skip


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
