"""Both partners in Chromium at phone size: hold back by keyboard, reveal after both submit, no peeking."""
from sqlalchemy import select

from support import browser_sign_in
from therapist_app.engine.presentation import definition_of
from therapist_app.extensions import session
from therapist_app.models import Assignment

SHARED_MARK = "Your partner will see this after you have both submitted."


def _complete(page, assignment_id, text, hold_back_first=False):
    page.goto(f"/my/homework/{assignment_id}")
    while True:
        for question in page.locator(".question").all():
            boxes = question.locator("textarea, input[type=text]")
            if boxes.count():
                boxes.first.fill(f"{text} {question.get_attribute('data-field')}")
            else:
                question.get_by_label("Skip", exact=True).check()
        next_button = page.get_by_role("button", name="Save and continue")
        if not next_button.count():
            break
        with page.expect_navigation():
            next_button.click()
    with page.expect_navigation():
        page.get_by_role("button", name="Review before submitting").click()
    assert page.get_by_text(SHARED_MARK).count() > 0
    if hold_back_first:
        # by keyboard alone: Tab to the first "Keep this for my counselor only" box and press Space
        box = page.get_by_label("Keep this for my counselor only").first
        held_field = box.get_attribute("value")
        page.locator("body").focus()
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == "hold_back":
                break
        page.keyboard.press("Space")
        assert box.is_checked()
    else:
        held_field = None
    with page.expect_navigation():
        page.get_by_role("button", name="Submit", exact=True).click()
    return held_field


def test_shared_answers_reveal_after_the_second_submission_and_a_held_back_one_never(app, factory, new_page):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    a, b = new_page(), new_page()
    browser_sign_in(a, couple.partner_a.email)
    browser_sign_in(b, couple.partner_b.email)

    held = _complete(a, assignment.id, "Robin wrote", hold_back_first=True)
    assert "Waiting for your partner" in a.content()
    b.goto(f"/my/homework/{assignment.id}")
    assert "Robin wrote" not in b.content()

    _complete(b, assignment.id, "Kai wrote")
    b_page = b.content()
    assert "What your partner shared" in b_page and "Robin wrote" in b_page
    assert f"Robin wrote {held}" not in b_page
    private = [f.id for f in definition_of(assignment.worksheet_version).all_fields() if f.visibility == "counselor"]
    for field_id in private:
        assert f"Robin wrote {field_id}" not in b_page
    a.reload()
    assert "Kai wrote" in a.content()


def test_a_partner_cannot_open_the_other_partners_private_check_in_by_url(app, factory, new_page):
    couple = factory.couple(with_check_ins=True)
    check_in_a = session.scalar(select(Assignment.id).where(Assignment.assignee_id == couple.partner_a_id))
    b = new_page()
    browser_sign_in(b, couple.partner_b.email)
    response = b.goto(f"/my/homework/{check_in_a}")
    assert response.status == 404 and "isn't available" in b.content().replace("&#39;", "'")
