"""Risk answers and scoring survive FHIR: a Questionnaire carries them as extensions (and in the
definition our own import reads), and a scored measure's QuestionnaireResponse carries its score."""
import copy
import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from support import LIBRARY
from therapist_app.engine.fhir import DEFINITION_EXTENSION, questionnaire, questionnaire_response
from therapist_app.engine.fhir_import import definition_from_questionnaire
from therapist_app.engine.fhir_measures import CRISIS_VALUE, RISK_VALUE, SCORE, SCORING
from therapist_app.engine.loader import WorksheetError, load_directory

SCORED_BY_HAND = {"csi_happiness": "happy", "csi_warm": "mostly_true", "csi_rewarding": "somewhat",
                  "csi_satisfied": "mostly"}  # 3 + 3 + 2 + 3 = 11, below the 13.5 cutoff


@pytest.fixture(scope="module")
def library():
    loaded = load_directory(LIBRARY)
    assert not loaded.errors
    return {slug: w.definition for slug, w in loaded.worksheets.items()}


def export(definition):
    return json.loads(json.dumps(questionnaire(definition, slug=definition.slug, version=2,
                                               base_url="https://counsel.example.org")))


def without_our_definition(exported: dict) -> dict:
    """The Questionnaire as another system keeps it: our whole-definition extension stripped."""
    stripped = copy.deepcopy(exported)
    stripped["extension"] = [e for e in stripped["extension"] if e["url"] != DEFINITION_EXTENSION]
    if not stripped["extension"]:
        del stripped["extension"]
    return stripped


def alerts_and_points(definition) -> dict:
    """What FHIR carries of each choice question beyond its options: alerts, points, options that
    stand alone (the standard questionnaire-optionExclusive)."""
    return {f.id: (f.risk_values, f.crisis_values, [(o.value, o.score) for o in f.options],
                   getattr(f, "exclusive_values", None))
            for f in definition.all_fields() if hasattr(f, "options")}


def test_risk_answers_travel_as_extensions_another_system_can_read(library):
    exported = export(library["safety-check-in"])
    Questionnaire.model_validate(exported)
    items = {i["linkId"]: i for g in exported["item"] for i in g["item"]}
    assert {e["valueCoding"]["code"] for e in items["afraid_of_partner"]["extension"]
            if e["url"] == RISK_VALUE} == {"once", "sometimes", "often"}
    assert {e["valueCoding"]["code"] for e in items["thoughts_of_self_harm"]["extension"]
            if e["url"] == CRISIS_VALUE} == {"once", "sometimes", "often"}
    assert "extension" not in items["private_note_for_counselor"]


@pytest.mark.parametrize("slug", ["safety-check-in", "couples-satisfaction-index", "building-safety-together",
                                  "mindful-reconnection", "transparency-agreement"])
def test_export_then_import_keeps_risk_values_option_points_and_scoring(library, slug):
    definition = library[slug]
    exported = export(definition)
    assert definition_from_questionnaire(copy.deepcopy(exported)) == definition  # ours: exact, via the definition
    foreign = definition_from_questionnaire(without_our_definition(exported))  # only what FHIR itself carries
    assert alerts_and_points(foreign) == alerts_and_points(definition)
    assert foreign.scoring == definition.scoring
    again = definition_from_questionnaire(without_our_definition(export(foreign)))
    assert alerts_and_points(again) == alerts_and_points(foreign) and again.scoring == foreign.scoring


def test_every_library_worksheet_keeps_its_risk_answers_without_our_definition(library):
    for definition in library.values():
        foreign = definition_from_questionnaire(without_our_definition(export(definition)))
        assert alerts_and_points(foreign) == alerts_and_points(definition), definition.slug


def test_the_csi4_scoring_block_is_an_extension_with_its_cutoff(library):
    exported = export(library["couples-satisfaction-index"])
    scoring = next(e for e in exported["extension"] if e["url"] == SCORING)
    parts = [(p["url"], next(v for k, v in p.items() if k.startswith("value"))) for p in scoring["extension"]]
    assert ("name", "CSI-4") in parts and ("cutoff", 13.5) in parts and ("maximum", 21) in parts
    assert [v for k, v in parts if k == "item"] == ["csi_happiness", "csi_warm", "csi_rewarding", "csi_satisfied"]
    happiness = exported["item"][0]["item"][0]
    assert [o["extension"][0]["valueDecimal"] for o in happiness["answerOption"]] == [0, 1, 2, 3, 4, 5, 6]


def test_a_risk_answer_naming_no_option_is_refused_by_name_not_dropped(library):
    foreign = without_our_definition(export(library["safety-check-in"]))
    foreign["item"][0]["item"][2]["extension"] = [{"url": RISK_VALUE, "valueCoding": {"code": "always"}}]
    with pytest.raises(WorksheetError) as refused:
        definition_from_questionnaire(foreign)
    assert "Have you felt afraid of your partner?" in str(refused.value)


def test_scoring_naming_a_missing_question_is_refused(library):
    foreign = without_our_definition(export(library["couples-satisfaction-index"]))
    scoring = next(e for e in foreign["extension"] if e["url"] == SCORING)
    scoring["extension"].append({"url": "item", "valueString": "not_here"})
    with pytest.raises(WorksheetError) as refused:
        definition_from_questionnaire(foreign)
    assert "scoring" in str(refused.value)


def respond(definition, answers, **kwargs):
    return questionnaire_response(definition, answers, questionnaire_url="https://counsel.example.org/q",
                                  status="completed", source_reference="Patient/1", source_display="Robin",
                                  authored=None, **kwargs)


def test_a_scored_response_export_carries_its_score_for_the_counselor(library):
    csi = library["couples-satisfaction-index"]
    exported = json.loads(json.dumps(respond(csi, {"values": SCORED_BY_HAND, "states": {}}, with_score=True)))
    QuestionnaireResponse.model_validate(exported)
    score = {p["url"]: next(v for k, v in p.items() if k.startswith("value"))
             for p in next(e for e in exported["extension"] if e["url"] == SCORE)["extension"]}
    assert score == {"name": "CSI-4", "value": 11, "minimum": 0, "maximum": 21, "cutoff": 13.5}


def test_no_score_without_asking_for_one_nor_for_an_incomplete_or_unscored_answer_set(library):
    csi = library["couples-satisfaction-index"]
    assert "extension" not in respond(csi, {"values": SCORED_BY_HAND, "states": {}})
    partial = {"values": dict(SCORED_BY_HAND), "states": {"csi_satisfied": "skipped"}}
    assert "extension" not in respond(csi, partial, with_score=True)  # a partial sum would read as lower
    assert "extension" not in respond(library["weekly-trust-check-in"], {"values": {}, "states": {}}, with_score=True)


def test_an_option_that_stands_alone_is_marked_with_the_standard_extension(library):
    exported = export(library["self-care-and-self-worth"])
    items = {i["linkId"]: i for g in exported["item"] for i in g["item"]}
    marked = [a["valueCoding"]["code"] for a in items["basics_that_are_hard"]["answerOption"]
              if {"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive",
                  "valueBoolean": True} in a.get("extension", [])]
    assert marked == ["none_of_these"]
