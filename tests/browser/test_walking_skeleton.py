"""Steps 2–4 of the walking skeleton, as people do them in Chromium: assign, complete, print."""
import re

from sqlalchemy import select

from support import PASSWORD, browser_sign_in, pdf_text
from therapist_app.extensions import session as db_session
from therapist_app.models import OutboxMessage, Response
from therapist_app.services.worksheets import version_by_slug


def _invite_path(address):
    db_session.expire_all()
    body = db_session.scalar(select(OutboxMessage.body).where(OutboxMessage.to_address == address)
                             .order_by(OutboxMessage.id.desc()))
    return re.search(r"https?://[^/\s]+(/welcome/\S+)", body).group(1)


def test_counselor_assigns_partner_completes_on_a_phone_counselor_prints(app, factory, new_page):
    counselor = factory.counselor(name="Dr. Lee")

    desk = new_page(phone=False)
    browser_sign_in(desk, counselor.email, PASSWORD)
    desk.get_by_role("link", name="Add a couple").click()
    desk.get_by_label("First partner's name").fill("Jordan")
    desk.get_by_label("First partner's email").fill("jordan@example.org")
    desk.get_by_label("Second partner's name").fill("Casey")
    desk.get_by_label("Second partner's email").fill("casey@example.org")
    desk.get_by_role("button", name="Add and invite").click()
    desk.get_by_text("both partners were invited").wait_for()

    title = version_by_slug("empathy-exchange").title
    option = desk.locator("#worksheet option", has_text=title)
    desk.get_by_label("Exercise", exact=True).select_option(option.get_attribute("value"))
    desk.get_by_label("Due date").fill("2099-01-15")
    desk.get_by_label("Personal note, shown with the exercise").fill("Write freely; we will read these together.")
    desk.get_by_role("button", name="Assign").click()
    desk.get_by_text("The exercise was assigned.").wait_for()

    phone = new_page()
    phone.goto(_invite_path("jordan@example.org"))
    phone.get_by_label("Choose a password").fill("jordan's long passphrase")
    phone.get_by_label("Type it once more").fill("jordan's long passphrase")
    phone.get_by_role("button", name="Save my password").click()
    phone.get_by_role("heading", name="My homework").wait_for()
    assert "Write freely; we will read these together." in phone.content()

    phone.get_by_role("link", name=title).first.click()
    first_box = phone.locator("textarea").first
    first_box.fill("I think you feel unsafe & tired <b>often</b>")
    phone.get_by_role("button", name="Save", exact=True).first.click()
    phone.get_by_text("Saved.").wait_for()
    phone.reload()
    assert phone.locator("textarea").first.input_value() == "I think you feel unsafe & tired <b>often</b>"

    # the rest of the exercise, section by section, then review and submit
    while True:
        for question in phone.locator(".question").all():
            boxes = question.locator("textarea, input[type=text]")
            if boxes.count():
                if not boxes.first.input_value():
                    boxes.first.fill("An answer written on a phone")
            else:
                question.get_by_label("Skip", exact=True).check()  # choices: skipped deliberately
        continue_button = phone.get_by_role("button", name="Save and continue")
        if continue_button.count():
            with phone.expect_navigation():
                continue_button.click()
            continue
        with phone.expect_navigation():
            phone.get_by_role("button", name="Review before submitting").click()
        break
    phone.get_by_role("heading", name=re.compile("^Review")).wait_for()
    phone.get_by_role("button", name="Submit", exact=True).click()
    phone.get_by_text("Submitted. Thank you").wait_for()
    assert "Waiting for your partner" in phone.content()

    desk.reload()
    with desk.expect_navigation():  # content() read while the next page loads is empty
        desk.get_by_role("link", name=title).click()
    page_text = desk.content()
    assert "I think you feel unsafe &amp; tired &lt;b&gt;often&lt;/b&gt;" in page_text
    desk.get_by_role("link", name=re.compile("Jordan & Casey")).click()
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Download session-prep PDF").click()
    text = pdf_text(open(download.value.path(), "rb").read())
    assert "I think you feel unsafe & tired <b>often</b>" in text
    db_session.expire_all()
    assert db_session.scalar(select(Response).where(Response.status == "submitted")) is not None
