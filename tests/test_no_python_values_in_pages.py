"""No Python value leaks into a page as text: an attribute rendered from None (aria-invalid="None")
is an accessibility error that screen readers announce, and it passes every test that only looks
for the words. Every worksheet of the library is shown, as its preview and to a partner."""
import re

from support import signed_in
from therapist_app.extensions import session as db_session
from therapist_app.services.worksheets import library_for

LEAKED = re.compile(r'="(None|True|False)"|>\s*None\s*<')


def test_no_worksheet_page_renders_none_true_or_false_as_text(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    partner = signed_in(app, couple.partner_a)
    versions = library_for(db_session.merge(couple.counselor))
    assert len(versions) >= 15
    for version in versions:
        preview = counselor.get(f"/counselor/worksheet-versions/{version.id}/preview")
        assert preview.status_code == 200, version.worksheet.slug
        assert not LEAKED.findall(preview.get_data(as_text=True)), version.worksheet.slug
    for slug in ("first-steps", "affair-questions", "building-safety-together"):  # tables of rows
        assignment = factory.assign(couple, slug, assignee=couple.partner_a)
        page = partner.get(f"/my/homework/{assignment.id}?edit=1&safe=1")
        assert page.status_code == 200, slug
        assert not LEAKED.findall(page.get_data(as_text=True)), slug
