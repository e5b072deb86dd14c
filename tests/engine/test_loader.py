"""The worksheet engine: every library exercise works, and broken files are refused with file and line."""
import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from helpers import sample_answer
from support import LIBRARY
from therapist_app.engine.completeness import unanswered_fields
from therapist_app.engine.forms import answers_from_form, build_answer_form
from therapist_app.engine.loader import MAX_DEPTH, WorksheetError, load_directory, load_file, load_text
from therapist_app.engine.presentation import fields_for
from therapist_app.models.response import empty_answers

SLUGS = sorted(p.stem for p in LIBRARY.glob("*.yaml"))
MINIMAL = """slug: tiny
title: Tiny
purpose: A tiny worksheet.
estimated_minutes: 5
stage: 1
sections:
  - id: one
    title: One
    fields:
      - id: feeling
        type: long_text
        label: How are you?
"""


def test_the_library_covers_every_strategy_of_the_article_and_loads_cleanly():
    result = load_directory(LIBRARY)
    assert result.errors == []
    expected = {"underlying-reasons", "honest-conversation", "new-boundaries", "building-safety-together",
                "self-care-and-self-worth", "mindful-reconnection", "pain-is-normal", "patterns-before-the-rupture",
                "empathy-exchange", "weekly-trust-check-in", "safety-check-in", "deciding-our-future"}
    assert expected <= set(result.worksheets)


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("role", [None, "hurt", "involved"])
def test_each_exercise_renders_as_a_form_and_accepts_full_and_partly_skipped_answers(app, slug, role):
    definition = load_file(LIBRARY / f"{slug}.yaml").definition
    fields = fields_for(definition, role)
    assert fields, "every partner sees at least one question"
    full = MultiDict()
    for field in fields:
        for key, value in sample_answer(field).items():
            for item in value if isinstance(value, list) else [value]:
                full.add(key, item)
    with app.test_request_context(method="POST", data=full):
        form = build_answer_form(fields, role, empty_answers(), formdata=full)
        form.validate()
        values, states, errors = answers_from_form(form, fields)
    assert errors == {}
    assert unanswered_fields(fields, {"values": values, "states": states}) == {}

    skipped = MultiDict()
    for field in fields:
        if not field.required:
            skipped.add(f"s__{field.id}", "skipped")
        else:
            for key, value in sample_answer(field).items():
                skipped.add(key, value)
    with app.test_request_context(method="POST", data=skipped):
        form = build_answer_form(fields, role, empty_answers(), formdata=skipped)
        form.validate()
        values, states, errors = answers_from_form(form, fields)
    assert errors == {}
    assert unanswered_fields(fields, {"values": values, "states": states}) == {}


def test_sensitive_questions_are_never_required_in_the_library():
    for slug in SLUGS:
        for field in load_file(LIBRARY / f"{slug}.yaml").definition.all_fields():
            assert not (field.sensitive and field.required), (slug, field.id)


def test_the_safety_check_in_is_private_and_neutral():
    definition = load_file(LIBRARY / "safety-check-in.yaml").definition
    assert definition.title == "Check-in" and definition.kind == "safety_check_in"
    assert all(field.visibility == "counselor" for field in definition.all_fields())
    assert any(getattr(field, "risk_values", None) for field in definition.all_fields())


def test_physical_exercises_are_locked_and_open_with_a_readiness_check():
    definition = load_file(LIBRARY / "mindful-reconnection.yaml").definition
    assert definition.requires_unlock and definition.readiness_check is not None
    assert definition.stage == 3
    assert any(field.type == "agreement" for field in definition.all_fields())


@pytest.mark.parametrize("broken, line, words", [
    (MINIMAL.replace("type: long_text", "type: long_txt"), 10, "unknown field type 'long_txt'"),
    (MINIMAL.replace("label: How are you?", "label: How are you?\n        colour: red"), 13, "unknown key 'colour'"),
    (MINIMAL.replace("        label: How are you?", "        label: How are you?\n        sensitive: true\n        required: true"),
     10, "can never be required"),
    (MINIMAL + "      - id: feeling\n        type: short_text\n        label: Again\n", 13, "duplicate field id"),
    (MINIMAL.replace("stage: 1", "stage: 1\nstage: 2"), 6, "duplicate key 'stage'"),
    (MINIMAL.replace("sections:", "sections: [oops"), 7, "not valid YAML"),
    (MINIMAL.replace("estimated_minutes: 5", "estimated_minutes: '5'"), 4, "valid integer"),
])
def test_a_broken_file_is_refused_with_its_file_line_and_problem(tmp_path, broken, line, words):
    path = tmp_path / "tiny.yaml"
    path.write_text(broken)
    with pytest.raises(WorksheetError) as caught:
        load_file(path)
    message = str(caught.value)
    assert message.startswith("tiny.yaml, line ")
    assert caught.value.line == line, message
    assert words in message


def test_a_broken_file_does_not_stop_the_rest_of_the_library(tmp_path):
    (tmp_path / "tiny.yaml").write_text(MINIMAL)
    (tmp_path / "broken.yaml").write_text("slug: broken\ntitle: [")
    result = load_directory(tmp_path)
    assert list(result.worksheets) == ["tiny"]
    assert len(result.errors) == 1 and result.errors[0].source == "broken.yaml"


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 2_000, 100_000])
@pytest.mark.parametrize("opening, closing", [("[", "]"), ("{a: ", "}")])
def test_a_file_nested_too_deep_is_refused_with_its_line_and_never_ends_the_process(levels, opening, closing):
    # 100,000 levels is 200 KB, under the size limit; libyaml's composer ended the process at 40,000.
    text = opening * levels + "x" + closing * levels
    with pytest.raises(WorksheetError) as refused:
        load_text(text, "deep.yaml")
    assert str(refused.value) == f"deep.yaml, line 1: the file is nested more than {MAX_DEPTH} levels deep"


def test_an_alias_bomb_is_refused_rather_than_expanded():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    with pytest.raises(WorksheetError, match="expands to more than"):
        load_text(bomb, "bomb.yaml")


def test_json_worksheets_load_too(tmp_path):
    (tmp_path / "tiny.json").write_text(json.dumps(yaml.safe_load(MINIMAL)))
    assert load_file(tmp_path / "tiny.json").definition.title == "Tiny"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=2000))
def test_any_text_at_all_gives_a_clear_error_or_a_worksheet_never_a_crash(text):
    try:
        load_text(text, "fuzz.yaml")
    except WorksheetError as error:
        assert str(error).startswith("fuzz.yaml")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["slug", "title", "purpose", "estimated_minutes", "stage", "sections",
                                        "kind", "tags", "readiness_check", "odd"]), json_values))
def test_structured_garbage_gives_a_clear_error_never_a_crash(data):
    text = json.dumps(data)
    try:
        load_text(text, "fuzz.json")
    except WorksheetError as error:
        assert str(error).startswith("fuzz.json")


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=400))
def test_odd_unicode_in_labels_is_accepted_or_refused_cleanly(label):
    data = yaml.safe_load(MINIMAL)
    data["sections"][0]["fields"][0]["label"] = label
    try:
        loaded = load_text(json.dumps(data), "unicode.json")
    except WorksheetError as error:
        assert "unicode.json" in str(error)
    else:
        assert loaded.definition.sections[0].fields[0].label == label.strip()
