"""FHIR R4 export and import: every library exercise round-trips, foreign files import, nothing hidden leaks."""
import copy
import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from support import LIBRARY
from therapist_app.engine.fhir import DEFINITION_EXTENSION, questionnaire, questionnaire_response
from therapist_app.engine.fhir_import import answers_from_questionnaire_response, definition_from_questionnaire
from therapist_app.engine.fields import REGISTRY
from therapist_app.engine.loader import WorksheetError, load_directory
from therapist_app.engine.presentation import fields_for

SLUGS = sorted(p.stem for p in LIBRARY.glob("*.yaml"))
BASE = "https://counsel.example.org/"
URL = "https://counsel.example.org/fhir/Questionnaire/x"
EXPECTED_FHIR_TYPE = {
    "short_text": "string", "long_text": "text", "agreement": "text", "scale": "integer", "single_choice": "choice",
    "multi_choice": "choice", "checklist": "choice", "date": "date", "rows": "group",
}


@pytest.fixture(scope="module")
def library():
    loaded = load_directory(LIBRARY)
    assert not loaded.errors
    assert sorted(loaded.worksheets) == SLUGS and len(SLUGS) == 21
    return {slug: w.definition for slug, w in loaded.worksheets.items()}


def export(definition, version=3):
    return questionnaire(definition, slug=definition.slug, version=version, base_url=BASE)


def all_link_ids(items):
    for item in items:
        yield item["linkId"]
        yield from all_link_ids(item.get("item", []))


def sample_value(field):
    """One answer of the right shape for a field."""
    if field.type == "scale":
        return 7
    if field.type == "single_choice":
        return field.options[0].value
    if field.type in ("multi_choice", "checklist"):  # two that may go together ("None of these" goes alone)
        combinable = [o.value for o in field.options if o.value not in (field.exclusive_values or ())]
        return [combinable[0], combinable[-1]]
    if field.type == "date":
        return "2024-03-05"
    if field.type == "rows":
        return [{c.id: f"row {n} {c.label}"[: c.max_length] for c in field.columns} for n in (1, 2)]
    return f"My answer to {field.id}, with ünïcode and a line\nbreak"[: field.max_length]


def respond(definition, answers, **kwargs):
    options = dict(questionnaire_url=URL, status="completed", source_reference="Patient/p-17",
                   source_display="Alex", authored="2024-03-05T10:15:00+00:00")
    return questionnaire_response(definition, answers, **{**options, **kwargs})


# --- Questionnaire export and import ---------------------------------------------------------------

@pytest.mark.parametrize("slug", SLUGS)
def test_library_exercise_exports_valid_questionnaire_and_round_trips(library, slug):
    definition = library[slug]
    exported = json.loads(json.dumps(export(definition)))  # must survive plain JSON
    Questionnaire.model_validate(exported)
    assert exported["resourceType"] == "Questionnaire"
    assert exported["id"] == f"{slug}-v3" and exported["version"] == "3" and exported["status"] == "active"
    assert exported["url"] == f"https://counsel.example.org/fhir/Questionnaire/{slug}"
    assert exported["name"][0].isupper() and "-" not in exported["name"]
    assert exported["title"] == definition.title and exported["description"] == definition.purpose
    assert [g["linkId"] for g in exported["item"]] == [s.id for s in definition.sections]
    for group, section in zip(exported["item"], definition.sections):
        assert group["type"] == "group" and group["text"] == section.title
        questions = [i for i in group["item"] if i["type"] != "display"]
        assert [q["linkId"] for q in questions] == [f.id for f in section.fields]
        for item, field in zip(questions, section.fields):
            assert item["type"] == EXPECTED_FHIR_TYPE[field.type] == REGISTRY[field.type].fhir_type
            assert item["text"] == field.label
            assert item.get("required", False) == field.required
            if field.type in ("multi_choice", "checklist", "rows"):
                assert item["repeats"] is True
            if hasattr(field, "options"):
                assert [a["valueCoding"] for a in item["answerOption"]] == [
                    {"code": o.value, "display": o.label} for o in field.options]
            if field.type == "rows":
                columns = [c for c in item["item"] if c["type"] == "string"]
                assert [c["text"] for c in columns] == [c.label for c in field.columns]
    link_ids = list(all_link_ids(exported["item"]))
    assert len(link_ids) == len(set(link_ids)), "FHIR needs unique linkIds"
    imported = definition_from_questionnaire(exported)
    assert imported.model_dump() == definition.model_dump()


