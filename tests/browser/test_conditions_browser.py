"""A question that follows from an answer in the same part appears the moment the answer matches."""
import shutil

import yaml

from support import browser_sign_in
from therapist_app.services.worksheets import sync_library

LIVE = {
    "slug": "live-follow-up", "title": "A short check", "purpose": "A short look at the week.",
    "estimated_minutes": 5, "stage": 1,
    "sections": [{"id": "only", "title": "This week", "fields": [
        {"id": "any_contact", "type": "single_choice", "label": "Was there any contact this week?",
         "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
        {"id": "detail", "type": "short_text", "label": "Say a little about it",
         "show_if": {"question": "any_contact", "equals": "yes"}},
    ]}],
}


def test_a_follow_up_question_appears_live_when_the_answer_matches(app, factory, new_page, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(app.config["THERAPIST_WORKSHEETS_DIR"], library)
    (library / "live-follow-up.yaml").write_text(yaml.safe_dump(LIVE, sort_keys=False))
    sync_library(library)
    couple = factory.couple()
    assignment = factory.assign(couple, "live-follow-up")
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    follow_up = page.get_by_label("Say a little about it")
    assert not follow_up.is_visible()
    page.get_by_label("Yes", exact=True).check()
    assert follow_up.is_visible()
    assert not page.get_by_text("follows from your answer above").is_visible()  # the no-JS hint is gone
    page.get_by_label("No", exact=True).check()
    assert not follow_up.is_visible()
