"""The session loop in Chromium: schedule, a topic from a phone, the packet, held, summary, read on phones."""
import re

from sessions_support import fill_schedule_form, in_daytime
from support import browser_sign_in, pdf_text, serious_accessibility_problems


def _fits_a_phone(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_whole_session_loop(app, factory, new_page):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange")
    problems = {}

    in_daytime(couple.counselor)  # the session, two hours ahead, is today: it can be marked held
    desk = new_page(phone=False)
    browser_sign_in(desk, couple.counselor.email)
    fill_schedule_form(desk, couple, hours=2)
    desk.get_by_label("Video", exact=True).check()
    desk.get_by_label("Video link (for a video session)").fill("https://video.example/room-7")
    desk.get_by_role("button", name="Schedule").click()
    desk.get_by_text("The session is scheduled.").wait_for()
    session_url = desk.url
    problems["session page"] = serious_accessibility_problems(desk)

    phone_a = new_page()
    browser_sign_in(phone_a, couple.partner_a.email)
    phone_a.get_by_role("heading", name="My homework").wait_for()
    assert "Add to calendar" in phone_a.content()
    phone_a.get_by_label("Something I want to talk about next time").fill("How we talk about the weekend")
    phone_a.get_by_role("button", name="Add", exact=True).click()
    phone_a.get_by_text("Added. Your counselor will see it").wait_for()
    assert "How we talk about the weekend" in phone_a.content() and _fits_a_phone(phone_a)
    problems["my homework"] = serious_accessibility_problems(phone_a)

    desk.goto(session_url)
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Download prep packet (since the last session)").click()
    packet = pdf_text(open(download.value.path(), "rb").read())
    assert "How we talk about the weekend" in packet and "session 1" in packet

    desk.get_by_role("button", name="Mark held").click()
    desk.get_by_text("Marked held.").wait_for()
    desk.get_by_role("link", name="Write the summary").click()
    desk.get_by_label("What we worked on", exact=True).fill("We practised slowing down when things get heated.")
    desk.get_by_label("A short note", exact=True).fill("You both showed real courage today.")
    problems["summary form"] = serious_accessibility_problems(desk)
    desk.get_by_role("button", name="Save and preview").click()
    desk.get_by_role("heading", name=re.compile("^Preview")).wait_for()
    assert desk.content().count("We practised slowing down") == 2
    problems["preview"] = serious_accessibility_problems(desk)
    desk.get_by_role("button", name="Publish to both partners").click()
    desk.get_by_text("Published.").wait_for()
    desk.goto("/counselor/")
    problems["dashboard"] = serious_accessibility_problems(desk)

    for partner in couple.partners:
        phone = new_page()
        browser_sign_in(phone, partner.email)
        phone.get_by_role("link", name="Session summaries").click()
        phone.get_by_role("link", name=re.compile("Session 1")).click()
        phone.get_by_role("heading", name="Session summary").wait_for()
        content = phone.content()
        assert "We practised slowing down" in content and "real courage" in content
        assert "How we talk about the weekend" not in content
        assert _fits_a_phone(phone)
        problems[f"summary {partner.id}"] = serious_accessibility_problems(phone)
    assert not any(problems.values()), problems