def test_export_uses_version_and_trims_base_url(library):
    exported = questionnaire(library["new-boundaries"], slug="new-boundaries", version=12, base_url="https://a.b")
    assert exported["id"] == "new-boundaries-v12" and exported["version"] == "12"
    assert exported["url"] == "https://a.b/fhir/Questionnaire/new-boundaries"
    assert exported["name"] == "NewBoundaries"
    scale = next(i for g in export(library["weekly-trust-check-in"])["item"] for i in g["item"] if i["type"] == "integer")
    assert {e["valueInteger"] for e in scale["extension"]} == {0, 10}


@pytest.mark.parametrize("slug", SLUGS)
def test_export_without_our_extension_still_imports_as_a_foreign_questionnaire(library, slug):
    definition = library[slug]
    exported = export(definition)
    del exported["extension"]
    imported = definition_from_questionnaire(exported)
    assert imported.title == definition.title and imported.purpose == definition.purpose
    assert [s.id for s in imported.sections] == [s.id for s in definition.sections]
    plain = [f for f in definition.all_fields() if f.type != "rows"]
    by_id = {f.id: f for f in imported.all_fields()}
    for field in plain:
        assert by_id[field.id].label == field.label
        expected = {"agreement": "long_text", "checklist": "multi_choice"}.get(field.type, field.type)
        assert by_id[field.id].type == expected
        if hasattr(field, "options"):
            assert [o.value for o in by_id[field.id].options] == [o.value for o in field.options]


FOREIGN = {
    "resourceType": "Questionnaire",
    "status": "draft",
    "name": "RelationshipIntakeForm",
    "title": "Relationship intake",
    "description": "A few questions before we meet.",
    "item": [
        {"linkId": "intro", "type": "display", "text": "Welcome. Take your time."},
        {"linkId": "1", "type": "group", "text": "About you", "item": [
            {"linkId": "1.1", "type": "string", "text": "Your first name", "required": True, "maxLength": 50},
            {"linkId": "1.2-a", "type": "date", "text": "When did you first meet?"},
            {"linkId": "1.2-A", "type": "boolean", "text": "Do you live together?"},
            {"linkId": "1.3", "type": "group", "text": "Nested", "item": [
                {"linkId": "1.3.1", "type": "text", "text": "What brings you here?",
                 "item": [{"linkId": "1.3.1-h", "type": "display", "text": "In your own words."}]},
                {"linkId": "1.3.2", "type": "integer", "text": "How hopeful are you?"},
            ]},
        ]},
        {"linkId": "Worries", "type": "group", "text": "Worries", "item": [
            {"linkId": "w-1", "type": "choice", "repeats": True, "text": "What worries you most?", "answerOption": [
                {"valueCoding": {"system": "http://x", "code": "TRUST", "display": "Trust"}},
                {"valueCoding": {"code": "trust", "display": "Trust again"}},
                {"valueString": "Money & work"},
                {"valueCoding": {"code": "42", "display": "Something else"}},
            ]},
            {"linkId": "w-2", "type": "open-choice", "text": "How often do you argue?", "answerOption": [
                {"valueString": "Rarely"}, {"valueString": "Often"}]},
            {"linkId": "w-3", "type": "decimal", "text": "Hours together per week"},
        ]},
        {"linkId": "last", "type": "dateTime", "text": "When did you last talk properly?"},
    ],
}


def test_foreign_questionnaire_imports_with_expected_types_and_options():
    original = copy.deepcopy(FOREIGN)
    definition = definition_from_questionnaire(FOREIGN, source="intake.json")
    assert FOREIGN == original, "the caller's data must not be changed"
    assert definition.slug == "relationship-intake-form"
    assert definition.title == "Relationship intake" and definition.purpose == "A few questions before we meet."
    assert definition.estimated_minutes == 10 and definition.stage == 0
    assert [s.id for s in definition.sections] == ["part_1", "worries", "questions"]
    assert [s.title for s in definition.sections] == ["About you", "Worries", "Questions"]
    fields = {f.label: f for f in definition.all_fields()}
    assert len(fields) == 9, "display items are skipped, nested groups flattened"
    assert all(f.label != "Welcome. Take your time." for f in fields.values())
    name = fields["Your first name"]
    assert (name.type, name.required, name.max_length) == ("short_text", True, 50)
    assert fields["When did you first meet?"].type == "date"
    assert fields["When did you last talk properly?"].type == "date"
    lives = fields["Do you live together?"]
    assert lives.type == "single_choice" and [(o.value, o.label) for o in lives.options] == [("yes", "Yes"), ("no", "No")]
    why = fields["What brings you here?"]
    assert why.type == "long_text" and why.help == "In your own words."
    hope = fields["How hopeful are you?"]
    assert (hope.type, hope.min_label, hope.max_label) == ("scale", "0", "10")
    worries = fields["What worries you most?"]
    assert worries.type == "multi_choice"
    assert [o.label for o in worries.options] == ["Trust", "Trust again", "Money & work", "Something else"]
    values = [o.value for o in worries.options]
    assert len(set(values)) == 4 and values[:3] == ["trust", "trust_2", "money_work"]
    assert all(v[0].isalpha() for v in values)
    argue = fields["How often do you argue?"]
    assert argue.type == "single_choice" and [o.value for o in argue.options] == ["rarely", "often"]
    assert fields["Hours together per week"].type == "short_text"
    ids = [f.id for f in definition.all_fields()]
    assert len(set(ids)) == len(ids)
    assert all(i == i.lower() and i[0].isalpha() and len(i) <= 40 and "-" not in i and "." not in i for i in ids)
    assert fields["When did you first meet?"].id != fields["Do you live together?"].id  # "1.2-a" vs "1.2-A"


