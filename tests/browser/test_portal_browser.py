"""The couple's portal in Chromium at phone size: autosave, expired sessions, one submit, accessibility."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from helpers import weeks_of_check_ins
from support import PASSWORD, browser_sign_in, serious_accessibility_problems, signed_out_soon
from therapist_app.extensions import session as db_session
from therapist_app.models import Response

LONG_ANSWER = ("I have been thinking about this all week. " * 60).strip()


@pytest.fixture
def homework(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    return couple, assignment


def test_autosave_keeps_an_answer_through_a_reload_mid_typing(homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    box = page.locator("textarea").first
    box.click()
    box.press_sequentially("Typed without pressing save", delay=5)
    page.locator(".save-status", has_text="Saved").first.wait_for()
    page.reload()
    assert page.locator("textarea").first.input_value() == "Typed without pressing save"


def test_a_long_answer_survives_an_expired_session_and_is_saved_after_signing_in_again(app, homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    # Shorten the idle limit only once the page is open: a slow machine must not expire it earlier.
    app.config["THERAPIST_IDLE_TIMEOUT_CLIENT"] = timedelta(seconds=2)
    page.wait_for_timeout(2500)  # the partner pauses; the session ends on the server
    box = page.locator("textarea").first
    box.fill(LONG_ANSWER)
    box.blur()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert page.locator("textarea").first.input_value() == LONG_ANSWER
    app.config["THERAPIST_IDLE_TIMEOUT_CLIENT"] = timedelta(minutes=30)
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in and continue").click()
    page.locator(".save-status", has_text="Saved").first.wait_for()
    page.reload()
    assert page.locator("textarea").first.input_value() == LONG_ANSWER
    db_session.expire_all()
    stored = db_session.scalar(select(Response).where(Response.assignment_id == assignment.id))
    assert LONG_ANSWER in stored.draft["values"].values()


def test_double_clicking_submit_creates_one_response(app, factory, new_page):
    couple = factory.couple()
    assignment = factory.assign(couple, "weekly-trust-check-in")
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    for name in ("trust_rating", "safety_rating", "communication_rating", "closeness_rating"):
        page.locator(f"input[name=a__{name}][value='6']").check()
    page.locator("input[name=a__painful_reminders][value='once_or_twice']").check()
    page.get_by_role("button", name="Save and continue").click()
    page.locator("input[type=text]").first.fill("A walk together on Sunday")
    page.get_by_role("button", name="Review before submitting").click()
    # Wait for the review page: until then "Submit" would also match "Review before submitting".
    page.wait_for_url("**/review")
    page.get_by_role("button", name="Submit", exact=True).dblclick()
    page.get_by_text("Submitted. Thank you").wait_for()
    db_session.expire_all()
    count = db_session.scalar(select(func.count(Response.id)).where(Response.assignment_id == assignment.id))
    assert count == 1


def test_nothing_is_kept_in_browser_storage(homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    page.locator("textarea").first.fill("private words")
    page.locator("textarea").first.blur()
    page.locator(".save-status", has_text="Saved").first.wait_for()
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0


def test_quick_exit_leaves_and_back_does_not_return_to_the_page(homework, new_page, live_server, app):
    couple, assignment = homework
    app.config["THERAPIST_QUICK_EXIT_URL"] = f"{live_server}/login?neutral=1"
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto("/my/")
    page.goto(f"/my/homework/{assignment.id}")
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url("**/login?neutral=1")
    page.go_back()
    assert f"/my/homework/{assignment.id}" not in page.url
    assert signed_out_soon(page)  # the quick exit also signed the partner out on the server


def test_client_pages_have_no_serious_accessibility_violations(app, factory, new_page):
    couple = factory.couple(with_check_ins=True)
    assignment = factory.assign(couple, "empathy-exchange")
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    problems = {}
    for path in ("/my/", f"/my/homework/{assignment.id}", f"/my/homework/{assignment.id}?section=1&edit=1",
                 f"/my/homework/{assignment.id}/review", "/login"):
        page.goto(path)
        found = serious_accessibility_problems(page)
        if found:
            problems[path] = found
    check_in = page.locator("a", has_text="Check-in").first
    page.goto("/my/")
    with page.expect_navigation():  # axe needs the gate's page, not /my/ leaving
        check_in.click()
    problems.update({"check-in gate": found} if (found := serious_accessibility_problems(page)) else {})
    weeks_of_check_ins(couple, couple.partner_a, 25)  # a long history: the pager, the whole chart
    for path in ("/my/", "/my/done", "/my/done?page=2", "/my/check-ins"):
        page.goto(path)
        found = serious_accessibility_problems(page)
        if found:
            problems[path] = found
    assert problems == {}


def test_every_field_is_usable_by_keyboard_alone(homework, new_page):
    couple, assignment = homework
    page = new_page()
    browser_sign_in(page, couple.partner_a.email)
    page.goto(f"/my/homework/{assignment.id}")
    page.locator("textarea").first.focus()
    page.keyboard.type("typed with the keyboard")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Save and continue":
            break
    assert page.evaluate("document.activeElement.textContent") == "Save and continue"
    page.keyboard.press("Enter")
    page.wait_for_url("**section=1**")
