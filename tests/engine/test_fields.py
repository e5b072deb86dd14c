"""The field-kind registry: every kind is complete (its settings, label and widget macro), and its sample
answer goes through the answer form unchanged and fits its field."""
import pytest
from werkzeug.datastructures import MultiDict

from helpers import sample_answer
from therapist_app.engine.fields import KINDS, REGISTRY
from therapist_app.engine.forms import answers_from_form, build_answer_form
from therapist_app.models.response import empty_answers


def spec_of(kind):
    """A question of this kind with settings like those the builder starts one with."""
    data = {"id": "q", "type": kind.name, "label": "Question"}
    if kind.has_options:
        data["options"] = [{"value": "one", "label": "One"}, {"value": "two", "label": "Two"}]
    if kind.has_columns:
        data["columns"] = [{"id": "what", "label": "What"}, {"id": "why", "label": "Why"}]
    if kind.has_scale_labels:
        data.update(min_label="Not at all", max_label="Completely")
    return kind.spec_model.model_validate(data)


def test_every_kind_is_registered_once_with_a_label_and_a_widget(app):
    macros = app.jinja_env.get_template("therapist_app/_macros.html").module
    assert list(REGISTRY) == [kind.name for kind in KINDS]
    for kind in KINDS:
        assert kind.label
        assert callable(getattr(macros, kind.macro, None)), f"{kind.name}: no macro {kind.macro!r} in _macros.html"


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_sample_answer_goes_through_the_answer_form_unchanged(app, kind):
    spec = spec_of(kind)
    posted = MultiDict()
    for key, value in sample_answer(spec).items():
        for item in value if isinstance(value, list) else [value]:
            posted.add(key, item)
    with app.test_request_context(method="POST", data=posted):
        form = build_answer_form([spec], None, empty_answers(), formdata=posted)
        form.validate()
        values, _, errors = answers_from_form(form, [spec])
    assert errors == {}
    assert values["q"] == kind.sample_answer(spec)
    assert kind.accepts(values["q"], spec)
