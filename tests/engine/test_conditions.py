"""Conditional questions (show_if) in every path: the checker, the portal without JavaScript, what is
submitted and revealed, the side-by-side page and the PDF, and FHIR both ways."""
import copy
import io
import json
import shutil

import pytest
import yaml
from fhir.resources.R4B.questionnaire import Questionnaire

from helpers import save_section, submit
from support import csrf_token, pdf_text, signed_in
from therapist_app.engine.fhir import questionnaire
from therapist_app.engine.fhir_import import definition_from_questionnaire
from therapist_app.engine.loader import WorksheetError, load_directory, validate_definition
from therapist_app.engine.presentation import describe_condition, sections_for, sections_that_may_follow
from therapist_app.engine.schema import WorksheetDefinition
from therapist_app.extensions import session as db_session
from therapist_app.models import Response
from therapist_app.services.worksheets import sync_library

CONDITIONAL = {
    "slug": "contact-follow-up", "title": "Contact since we last met", "purpose": "A short look at the week.",
    "estimated_minutes": 5, "stage": 1,
    "sections": [
        {"id": "first", "title": "This week", "fields": [
            {"id": "any_contact", "type": "single_choice", "label": "Was there any contact this week?",
             "required": True, "visibility": "shared",
             "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
            {"id": "how_hard", "type": "scale", "label": "How hard was this week?", "min_label": "Easy",
             "max_label": "Very hard", "visibility": "shared"},
            {"id": "same_part_detail", "type": "short_text", "label": "Say a little about it",
             "show_if": {"question": "any_contact", "equals": "yes"}, "visibility": "shared"},
        ]},
        {"id": "contact", "title": "About the contact", "show_if": {"question": "any_contact", "equals": "yes"},
         "fields": [{"id": "what_happened", "type": "long_text", "label": "What happened?", "required": True,
                     "visibility": "shared"}]},
        {"id": "after", "title": "Afterwards", "fields": [
            {"id": "support", "type": "long_text", "label": "What support would help?",
             "show_if": {"question": "how_hard", "at_least": 7}, "required": True},
            {"id": "closing", "type": "short_text", "label": "Anything else?"},
        ]},
    ],
}


def _with(definition, path, show_if):
    changed = copy.deepcopy(definition)
    section, field = path
    target = changed["sections"][section] if field is None else changed["sections"][section]["fields"][field]
    target["show_if"] = show_if
    return changed


@pytest.mark.parametrize("path, show_if, problem", [
    ((0, 1), {"question": "support", "at_least": 3}, "not an earlier question"),
    ((2, 0), {"question": "any_contact", "at_least": 3}, "a choice is compared with its options"),
    ((2, 0), {"question": "how_hard", "equals": "yes"}, "a scale is compared with numbers"),
    ((2, 0), {"question": "any_contact", "one_of": ["maybe"]}, "does not have"),
    ((2, 0), {"question": "closing", "equals": "x"}, "not an earlier question"),
    ((1, None), {"question": "any_contact", "equals": "yes", "one_of": ["no"]}, "exactly one of"),
])
def test_the_checker_refuses_conditions_that_could_never_work(path, show_if, problem):
    with pytest.raises(WorksheetError) as refused:
        validate_definition(_with(CONDITIONAL, path, show_if), "contact-follow-up.yaml")
    assert problem in str(refused.value)


@pytest.fixture
def conditional(app, factory, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(app.config["THERAPIST_WORKSHEETS_DIR"], library)
    (library / "contact-follow-up.yaml").write_text(yaml.safe_dump(CONDITIONAL, sort_keys=False))
    sync_library(library)
    couple = factory.couple()
    return couple, factory.assign(couple, "contact-follow-up")


def _page(client, assignment, section):
    return client.get(f"/my/homework/{assignment.id}?section={section}&edit=1").get_data(as_text=True)


def test_without_javascript_a_follow_up_appears_from_the_next_part_on(app, conditional):
    couple, assignment = conditional
    partner = signed_in(app, couple.partner_a)
    first = _page(partner, assignment, 0)
    assert "Say a little about it" in first and "follows from your answer above" in first  # same part: a hint
    save_section(partner, assignment.id, {"any_contact": "no", "how_hard": "3"})
    assert "About the contact" not in _page(partner, assignment, 1)  # the next part is skipped
    assert "What support would help?" not in _page(partner, assignment, 1)
    save_section(partner, assignment.id, {"any_contact": "yes", "how_hard": "8"})
    assert "What happened?" in _page(partner, assignment, 1)
    assert "What support would help?" in _page(partner, assignment, 2)


def _part_of(page_html):
    return page_html.split('aria-label="Progress">')[1].split("</p>")[0].split("<p>")[1]


def test_the_part_count_says_a_part_may_follow_until_the_answer_that_decides_it(app, conditional):
    couple, assignment = conditional
    partner = signed_in(app, couple.partner_a)
    assert _part_of(_page(partner, assignment, 0)) == "Part 1 of 2 (up to 3, depending on your answers)"
    save_section(partner, assignment.id, {"any_contact": "no", "how_hard": "3"})
    assert _part_of(_page(partner, assignment, 1)) == "Part 2 of 2"  # decided: no contact, no extra part
    save_section(partner, assignment.id, {"any_contact": "yes"})
    assert _part_of(_page(partner, assignment, 1)) == "Part 2 of 3"


@pytest.mark.parametrize("states, show_if, may_follow", [
    ({}, {"question": "any_contact", "equals": "yes"}, 1),
    ({"any_contact": "skipped"}, {"question": "any_contact", "equals": "yes"}, 0),  # passed over: decided
    ({}, {"all": [{"question": "any_contact", "equals": "yes"}, {"question": "how_hard", "at_least": 7}]}, 1),
    ({"how_hard": None}, {"all": [{"question": "any_contact", "equals": "yes"},
                                  {"question": "how_hard", "at_least": 7}]}, 0),  # one part already unmet
    ({"how_hard": None}, {"any": [{"question": "any_contact", "equals": "yes"},
                                  {"question": "how_hard", "at_least": 7}]}, 1),  # the other may still meet it
])
def test_a_part_may_follow_only_while_an_open_question_could_still_bring_it(states, show_if, may_follow):
    optional = _with(CONDITIONAL, (1, None), show_if)
    optional["sections"][0]["fields"][0]["required"] = False
    definition = WorksheetDefinition.model_validate(optional)
    answers = {"values": {"how_hard": 2} if "how_hard" in states else {},
               "states": {k: v for k, v in states.items() if v}}
    shown = sections_for(definition, None, answers)
    assert [view.section.id for view in shown] == ["first", "after"]
    assert sections_that_may_follow(definition, None, answers, shown) == may_follow


def test_a_hidden_question_is_never_required_nor_counted_as_skipped(app, conditional):
    couple, assignment = conditional
    partner = signed_in(app, couple.partner_a)
    save_section(partner, assignment.id, {"any_contact": "no", "how_hard": "2", "s__same_part_detail": "skipped"})
    save_section(partner, assignment.id, {"closing": "Nothing more"}, section=1)
    review = partner.get(f"/my/homework/{assignment.id}/review").get_data(as_text=True)
    assert "What happened?" not in review and "What support would help?" not in review
    assert submit(partner, assignment.id).status_code == 302
    db_session.expire_all()
    response = db_session.query(Response).filter_by(partner_id=couple.partner_a_id).one()
    assert response.is_submitted
    assert "support" not in response.submitted["states"] and "what_happened" not in response.submitted["states"]


def test_an_answer_hidden_by_a_later_change_is_not_submitted_revealed_or_printed(app, conditional):
    couple, assignment = conditional
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    save_section(a, assignment.id, {"any_contact": "yes", "how_hard": "9", "same_part_detail": "HIDDEN-DETAIL"})
    save_section(a, assignment.id, {"what_happened": "HIDDEN-STORY"}, section=1)
    save_section(a, assignment.id, {"any_contact": "no", "how_hard": "2"})  # changes course
    save_section(a, assignment.id, {"closing": "All quiet"}, section=1)
    assert submit(a, assignment.id).status_code == 302
    save_section(b, assignment.id, {"any_contact": "yes", "how_hard": "1", "same_part_detail": "Kai's detail"})
    save_section(b, assignment.id, {"what_happened": "Kai's account"}, section=1)
    save_section(b, assignment.id, {"closing": "Fine"}, section=2)
    assert submit(b, assignment.id).status_code == 302
    db_session.expire_all()
    submitted = db_session.query(Response).filter_by(partner_id=couple.partner_a_id).one().submitted
    assert "what_happened" not in submitted["values"] and "same_part_detail" not in submitted["values"]
    revealed = b.get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    counselor = signed_in(app, couple.counselor)
    answers = counselor.get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    printed = pdf_text(counselor.get(f"/counselor/couples/{couple.id}/prep.pdf").data)
    for place in (revealed, answers, printed):
        assert "HIDDEN-STORY" not in place and "HIDDEN-DETAIL" not in place
    assert "not asked of this partner" in answers and "not asked" in printed


SDC_STYLE = {
    "resourceType": "Questionnaire", "status": "active", "title": "Week check",
    "item": [
        {"linkId": "1", "type": "group", "text": "Screen", "item": [
            {"linkId": "1.1", "type": "boolean", "text": "Did anything frighten you this week?"},
            {"linkId": "1.2", "type": "string", "text": "What happened?",
             "enableWhen": [{"question": "1.1", "operator": "=", "answerBoolean": True}]},
            {"linkId": "1.3", "type": "choice", "text": "Where were you?",
             "answerOption": [{"valueCoding": {"system": "http://example.org", "code": "H", "display": "Home"}},
                              {"valueCoding": {"system": "http://example.org", "code": "W", "display": "Work"}},
                              {"valueCoding": {"system": "http://example.org", "code": "O", "display": "Out"}}]},
            {"linkId": "1.4", "type": "string", "text": "Who was there?", "enableBehavior": "any",
             "enableWhen": [{"question": "1.3", "operator": "=", "answerCoding": {"system": "http://example.org", "code": "H"}},
                            {"question": "1.3", "operator": "=", "answerCoding": {"system": "http://example.org", "code": "W"}}]},
            {"linkId": "1.5", "type": "integer", "text": "How shaken are you, 0 to 10?"},
        ]},
        {"linkId": "2", "type": "group", "text": "Support", "item": [
            {"linkId": "2.1", "type": "text", "text": "What would help?",
             "enableWhen": [{"question": "1.5", "operator": ">=", "answerInteger": 7}]}]},
    ],
}


def _show_ifs(definition) -> dict:
    return {f.label: f.show_if.model_dump(exclude_none=True) for f in definition.all_fields() if f.show_if}


def test_fhir_enable_when_imports_exports_and_imports_again_unchanged():
    imported = definition_from_questionnaire(copy.deepcopy(SDC_STYLE))
    assert _show_ifs(imported) == {
        "What happened?": {"question": "q_1_1", "equals": "yes"},
        "Who was there?": {"question": "q_1_3", "one_of": ["h", "w"]},
        "What would help?": {"question": "q_1_5", "at_least": 7},
    }
    exported = questionnaire(imported, slug="week-check", version=1, base_url="http://localhost")
    items = {i["text"]: i for group in exported["item"] for i in group["item"]}
    assert items["Who was there?"]["enableBehavior"] == "any" and len(items["Who was there?"]["enableWhen"]) == 2
    assert items["What would help?"]["enableWhen"] == [{"question": "q_1_5", "operator": ">=", "answerInteger": 7}]
    again = definition_from_questionnaire(json.loads(json.dumps(exported)))  # our own export: exact
    assert again == imported
    without_ours = {k: v for k, v in exported.items() if k != "extension"}  # as another system would read it
    assert _show_ifs(definition_from_questionnaire(without_ours)) == _show_ifs(imported)


@pytest.mark.parametrize("condition", [
    {"question": "1.3", "operator": "exists", "answerBoolean": True},
    {"question": "1.3", "operator": "!=", "answerCoding": {"code": "H"}},
    {"question": "9.9", "operator": "=", "answerCoding": {"code": "H"}},
])
def test_fhir_conditions_a_worksheet_cannot_hold_are_refused_by_name_not_dropped(condition):
    data = copy.deepcopy(SDC_STYLE)
    data["item"][0]["item"][3]["enableWhen"] = [condition]
    data["item"][0]["item"][3].pop("enableBehavior")
    with pytest.raises(WorksheetError) as refused:
        definition_from_questionnaire(data)
    assert "Who was there?" in str(refused.value)


def test_a_counselor_imports_a_conditional_questionnaire_through_the_page(app, factory):
    counselor = signed_in(app, factory.counselor())
    upload = (io.BytesIO(json.dumps(SDC_STYLE).encode()), "week.json")
    response = counselor.post("/counselor/worksheets/import", data={
        "csrf_token": csrf_token(counselor), "questionnaire": upload},
        content_type="multipart/form-data")
    assert response.status_code == 302
    editor = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Shown only when “Did anything frighten you this week?” is Yes" in editor
    assert "Shown only when “How shaken are you, 0 to 10?” is 7 or more" in editor


# Several conditions at once: {any: [...]} and {all: [...]}.
COMBINED = {
    "slug": "hard-moments", "title": "Hard moments this week", "purpose": "A short look at the week.",
    "estimated_minutes": 5, "stage": 1,
    "sections": [
        {"id": "week", "title": "This week", "fields": [
            {"id": "any_contact", "type": "single_choice", "label": "Was there any contact this week?",
             "visibility": "shared", "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
            {"id": "how_hard", "type": "scale", "label": "How hard was this week?", "min_label": "Easy",
             "max_label": "Very hard", "visibility": "shared"},
        ]},
        {"id": "now", "title": "Right now", "fields": [
            {"id": "feel_shaken", "type": "single_choice", "label": "Do you feel shaken right now?",
             "visibility": "shared", "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
            {"id": "what_helps", "type": "long_text", "label": "What would help you right now?", "required": True,
             "visibility": "shared",
             "show_if": {"any": [{"question": "how_hard", "at_least": 7}, {"question": "feel_shaken", "equals": "yes"}]}},
            {"id": "contact_and_hard", "type": "short_text", "label": "What made the contact so hard?",
             "visibility": "shared",
             "show_if": {"all": [{"question": "any_contact", "equals": "yes"}, {"question": "how_hard", "at_least": 7}]}},
        ]},
        {"id": "later", "title": "Looking after yourself",
         "show_if": {"any": [{"question": "any_contact", "equals": "yes"}, {"question": "feel_shaken", "equals": "yes"}]},
         "fields": [{"id": "self_care", "type": "long_text", "label": "One kind thing for yourself", "required": True,
                     "visibility": "shared"}]},
        {"id": "end", "title": "The end", "fields": [{"id": "closing", "type": "short_text", "label": "Anything else?"}]},
    ],
}


def _library(app) -> dict:
    loaded = load_directory(app.config["THERAPIST_WORKSHEETS_DIR"])
    assert not loaded.errors
    return {slug: w.definition for slug, w in loaded.worksheets.items()}


def test_the_single_condition_form_still_validates_in_every_library_file(app):
    library = _library(app)
    assert any(f.show_if and not hasattr(f.show_if, "any") for d in library.values() for f in d.all_fields())


@pytest.mark.parametrize("path, show_if, problem", [
    ((3, 0), {"any": [{"question": "any_contact", "equals": "yes"}, {"question": "closing", "equals": "x"}]},
     "not an earlier question"),
    ((1, 1), {"any": [{"question": "how_hard", "at_least": 7}, {"question": "nowhere", "equals": "yes"}]},
     "not an earlier question"),
    ((1, 1), {"all": [{"question": "how_hard", "at_least": 8}, {"question": "how_hard", "at_most": 3}]},
     "no single answer meets them all"),
    ((1, 1), {"all": [{"question": "any_contact", "equals": "yes"}, {"question": "any_contact", "equals": "no"}]},
     "no single answer meets them all"),
    ((1, 1), {"any": [{"question": "any_contact", "one_of": ["maybe"]}, {"question": "how_hard", "at_least": 2}]},
     "does not have"),
    ((1, 1), {"all": [{"question": "any_contact", "one_of": ["yes"]}, {"question": "how_hard", "at_least": 2}]},
     "not one_of"),
    ((1, 1), {"any": [{"question": "how_hard", "equals": 11}, {"question": "feel_shaken", "equals": "yes"}]},
     "never equals 11"),
    ((1, 1), {"any": [{"question": "how_hard", "at_least": 7}]}, "at least 2"),
    ((1, 1), {"any": [{"question": "how_hard", "at_least": 7}, {"question": "how_hard"}]}, "exactly one of"),
    ((1, 1), {"any": [{"question": "how_hard", "at_least": 7}, {"question": "how_hard", "at_most": 2}],
              "question": "how_hard"}, "unknown key 'question'"),
])
def test_the_checker_refuses_combined_conditions_that_could_never_work(path, show_if, problem):
    with pytest.raises(WorksheetError) as refused:
        validate_definition(_with(COMBINED, path, show_if), "hard-moments.yaml")
    assert problem in str(refused.value)


@pytest.fixture
def combined(app, factory, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(app.config["THERAPIST_WORKSHEETS_DIR"], library)
    (library / "hard-moments.yaml").write_text(yaml.safe_dump(COMBINED, sort_keys=False))
    sync_library(library)
    couple = factory.couple()
    return couple, factory.assign(couple, "hard-moments")


def test_without_javascript_either_of_two_answers_brings_a_follow_up_from_the_next_part_on(app, combined):
    couple, assignment = combined
    partner = signed_in(app, couple.partner_a)
    save_section(partner, assignment.id, {"any_contact": "no", "how_hard": "8"})
    now = _page(partner, assignment, 1)
    assert "What would help you right now?" in now  # how_hard ≥ 7 is enough: decided, no hint needed
    assert "What made the contact so hard?" not in now  # "all" needs contact too: left out of the page
    save_section(partner, assignment.id, {"feel_shaken": "no"}, section=1)
    assert "Looking after yourself" not in _page(partner, assignment, 2)  # neither contact nor shaken
    save_section(partner, assignment.id, {"any_contact": "no", "how_hard": "2"})
    now = _page(partner, assignment, 1)
    assert "What would help you right now?" in now and "follows from your answer above" in now  # left to the page
    save_section(partner, assignment.id, {"feel_shaken": "yes"}, section=1)
    assert "One kind thing for yourself" in _page(partner, assignment, 2)  # the other half of "any"
    save_section(partner, assignment.id, {"any_contact": "yes", "how_hard": "9"})
    assert "What made the contact so hard?" in _page(partner, assignment, 1)  # both halves of "all"


def test_a_question_hidden_by_a_combined_condition_is_never_required_submitted_or_printed(app, combined):
    couple, assignment = combined
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    save_section(a, assignment.id, {"any_contact": "yes", "how_hard": "9"})
    save_section(a, assignment.id, {"feel_shaken": "yes", "what_helps": "HIDDEN-HELP",
                                    "contact_and_hard": "HIDDEN-HARD"}, section=1)
    save_section(a, assignment.id, {"self_care": "HIDDEN-CARE"}, section=2)
    save_section(a, assignment.id, {"any_contact": "no", "how_hard": "1"})  # changes course
    save_section(a, assignment.id, {"feel_shaken": "no"}, section=1)
    save_section(a, assignment.id, {"closing": "Quiet week"}, section=2)
    review = a.get(f"/my/homework/{assignment.id}/review").get_data(as_text=True)
    for hidden in ("What would help you right now?", "What made the contact so hard?", "One kind thing"):
        assert hidden not in review  # not asked, so neither required nor "skipped"
    assert submit(a, assignment.id).status_code == 302
    db_session.expire_all()
    submitted = db_session.query(Response).filter_by(partner_id=couple.partner_a_id).one().submitted
    assert not {"what_helps", "contact_and_hard", "self_care"} & (set(submitted["values"]) | set(submitted["states"]))
    save_section(b, assignment.id, {"any_contact": "no", "how_hard": "3"})
    save_section(b, assignment.id, {"feel_shaken": "no"}, section=1)
    save_section(b, assignment.id, {"closing": "Fine"}, section=2)
    assert submit(b, assignment.id).status_code == 302
    revealed = b.get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    counselor = signed_in(app, couple.counselor)
    answers = counselor.get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    printed = pdf_text(counselor.get(f"/counselor/couples/{couple.id}/prep.pdf").data)
    for place in (revealed, answers, printed):
        for marker in ("HIDDEN-HELP", "HIDDEN-HARD", "HIDDEN-CARE"):
            assert marker not in place


def test_the_builder_says_a_combined_condition_in_words(app, combined):
    definition = validate_definition(copy.deepcopy(COMBINED), "hard-moments.yaml")
    fields = {f.id: f for f in definition.all_fields()}
    assert describe_condition(fields["what_helps"].show_if, definition) == (
        "Shown only when “How hard was this week?” is 7 or more, or when “Do you feel shaken right now?” is Yes")
    assert describe_condition(fields["contact_and_hard"].show_if, definition) == (
        "Shown only when “Was there any contact this week?” is Yes, and when “How hard was this week?” is 7 or more")


SDC_COMBINED = {
    "resourceType": "Questionnaire", "status": "active", "title": "Combined check",
    "item": [
        {"linkId": "1", "type": "group", "text": "Screen", "item": [
            {"linkId": "1.1", "type": "boolean", "text": "Were you hurt or threatened in the past few months?"},
            {"linkId": "1.2", "type": "choice", "text": "Has it ever happened?",
             "answerOption": [{"valueCoding": {"code": "N", "display": "Never"}},
                              {"valueCoding": {"code": "O", "display": "Once"}},
                              {"valueCoding": {"code": "M", "display": "More than once"}}]},
            {"linkId": "1.3", "type": "integer", "text": "How afraid are you, 0 to 10?"},
        ]},
        {"linkId": "2", "type": "group", "text": "A little more", "enableBehavior": "any",
         "enableWhen": [{"question": "1.1", "operator": "=", "answerBoolean": True},
                        {"question": "1.2", "operator": "=", "answerCoding": {"code": "O"}},
                        {"question": "1.2", "operator": "=", "answerCoding": {"code": "M"}}],
         "item": [{"linkId": "2.1", "type": "text", "text": "Is it getting worse?"}]},
        {"linkId": "3", "type": "group", "text": "Planning", "item": [
            {"linkId": "3.1", "type": "text", "text": "What would keep you safe tonight?", "enableBehavior": "all",
             "enableWhen": [{"question": "1.1", "operator": "=", "answerBoolean": True},
                            {"question": "1.3", "operator": ">", "answerInteger": 6}]}]},
    ],
}


def test_fhir_several_enable_when_on_several_questions_round_trip_unchanged():
    imported = definition_from_questionnaire(copy.deepcopy(SDC_COMBINED))
    section = next(s for s in imported.sections if s.title == "A little more")
    assert section.show_if.model_dump(exclude_none=True) == {"any": [
        {"question": "q_1_1", "equals": "yes"}, {"question": "q_1_2", "one_of": ["o", "m"]}]}
    assert _show_ifs(imported)["What would keep you safe tonight?"] == {"all": [
        {"question": "q_1_1", "equals": "yes"}, {"question": "q_1_3", "at_least": 7}]}
    exported = questionnaire(imported, slug="combined-check", version=1, base_url="http://localhost")
    groups = {g["text"]: g for g in exported["item"]}
    assert groups["A little more"]["enableBehavior"] == "any" and len(groups["A little more"]["enableWhen"]) == 3
    safe = groups["Planning"]["item"][0]
    assert safe["enableBehavior"] == "all" and safe["enableWhen"][1] == {
        "question": "q_1_3", "operator": ">=", "answerInteger": 7}
    Questionnaire.model_validate(exported)
    assert definition_from_questionnaire(json.loads(json.dumps(exported))) == imported  # ours: exact
    without_ours = {k: v for k, v in exported.items() if k != "extension"}  # as another system reads it
    again = definition_from_questionnaire(without_ours)
    assert _show_ifs(again) == _show_ifs(imported)
    assert [s.show_if for s in again.sections] == [s.show_if for s in imported.sections]


def test_a_counselor_imports_combined_conditions_and_the_builder_says_them_in_words(app, factory):
    counselor = signed_in(app, factory.counselor())
    upload = (io.BytesIO(json.dumps(SDC_COMBINED).encode()), "combined.json")
    response = counselor.post("/counselor/worksheets/import", data={
        "csrf_token": csrf_token(counselor), "questionnaire": upload},
        content_type="multipart/form-data")
    assert response.status_code == 302
    editor = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Shown only when “Were you hurt or threatened in the past few months?” is Yes, or when "
            "“Has it ever happened?” is Once or More than once") in editor
    assert ("Shown only when “Were you hurt or threatened in the past few months?” is Yes, and when "
            "“How afraid are you, 0 to 10?” is 7 or more") in editor


def test_fhir_several_conditions_without_an_enable_behavior_are_refused_by_name():
    data = copy.deepcopy(SDC_COMBINED)
    del data["item"][2]["item"][0]["enableBehavior"]
    with pytest.raises(WorksheetError) as refused:
        definition_from_questionnaire(data)
    assert "What would keep you safe tonight?" in str(refused.value) and "any or all" in str(refused.value)


def test_the_check_in_exports_its_follow_up_condition_as_any_of_three_answers(app):
    check_in = _library(app)["safety-check-in"]
    exported = questionnaire(check_in, slug="safety-check-in", version=1, base_url="http://localhost")
    follow_up = next(g for g in exported["item"] if g["linkId"] == "a_little_more")
    assert follow_up["enableBehavior"] == "any"
    assert {c["question"] for c in follow_up["enableWhen"]} == {
        "ever_hurt_or_afraid", "hurt_or_threatened", "afraid_of_partner"}
    del exported["extension"]
    assert definition_from_questionnaire(exported).sections[2].show_if == check_in.sections[2].show_if
