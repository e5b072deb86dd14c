"""A question that follows from an answer in the same part appears the moment the answer matches."""
import shutil

import yaml

from helpers import save_section
from support import browser_sign_in, serious_accessibility_problems, signed_in
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


# Conditions combined: one half may be an answer on an earlier part, the other on this page.
LIVE_COMBINED = {
    "slug": "live-combined", "title": "A short check", "purpose": "A short look at the week.",
    "estimated_minutes": 5, "stage": 1,
    "sections": [
        {"id": "week", "title": "This week", "fields": [
            {"id": "any_contact", "type": "single_choice", "label": "Was there any contact this week?",
             "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
            {"id": "how_hard", "type": "scale", "label": "How hard was this week?", "min_label": "Easy",
             "max_label": "Very hard"}]},
        {"id": "now", "title": "Right now", "fields": [
            {"id": "feel_shaken", "type": "single_choice", "label": "Do you feel shaken right now?",
             "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
            {"id": "what_helps", "type": "short_text", "label": "What would help right now?",
             "show_if": {"any": [{"question": "how_hard", "at_least": 7}, {"question": "feel_shaken", "equals": "yes"}]}},
            {"id": "contact_detail", "type": "short_text", "label": "Who reached out?",
             "show_if": {"question": "any_contact", "equals": "yes"}},  # one condition, on the earlier part
            {"id": "contact_shook", "type": "short_text", "label": "Did the contact shake you?",
             "show_if": {"all": [{"question": "any_contact", "equals": "yes"},
                                 {"question": "feel_shaken", "equals": "yes"}]}}]},
    ],
}


def test_combined_conditions_work_live_with_an_earlier_answer_and_one_on_the_page(app, factory, new_page, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(app.config["THERAPIST_WORKSHEETS_DIR"], library)
    (library / "live-combined.yaml").write_text(yaml.safe_dump(LIVE_COMBINED, sort_keys=False))
    sync_library(library)
    couple = factory.couple()
    assignment = factory.assign(couple, "live-combined")
    client = signed_in(app, couple.partner_a)
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)

    def answer_first_part(answers):
        """The first part, answered as without JavaScript, once the page has left the exercise (its
        leaving autosave must land before, or the save would meet a newer revision)."""
        page.goto("/my/")
        page.wait_for_load_state("networkidle")
        assert save_section(client, assignment.id, answers).status_code == 302

    answer_first_part({"any_contact": "yes", "how_hard": "2"})
    page.goto(f"/my/homework/{assignment.id}?section=1&edit=1")
    helps, shook = page.get_by_label("What would help right now?"), page.get_by_label("Did the contact shake you?")
    assert not helps.is_visible() and not shook.is_visible()
    assert page.get_by_label("Who reached out?").is_visible()  # met on the earlier part: the page must not hide it
    page.get_by_label("Yes", exact=True).check()
    assert helps.is_visible() and shook.is_visible()  # any: this answer; all: this and the earlier contact
    assert serious_accessibility_problems(page) == []
    page.get_by_label("No", exact=True).check()
    assert not helps.is_visible() and not shook.is_visible()

    answer_first_part({"any_contact": "no", "how_hard": "2"})
    page.goto(f"/my/homework/{assignment.id}?section=1&edit=1")
    assert not page.get_by_label("Who reached out?").is_visible()  # not asked: no contact
    page.get_by_label("Yes", exact=True).check()
    assert helps.is_visible() and not shook.is_visible()  # "all" still needs the earlier contact

    answer_first_part({"any_contact": "no", "how_hard": "8"})
    page.goto(f"/my/homework/{assignment.id}?section=1&edit=1")
    assert helps.is_visible()  # the earlier hard week is enough on its own
    page.get_by_label("No", exact=True).check()
    assert helps.is_visible() and not shook.is_visible()
    assert not page.get_by_text("follows from your answer above").first.is_visible()


def test_ticking_none_of_these_unticks_the_others_and_ticking_another_unticks_it(app, factory, new_page):
    couple = factory.couple()
    assignment = factory.assign(couple, "self-care-and-self-worth", assignee=couple.partner_a)
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}?edit=1")
    while not page.get_by_label("None of these", exact=True).count():
        page.get_by_role("button", name="Save and continue").click()
    sleep, eating, none = (page.get_by_label(name, exact=True) for name in ("Sleep", "Eating regularly", "None of these"))
    sleep.check()
    eating.check()
    none.check()
    assert not sleep.is_checked() and not eating.is_checked() and none.is_checked()
    sleep.check()
    assert sleep.is_checked() and not none.is_checked()
