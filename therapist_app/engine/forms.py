"""Builds the answer form for one partner from worksheet data: no worksheet has a hand-written form."""
from wtforms import RadioField

from ..form_base import Form
from .fields import STATE_NOT_READY, STATE_SKIPPED, kind_of
from .presentation import label_for

ANSWER_PREFIX = "a__"
STATE_PREFIX = "s__"
STATE_ANSWER = "answer"


# How far past its limit a text answer is still kept as typed: a long paste, not anything at all.
KEPT_PAST_THE_LIMIT = 5


def is_over_limit_text(field, value) -> bool:
    """A text answer (not a table's cell) longer than its question takes, up to five times that, and
    otherwise storable: kept in the draft, never submitted."""
    limit = getattr(field, "max_length", None)
    return (isinstance(value, str) and limit is not None and limit < len(value) <= KEPT_PAST_THE_LIMIT * limit
            and "\x00" not in value)


def offers_skip(field) -> bool:
    """Every question that is not required can be skipped or marked not-ready (trauma-informed choice)."""
    return not field.required


def build_answer_form(fields, role, answers: dict, formdata=None, meta=None):
    """A form for the given fields, prefilled from `answers` unless formdata is posted."""
    attributes = {}
    data = {}
    for field in fields:
        kind = kind_of(field)
        attributes[ANSWER_PREFIX + field.id] = kind.form_field(field, label_for(field, role))
        data[ANSWER_PREFIX + field.id] = kind.to_form(answers["values"].get(field.id), field)
        if offers_skip(field):
            attributes[STATE_PREFIX + field.id] = RadioField(
                "How would you like to answer?",
                choices=[(STATE_ANSWER, "Answer it"), (STATE_SKIPPED, "Skip"),
                         (STATE_NOT_READY, "I'm not ready for this yet")],
                default=STATE_ANSWER,
            )
            data[STATE_PREFIX + field.id] = answers["states"].get(field.id, STATE_ANSWER)
    form_class = type("AnswerForm", (Form,), attributes)
    return form_class(formdata=formdata, data=data, meta=meta or {})


def answers_from_form(form, fields) -> tuple[dict, dict, dict]:
    """(values, states, errors) for the fields in this form. A field with an error keeps its old value,
    except a text answer over its limit (`is_over_limit_text`): that is kept as typed (a reload must
    not lose a long answer), with the error beside it until it is shortened, and the answers cannot be
    submitted meanwhile."""
    values, states, errors = {}, {}, {}
    for field in fields:
        answer_field = form[ANSWER_PREFIX + field.id]
        if answer_field.errors:
            errors[field.id] = list(_flatten(answer_field.errors))
            if not is_over_limit_text(field, answer_field.data):
                continue
        values[field.id] = kind_of(field).from_form(answer_field, field)
        state_field = form._fields.get(STATE_PREFIX + field.id)
        state = state_field.data if state_field is not None and not state_field.errors else STATE_ANSWER
        states[field.id] = None if state == STATE_ANSWER else state
    return values, states, errors


def _flatten(errors):
    # FieldList/FormField errors nest as lists of dicts; the partner needs the sentences.
    if isinstance(errors, dict):
        for value in errors.values():
            yield from _flatten(value)
    elif isinstance(errors, (list, tuple)):
        for value in errors:
            yield from _flatten(value)
    elif errors:
        yield str(errors)
