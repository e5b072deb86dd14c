"""Getting back in, in Chromium at phone size: every page of it readable at 360 px and without
serious accessibility problems, also when it shows an error."""
import re

from sqlalchemy import select

from support import browser_sign_in, serious_accessibility_problems
from therapist_app.extensions import session as db_session
from therapist_app.models import OutboxMessage


def _fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _check(page, problems, name):
    found = serious_accessibility_problems(page)
    if not _fits_the_phone(page):
        found.append("wider than the screen")
    if found:
        problems[name] = found


def test_forgot_your_password_from_the_sign_in_page_to_a_new_password(app, factory, new_page, live_server):
    counselor = factory.counselor()
    page, problems = new_page(), {}
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("button", name="Send me a link").click()  # empty: the error shows next to the field
    page.locator(".errors").first.wait_for()  # the answer page, not the one still being left
    _check(page, problems, "forgot, with an error")
    page.get_by_label("Your email address").fill(counselor.email)
    page.get_by_role("button", name="Send me a link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    _check(page, problems, "sent")
    db_session.expire_all()
    body = db_session.scalar(select(OutboxMessage.body).where(OutboxMessage.unique_key.like("reset:%")))
    page.goto(re.search(r"(/password/reset/\S+)", body).group(1))
    page.get_by_label("Choose a password").fill("short")
    page.get_by_label("Type it once more").fill("short")
    page.get_by_role("button", name="Save my new password").click()
    page.locator(".errors").first.wait_for()  # axe on a page mid-navigation finds no document
    _check(page, problems, "reset, with an error")
    page.get_by_label("Choose a password").fill("a brand new passphrase")
    page.get_by_label("Type it once more").fill("a brand new passphrase")
    page.get_by_role("button", name="Save my new password").click()
    page.wait_for_url("**/login")
    browser_sign_in(page, counselor.email, "a brand new passphrase")
    page.wait_for_url("**/counselor/")
    page.get_by_role("link", name="Password").click()
    page.get_by_role("heading", name="Change your password").wait_for()
    _check(page, problems, "change password")
    assert problems == {}
