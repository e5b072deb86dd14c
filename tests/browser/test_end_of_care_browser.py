"""End of care in Chromium, as people do it: the counselor archives, the partner reads what care's end
means and downloads their answers, a wrong name does not delete, and the admin's pages are usable.
Every page is checked with axe for serious problems."""
import zipfile

from helpers import save_section
from support import browser_sign_in, serious_accessibility_problems, signed_in


def test_archive_read_download_and_a_wrong_name_for_delete(app, factory, new_page, tmp_path):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    save_section(signed_in(app, couple.partner_a), assignment.id, {"what_partner_feels": "Written in care"})
    problems = {}

    counselor = new_page(phone=False)
    browser_sign_in(counselor, couple.counselor.email)
    counselor.goto(f"/counselor/couples/{couple.id}")
    asked = []
    counselor.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    counselor.get_by_role("button", name="Archive (end of care)").click()
    counselor.get_by_text("Archived. Their records are kept, read-only").wait_for()
    assert len(asked) == 1, asked  # asked once, not again after the session check
    assert counselor.get_by_role("button", name="Reactivate").is_visible()
    problems.update({"archived couple": found} if (found := serious_accessibility_problems(counselor)) else {})

    counselor.get_by_role("link", name="Delete this couple's records…").click()
    counselor.get_by_label("Type the couple's name to confirm").fill(couple.partner_a.display_name)
    counselor.get_by_role("button", name="Delete for good").click()
    counselor.get_by_role("alert").get_by_text("not the couple's name").wait_for()
    assert counselor.get_by_label("Type the couple's name to confirm").get_attribute("aria-invalid") == "true"
    problems.update({"delete, wrong name": found} if (found := serious_accessibility_problems(counselor)) else {})

    partner = new_page()
    browser_sign_in(partner, couple.partner_a.email)
    partner.get_by_role("heading", name="Your counselling here has ended").wait_for()
    problems.update({"partner, care ended": found} if (found := serious_accessibility_problems(partner)) else {})
    with partner.expect_download() as download:
        partner.get_by_role("link", name="Download my answers").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        assert "Written in care" in archive.read("my-answers.csv").decode("utf-8-sig")
    partner.goto(f"/my/homework/{assignment.id}")
    partner.get_by_text("Written in care").wait_for()
    assert partner.locator("textarea").count() == 0
    problems.update({"partner, an exercise to read": found} if (found := serious_accessibility_problems(partner)) else {})

    admin = new_page(phone=False)
    browser_sign_in(admin, factory.admin(couple.counselor.practice).email)
    admin.get_by_role("link", name="Couples").click()
    admin.get_by_role("link", name="Archived").click()
    admin.get_by_role("link", name=couple.label).click()
    admin.get_by_role("heading", level=1, name=couple.label).wait_for()  # axe needs the new page, not the old one leaving
    problems.update({"admin, a couple": found} if (found := serious_accessibility_problems(admin)) else {})
    admin.goto("/admin/counselors")
    admin.get_by_role("link", name=f"Deactivate {couple.counselor.display_name}").click()
    admin.get_by_text("0 couples in care and 1 archived").wait_for()
    problems.update({"admin, deactivate": found} if (found := serious_accessibility_problems(admin)) else {})
    admin.get_by_role("button", name="Deactivate").click()  # only archived couples: no one needs choosing
    admin.get_by_text("is deactivated and signed out").wait_for()
    assert problems == {}
