"""A self-harm answer in the private check-in: crisis resources and quick exit appear at once, live."""
from sqlalchemy import select

from support import browser_sign_in
from therapist_app.engine.presentation import definition_of, sections_for
from therapist_app.extensions import session as db_session
from therapist_app.models import Assignment
from therapist_app.services.worksheets import version_by_slug


def test_choosing_a_self_harm_answer_shows_crisis_resources_beside_it_at_once(app, factory, new_page):
    couple = factory.couple(with_check_ins=True)
    version = version_by_slug("safety-check-in")
    check_in = db_session.scalar(select(Assignment).where(Assignment.assignee_id == couple.partner_a_id,
                                                          Assignment.worksheet_version_id == version.id))
    index = next(view.index for view in sections_for(definition_of(version), None, {"values": {}, "states": {}})
                 if any(f.id == "thoughts_of_self_harm" for f in view.fields))
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{check_in.id}?section={index}&edit=1")
    panel = page.locator("[data-crisis-panel]")
    assert not panel.is_visible()
    question = page.locator("#q-thoughts_of_self_harm")
    question.get_by_label("Sometimes", exact=True).check()
    panel.wait_for(state="visible")
    assert "988" in panel.inner_text() and "911" in panel.inner_text()
    assert panel.get_by_role("link", name="Quick exit").is_visible()
    assert panel.is_visible() and panel.bounding_box()["y"] > question.bounding_box()["y"]  # beside the answer
