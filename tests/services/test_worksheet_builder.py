"""Counselor-made worksheets in the web UI: build, preview, publish, share, and keep private."""
import re

from sqlalchemy import select

from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Worksheet
from therapist_app.services import worksheet_builder
from therapist_app.services.worksheets import version_by_slug


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client), **data})


def _new_worksheet(client):
    response = _post(client, "/counselor/worksheets/new")
    assert response.status_code == 302
    return int(re.search(r"/worksheets/(\d+)/edit", response.headers["Location"]).group(1))


def test_a_counselor_builds_previews_publishes_and_assigns_a_worksheet(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    wid = _new_worksheet(counselor)
    _post(counselor, f"/counselor/worksheets/{wid}/details", title="Our week, gently",
          purpose="A short look back at the week.", estimated_minutes="10", stage="1", shared_with_practice="")
    _post(counselor, f"/counselor/worksheets/{wid}/fields", type="scale", section_id="questions")
    _post(counselor, f"/counselor/worksheets/{wid}/fields", type="single_choice", section_id="questions")
    db_session.expire_all()
    definition = db_session.get(Worksheet, wid).draft_definition
    scale_id, choice_id = [f["id"] for f in definition["sections"][0]["fields"][1:]]
    _post(counselor, f"/counselor/worksheets/{wid}/fields/{scale_id}", **{
        f"f-{scale_id}-label": "How close did you feel?", f"f-{scale_id}-min_label": "Far apart",
        f"f-{scale_id}-max_label": "Very close", f"f-{scale_id}-required": "y"})
    _post(counselor, f"/counselor/worksheets/{wid}/fields/{choice_id}", **{
        f"f-{choice_id}-label": "What helped most?", f"f-{choice_id}-options": "Time together\nA walk\nTalking",
        f"f-{choice_id}-shared": "y"})
    db_session.expire_all()  # a new question takes its id from its first wording
    definition = db_session.get(Worksheet, wid).draft_definition
    assert [f["id"] for f in definition["sections"][0]["fields"][1:]] == ["how_close_did_you_feel",
                                                                         "what_helped_most"]
    choice_id = "what_helped_most"
    _post(counselor, f"/counselor/worksheets/{wid}/fields/{choice_id}/up")
    _post(counselor, f"/counselor/worksheets/{wid}/fields/q1/remove")

    preview = counselor.get(f"/counselor/worksheets/{wid}/preview").get_data(as_text=True)
    assert "Our week, gently" in preview and "How close did you feel?" in preview
    assert preview.index("What helped most?") < preview.index("How close did you feel?")
    assert "Far apart" in preview and "A walk" in preview and "Your first question" not in preview

    _post(counselor, f"/counselor/worksheets/{wid}/publish")
    couple_page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    option = re.search(r'<option value="(\d+)">Our week, gently', couple_page)
    assert option, "the published worksheet is offered in the assign form"
    _post(counselor, f"/counselor/couples/{couple.id}/assign",
          worksheet=option.group(1), assignee="both")
    partner_page = signed_in(app, couple.partner_a).get("/my/").get_data(as_text=True)
    assert "Our week, gently" in partner_page


def test_an_edit_that_breaks_the_rules_is_refused_and_the_worksheet_is_unchanged(app, factory):
    counselor = signed_in(app, factory.counselor())
    wid = _new_worksheet(counselor)
    response = _post(counselor, f"/counselor/worksheets/{wid}/fields/q1", **{
        "f-q1-label": "A painful question", "f-q1-required": "y", "f-q1-sensitive": "y"})
    page = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "can never be required" in page
    db_session.expire_all()
    field = db_session.get(Worksheet, wid).draft_definition["sections"][0]["fields"][0]
    assert field["label"] == "Your first question" and not field.get("sensitive")


def test_a_private_worksheet_cannot_be_seen_edited_or_assigned_by_another_counselor(app, factory):
    practice = factory.practice()
    author, colleague = factory.counselor(practice), factory.counselor(practice)
    author_client = signed_in(app, author)
    wid = _new_worksheet(author_client)
    _post(author_client, f"/counselor/worksheets/{wid}/details", title="Private to its author",
          purpose="Only mine.", estimated_minutes="5", stage="0", shared_with_practice="")
    _post(author_client, f"/counselor/worksheets/{wid}/fields/q1", **{"f-q1-label": "What went well?"})
    _post(author_client, f"/counselor/worksheets/{wid}/publish")
    version_id = db_session.get(Worksheet, wid).versions[0].id
    couple = factory.couple(counselor=colleague)
    other = signed_in(app, colleague)
    assert "Private to its author" not in other.get("/counselor/worksheets").get_data(as_text=True)
    assert other.get(f"/counselor/worksheets/{wid}/edit").status_code == 404
    assert other.get(f"/counselor/worksheet-versions/{version_id}/preview").status_code == 404
    forged = _post(other, f"/counselor/couples/{couple.id}/assign",
                   worksheet=str(version_id), assignee="both")
    assert forged.status_code == 422

    _post(author_client, f"/counselor/worksheets/{wid}/details",
          title="Shared now", purpose="For everyone.", estimated_minutes="5", stage="0", shared_with_practice="y")
    _post(author_client, f"/counselor/worksheets/{wid}/publish")
    assert "Shared now" in other.get("/counselor/worksheets").get_data(as_text=True)
    assert other.get(f"/counselor/worksheets/{wid}/edit").status_code == 404  # only its author edits it


def test_duplicating_a_library_exercise_makes_an_editable_copy_and_leaves_the_library_alone(app, factory):
    counselor = signed_in(app, factory.counselor())
    version = version_by_slug("empathy-exchange")
    response = _post(counselor, f"/counselor/worksheet-versions/{version.id}/duplicate")
    page = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Understanding each other (copy)" in page
    db_session.expire_all()
    assert version_by_slug("empathy-exchange").definition["title"] == "Understanding each other"
    assert db_session.scalar(select(Worksheet).where(Worksheet.source == "practice")).versions == []


def test_publishing_is_refused_while_starter_text_is_left(app, factory):
    counselor = signed_in(app, factory.counselor())
    wid = _new_worksheet(counselor)
    response = _post(counselor, f"/counselor/worksheets/{wid}/publish")
    page = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please replace the starter text before publishing" in page and "Untitled exercise" in page
    db_session.expire_all()
    assert db_session.get(Worksheet, wid).versions == []


def test_adding_a_question_lands_on_it_and_its_first_wording_names_it(app, factory):
    counselor = signed_in(app, factory.counselor())
    wid = _new_worksheet(counselor)
    added = _post(counselor, f"/counselor/worksheets/{wid}/fields", type="long_text", section_id="questions")
    assert added.headers["Location"].endswith("#field-q")  # the editor opens at the new question
    named = _post(counselor, f"/counselor/worksheets/{wid}/fields/q",
                  **{"f-q-label": "What helped you feel safe this week?"})
    assert named.headers["Location"].endswith("#field-what_helped_you_feel_safe_this")
    db_session.expire_all()
    ids = [f["id"] for f in db_session.get(Worksheet, wid).draft_definition["sections"][0]["fields"]]
    assert ids == ["q1", "what_helped_you_feel_safe_this"]


def test_an_over_long_question_wording_comes_back_as_typed(app, factory):
    counselor = signed_in(app, factory.counselor())
    wid = _new_worksheet(counselor)
    wording = "What would you like your partner to understand about this week? " * 6
    refused = _post(counselor, f"/counselor/worksheets/{wid}/fields/q1", **{"f-q1-label": wording})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "can be up to 300 characters" in html
    assert wording.strip() in html.replace("&#39;", "'")


def test_a_copied_none_of_these_stands_alone_until_its_option_is_reworded_or_removed(app, factory):
    counselor = factory.counselor()
    copy_ = worksheet_builder.duplicate(counselor, version_by_slug("self-care-and-self-worth").id)

    def edit(options):
        worksheet_builder.update_field(counselor, copy_.id, "basics_that_are_hard",
                                       {"label": "Which everyday basics have been hard lately?", "options": options})
        db_session.expire_all()
        return next(f for s in db_session.get(Worksheet, copy_.id).draft_definition["sections"]
                    for f in s["fields"] if f["id"] == "basics_that_are_hard")

    assert edit("Sleep\nEating regularly\nTime outdoors\nNone of these")["exclusive_values"] == ["none_of_these"]
    assert "exclusive_values" not in edit("Sleep\nEating regularly\nTime outdoors")  # the edit is not refused


def test_editing_a_copied_questions_options_keeps_the_values_of_options_whose_words_are_unchanged(app, factory):
    """"None of these yet" is `none_yet` in the library: rewording another option must not rename it
    (its words would make it `none_of_these_yet`) and so drop its standing alone."""
    counselor = factory.counselor()
    version = version_by_slug("mindful-reconnection")
    copy_ = worksheet_builder.duplicate(counselor, version.id)
    field = next(f for s in version.definition["sections"] for f in s["fields"] if f["id"] == "ways_to_try")
    labels = [option["label"] for option in field["options"]]
    labels[0] = "Sitting close together on the sofa"
    worksheet_builder.update_field(counselor, copy_.id, "ways_to_try", {"label": field["label"],
                                                                         "options": "\n".join(labels)})
    db_session.expire_all()
    edited = next(f for s in db_session.get(Worksheet, copy_.id).draft_definition["sections"]
                  for f in s["fields"] if f["id"] == "ways_to_try")
    assert [o["value"] for o in edited["options"]][1:] == [o["value"] for o in field["options"]][1:]
    assert edited["exclusive_values"] == ["none_yet"]