def test_foreign_questionnaire_defaults_and_splitting():
    many = {"resourceType": "Questionnaire", "status": "active",
            "item": [{"linkId": f"q{n}", "type": "string", "text": f"Question {n}"} for n in range(70)]}
    definition = definition_from_questionnaire(many)
    assert definition.title == "Imported questionnaire" and definition.slug == "imported-questionnaire"
    assert definition.purpose
    assert [len(s.fields) for s in definition.sections] == [60, 10]
    one_option = {"resourceType": "Questionnaire", "status": "active", "title": "X", "item": [
        {"linkId": "a", "type": "choice", "text": "Pick", "answerValueSet": "http://example.org/vs"}]}
    assert definition_from_questionnaire(one_option).all_fields()[0].type == "short_text"


# --- QuestionnaireResponse ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", [None, "hurt", "involved"])
@pytest.mark.parametrize("slug", SLUGS)
def test_complete_answers_export_valid_response_and_round_trip(library, slug, role):
    definition = library[slug]
    values = {f.id: sample_value(f) for f in definition.all_fields()}
    response = json.loads(json.dumps(respond(definition, {"values": values, "states": {}}, role=role)))
    QuestionnaireResponse.model_validate(response)
    assert response["resourceType"] == "QuestionnaireResponse"
    assert response["status"] == "completed" and response["questionnaire"] == URL
    assert response["source"] == {"reference": "Patient/p-17", "display": "Alex"}
    assert response["authored"] == "2024-03-05T10:15:00+00:00"
    visible = {f.id for f in fields_for(definition, role)}
    expected = {k: v for k, v in values.items() if k in visible}
    assert answers_from_questionnaire_response(definition, response) == {"values": expected, "states": {}}
    for item in response["item"]:
        assert item["linkId"] in {s.id for s in definition.sections}
    rows_field = next((f for f in definition.all_fields() if f.type == "rows" and f.id in visible), None)
    if rows_field:
        groups = [i for g in response["item"] for i in g["item"] if i["linkId"] == rows_field.id]
        assert len(groups) == 2 and all("answer" not in g for g in groups)


def test_in_progress_response_without_authored(library):
    definition = library["weekly-trust-check-in"]
    field = definition.all_fields()[0]
    response = respond(definition, {"values": {field.id: 0}, "states": {}}, status="in-progress", authored=None)
    QuestionnaireResponse.model_validate(response)
    assert response["status"] == "in-progress" and "authored" not in response
    assert answers_from_questionnaire_response(definition, response)["values"] == {field.id: 0}  # 0 is an answer
    with pytest.raises(ValueError):
        respond(definition, {"values": {}, "states": {}}, status="done")


def test_empty_answers_give_a_valid_response_with_no_items(library):
    definition = library["honest-conversation"]
    blank = {f.id: {"short_text": "", "long_text": "  \n ", "multi_choice": [], "checklist": [], "rows": []}.get(f.type)
             for f in definition.all_fields()}
    assert {f.type for f in definition.all_fields()} & {"short_text", "long_text"}
    response = respond(definition, {"values": blank, "states": {}})
    QuestionnaireResponse.model_validate(response)
    assert "item" not in response


