"""The practice admin reads the audit log in Chromium: filters it by its labels, pages through it,
downloads the CSV, and meets no serious accessibility problem on the way."""

from support import browser_sign_in, serious_accessibility_problems
from therapist_app.extensions import session as db_session
from therapist_app.security.audit import record


def test_the_admin_filters_the_audit_log_and_downloads_it(app, factory, new_page, tmp_path):
    practice = factory.practice()
    admin = factory.admin(practice)
    couple = factory.couple(factory.counselor(practice, name="Dana Counselor"))
    for _ in range(55):
        record(couple.counselor_id, "view_couple", couple)
    db_session.commit()

    page = new_page(phone=False)
    browser_sign_in(page, admin.email)
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for()
    assert serious_accessibility_problems(page) == []

    page.get_by_label("Who").select_option(label="Dana Counselor")
    page.get_by_label("What").select_option(label="Opened a couple's page")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("55 entries match").wait_for()
    assert page.locator("tbody tr").count() == 50
    page.get_by_role("link", name="Older").click()
    page.get_by_text("Page 2 of 2", exact=True).wait_for()
    assert page.locator("tbody tr").count() == 5
    page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
    assert serious_accessibility_problems(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these as CSV").click()
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert len(lines) == 56 and all(",Dana Counselor,view_couple," in line for line in lines[1:])
