"""The session-prep PDF: real WeasyPrint output read back with pypdf."""
import io

import pytest
from pypdf import PdfReader

from support import pdf_text, signed_in
from helpers import answer_everything, save_section, submit
from therapist_app.pdf.render import AppAssetsOnly


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    return pdf_text(response.data)


def test_the_prep_packet_holds_both_partners_answers_side_by_side(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    for partner, text in ((couple.partner_a, "Robin says"), (couple.partner_b, "Kai says")):
        browser = signed_in(app, partner)
        answer_everything(browser, assignment, text=text)
        submit(browser, assignment.id)
    response = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf")
    assert response.headers["Cache-Control"] == "no-store"
    text = _pdf_text(response)
    assert "Session preparation" in text
    assert "Robin says: what_partner_feels" in text and "Kai says: what_partner_feels" in text
    assert couple.partner_a.display_name in text and couple.partner_b.display_name in text
    assert "Submitted" in text


def test_a_couple_with_no_responses_gets_a_packet_that_says_so(app, factory):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange")
    text = _pdf_text(signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf"))
    assert "No responses yet" in text
    assert "Not started yet" in text


def test_drafts_are_not_printed_only_submitted_answers(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    save_section(signed_in(app, couple.partner_a), assignment.id, {"what_partner_feels": "unsent draft words"})
    text = _pdf_text(signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf"))
    assert "unsent draft words" not in text and "In progress" in text


HOSTILE = ('<img src="http://127.0.0.1:9/x.png"> <link rel=attachment href="file:///etc/passwd">'
           '<style>@import url(http://127.0.0.1:9/a.css);</style> & <script>alert(1)</script>')


def test_hostile_answer_text_prints_as_text_and_fetches_nothing(app, factory, monkeypatch):
    fetched = []
    original = AppAssetsOnly.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(AppAssetsOnly, "fetch", spy)
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    browser = signed_in(app, couple.partner_a)
    save_section(browser, assignment.id, {"what_partner_feels": HOSTILE})
    answer_everything(browser, assignment, text="filler")
    save_section(browser, assignment.id, {"what_partner_feels": HOSTILE})
    submit(browser, assignment.id)
    response = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf")
    text = _pdf_text(response)
    assert "<img src=" in text and "<script>alert(1)</script>" in text and "@import" in text
    assert all(url.startswith("ta-asset:///") for url in fetched), fetched
    reader = PdfReader(io.BytesIO(response.data))
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))


def test_the_fetcher_refuses_everything_but_our_own_assets():
    fetcher = AppAssetsOnly()
    assert fetcher.fetch("ta-asset:///pdf.css").status == 200
    for url in ("http://127.0.0.1:9/x", "file:///etc/passwd", "ta-asset:///../../config.py",
                "data:text/css,body{}", "ta-asset:///missing.css"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_weekly_check_ins_print_as_one_trend_per_partner(app, factory):
    couple = factory.couple()
    for rating in ("2", "8"):
        assignment = factory.assign(couple, "weekly-trust-check-in")
        for partner in couple.partners:
            browser = signed_in(app, partner)
            save_section(browser, assignment.id, {f"{m}_rating": rating for m in ("trust", "safety", "communication", "closeness")})
            save_section(browser, assignment.id, {"helped_this_week": "a walk"}, section=1)
            submit(browser, assignment.id)
    response = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf")
    text = _pdf_text(response)
    assert text.count("Weekly check-ins") == 1
    assert f"{couple.partner_a.display_name} " in text and "Week of Trust Safety Communication Closeness" in text
    assert "No responses yet" not in text


def test_counselor_only_answers_are_marked_in_the_packet_and_on_the_answers_page(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    for partner in couple.partners:
        browser = signed_in(app, partner)
        answer_everything(browser, assignment, text="Words")
        submit(browser, assignment.id)
    counselor = signed_in(app, couple.counselor)
    text = _pdf_text(counselor.get(f"/counselor/couples/{couple.id}/prep.pdf"))
    # help_from_counselor is counselor-only: each partner's answer to it carries the mark.
    squeezed = text.replace(" ", "")
    for name in ("Words:help_from_counselor",):
        assert squeezed.count("COUNSELORONLY" + name) == 2
    page = counselor.get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    assert page.count('<span class="tag tag-private">counselor only</span>') >= 2