def test_rows_with_blank_cells_and_empty_rows(library):
    definition = library["new-boundaries"]
    field = next(f for f in definition.all_fields() if f.id == "privacy_communication_boundaries")
    value = [{"area": "Phones", "ask": "", "offer": "Open phone"}, {"area": "", "ask": "", "offer": ""}]
    response = respond(definition, {"values": {field.id: value}, "states": {}})
    QuestionnaireResponse.model_validate(response)
    groups = [i for g in response["item"] for i in g["item"] if i["linkId"] == field.id]
    assert len(groups) == 1, "a row with no text is left out"
    cells = groups[0]["item"]
    assert [c["linkId"] for c in cells] == [f"{field.id}.area", f"{field.id}.offer"]
    assert all(c["answer"] for c in cells), "FHIR forbids empty answer lists"
    back = answers_from_questionnaire_response(definition, response)["values"]
    assert back == {field.id: [{"area": "Phones", "ask": "", "offer": "Open phone"}]}
    empty_row = {"linkId": field.id, "item": [{"linkId": f"{field.id}.ask"}]}
    response["item"][0]["item"].append(empty_row)
    assert answers_from_questionnaire_response(definition, response)["values"] == back


def test_skipped_not_ready_and_withheld_fields_leave_no_trace(library):
    definition = library["new-boundaries"]
    values = {f.id: sample_value(f) for f in definition.all_fields()}
    fields = {f.id: f for f in definition.all_fields()}
    states = {"hardest_part": "skipped", "closeness_ok_now": "not_ready"}
    # The couple's export: counselor-only fields are left out by the caller through only_field_ids.
    shared = {f.id for f in definition.all_fields() if f.visibility == "shared"} - {"review_date"}
    response = respond(definition, {"values": values, "states": states}, role="hurt", only_field_ids=shared)
    QuestionnaireResponse.model_validate(response)
    text = json.dumps(response, ensure_ascii=False)
    hidden = {"hardest_part", "closeness_ok_now", "review_date", "contact_status", "how_i_will_show_it"}
    for field_id in hidden:
        field = fields[field_id]
        assert f'"{field_id}' not in text
        assert field.label not in text
        for variant in (field.variants or {}).values():
            assert not variant.label or variant.label not in text
        if hasattr(field, "options"):
            assert all(o.label not in text for o in field.options)
    assert "skipped" not in text and "not_ready" not in text
    # The section whose fields were all held back leaves no title either.
    assert "Physical closeness, for now" in text  # physical_boundaries is shared and answered
    only_hidden = respond(definition, {"values": values, "states": {}}, only_field_ids={"openness_that_helps"},
                          role="hurt")
    assert [g["linkId"] for g in only_hidden["item"]] == ["walls_and_windows"]
    assert "Privacy and communication" not in json.dumps(only_hidden)
    assert answers_from_questionnaire_response(definition, response)["values"] == {
        k: v for k, v in values.items() if k in shared and k not in states and fields[k].only_for in (None, "hurt")}


@pytest.mark.parametrize("state", ["skipped", "not_ready"])
def test_a_state_wins_over_a_lingering_value(library, state):
    definition = library["honest-conversation"]
    values = {f.id: sample_value(f) for f in definition.all_fields()}
    target = next(f for f in definition.all_fields() if f.sensitive and f.only_for is None)
    response = respond(definition, {"values": values, "states": {target.id: state}})
    QuestionnaireResponse.model_validate(response)
    text = json.dumps(response, ensure_ascii=False)
    assert f'"{target.id}"' not in text and target.label not in text and state not in text
    assert target.id not in answers_from_questionnaire_response(definition, response)["values"]
    others = respond(definition, {"values": values, "states": {}})
    assert f'"{target.id}"' in json.dumps(others)  # the same field does appear when it has no state


def test_role_wording_and_only_for(library):
    definition = library["new-boundaries"]
    values = {f.id: sample_value(f) for f in definition.all_fields()}
    response = json.dumps(respond(definition, {"values": values, "states": {}}, role="involved"))
    assert "What feels hardest about offering openness" in response
    assert "openness_that_helps" not in response and "contact_status" in response


# --- Refusals ------------------------------------------------------------------------------------

def q(items, **extra):
    return {"resourceType": "Questionnaire", "status": "active", "item": items, **extra}


def deep(levels):
    item = {"linkId": "x", "type": "string"}
    for _ in range(levels):
        item = {"linkId": "g", "type": "group", "item": [item]}
    return q([item])


