"""A counselor changes when repeating homework is due, in Chromium: from the couple's page, on a form
with no serious accessibility problem, and the couple's page shows the new schedule."""
from datetime import timedelta

from support import browser_sign_in, serious_accessibility_problems
from therapist_app.services import series, worksheets
from therapist_app.timezones import today_in


def test_the_counselor_moves_the_weekly_check_in_to_every_other_friday(app, factory, new_page):
    couple = factory.couple()
    today = today_in(couple.counselor.timezone)
    series.assign_repeating(couple.counselor, couple.id, worksheets.version_by_slug("weekly-trust-check-in").id,
                            series.Recurrence(), due_date=today + timedelta(days=2))
    friday = today + timedelta(days=9 + (4 - (today + timedelta(days=9)).weekday()) % 7)  # after the next one
    page = new_page(phone=False)
    browser_sign_in(page, couple.counselor.email)
    page.goto(f"/counselor/couples/{couple.id}")
    page.get_by_role("link", name="Change the schedule").click()
    page.get_by_role("heading", name="Change the schedule").wait_for()
    assert serious_accessibility_problems(page) == []
    page.get_by_label("Next one due").fill(friday.isoformat())
    page.get_by_label("Repeats").select_option(label="Every 2 weeks")
    page.get_by_role("button", name="Save the schedule").click()
    page.get_by_text("The new schedule applies from the next one").wait_for()
    assert "every 2 weeks on Fridays" in " ".join(page.locator("#repeating-heading + ul").inner_text().split())
    assert f"Next due {friday.day} {friday:%b}" in page.locator("#repeating-heading + ul").inner_text()