BAD_QUESTIONNAIRES = [
    (None, "JSON object"),
    ("garbage", "JSON object"),
    ([1, 2], "JSON object"),
    ({}, "not a FHIR Questionnaire"),
    ({"resourceType": "Patient", "status": "active"}, "'Patient'"),
    ({"resourceType": "QuestionnaireResponse", "status": "completed"}, "not a FHIR Questionnaire"),
    (q([{"type": "string", "text": "No link"}]), "linkId"),
    (q([{"linkId": "a", "text": "No type"}]), "type"),
    (q("garbage"), "not a valid FHIR R4 Questionnaire"),
    (q([{"linkId": "a", "type": "string", "colour": "red"}]), "not part of FHIR"),
    (q([{"linkId": "a", "type": "string"}], status=None), "status"),
    (deep(2000), "nested too deeply"),
    (q([{"linkId": "a", "type": "attachment", "text": "Upload a photo"}]), "'Upload a photo' asks for a file upload"),
    (q([{"linkId": "a", "type": "sparkle", "text": "Odd"}]), "sparkle"),
    (q([{"linkId": "a", "type": "choice", "text": "Many",
         "answerOption": [{"valueString": f"o{n}"} for n in range(31)]}]), "'Many' has 31 answer options"),
    (q([]), "no questions"),
    (q([{"linkId": "d", "type": "display", "text": "Only words"}]), "no questions"),
    (q([{"linkId": f"g{n}", "type": "group", "item": [{"linkId": f"q{n}", "type": "string"}]} for n in range(21)]),
     "has 21 groups of questions"),
    (q([{"linkId": "a", "type": "string"}], extension=[{"url": DEFINITION_EXTENSION, "valueString": "{not json"}]),
     "damaged"),
    (q([{"linkId": "a", "type": "string"}], extension=[{"url": DEFINITION_EXTENSION, "valueString": '{"slug": 1}'}]),
     "slug"),
]


@pytest.mark.parametrize("data, words", BAD_QUESTIONNAIRES)
def test_invalid_questionnaires_are_refused_clearly(data, words):
    with pytest.raises(WorksheetError) as caught:
        definition_from_questionnaire(data, source="upload.json")
    message = str(caught.value)
    assert message.startswith("upload.json: ")
    assert words.lower() in message.lower()
    assert "Traceback" not in message and "pydantic" not in message and "errors.pydantic.dev" not in message


def r(items, **extra):
    return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": items, **extra}


def answer(link, *answers):
    return r([{"linkId": "s", "item": [{"linkId": link, "answer": list(answers)}]}])


BAD_RESPONSES = [
    (None, "JSON object"),
    ("garbage", "JSON object"),
    ({"resourceType": "Questionnaire", "status": "active"}, "not a FHIR QuestionnaireResponse"),
    (r([{"answer": [{"valueString": "x"}]}]), "linkId"),
    (r([{"linkId": "a", "answer": [{"valueString": ""}]}]), "not in the form FHIR expects"),
    (r([], authored="yesterday"), "authored"),
    (answer("trust_now", {"valueString": "seven"}), "does not accept"),
    (answer("trust_now", {"valueInteger": 11}), "does not fit"),
    (answer("trust_now", {"valueInteger": True}), "does not fit"),
    (answer("trust_now", {"valueInteger": 3}, {"valueInteger": 4}), None),
    (answer("choice", {"valueCoding": {"code": "nonsense"}}), "does not fit"),
    (answer("choice", {"valueString": "a"}), "not in the form"),
    (answer("when", {"valueDate": "2024-02"}), "does not fit"),
    (answer("note", {"valueString": "x" * 301}), "does not fit"),
]


@pytest.fixture(scope="module")
def small_definition():
    return definition_from_questionnaire(q([
        {"linkId": "trust_now", "type": "integer", "text": "Trust"},
        {"linkId": "choice", "type": "choice", "text": "Pick", "answerOption": [
            {"valueString": "A"}, {"valueString": "B"}]},
        {"linkId": "when", "type": "date", "text": "When"},
        {"linkId": "note", "type": "string", "text": "Note"},
    ]))


@pytest.mark.parametrize("data, words", BAD_RESPONSES)
def test_invalid_responses_are_refused_clearly(small_definition, data, words):
    with pytest.raises(WorksheetError) as caught:
        answers_from_questionnaire_response(small_definition, data)
    message = str(caught.value)
    assert message.startswith("questionnaire-response.json: ")
    assert words is None or words.lower() in message.lower()


def test_small_definition_accepts_good_answers(small_definition):
    # Guards the refusals above: they fail for the stated reason, not because nothing is ever accepted.
    good = r([{"linkId": "s", "item": [
        {"linkId": "trust_now", "answer": [{"valueInteger": 10}]},
        {"linkId": "choice", "answer": [{"valueCoding": {"code": "b"}}]},
        {"linkId": "when", "answer": [{"valueDate": "2024-02-29"}]},
        {"linkId": "note", "answer": [{"valueString": "x" * 300}]},
        {"linkId": "unknown", "answer": [{"valueString": "ignored"}]},
    ]}])
    assert answers_from_questionnaire_response(small_definition, good)["values"] == {
        "trust_now": 10, "choice": "b", "when": "2024-02-29", "note": "x" * 300}
