"""The session-prep PDF: real WeasyPrint output read back with pypdf."""
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select

from helpers import answer_everything, both_partners_submit, save_section, submit, weeks_of_check_ins
from sessions_support import add_session
from support import csrf_token, drawn_characters, pdf_text, signed_in
from therapist_app.engine.presentation import definition_of, sections_for
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent, Response
from therapist_app.models.base import utcnow
from therapist_app.pdf import prep_packet, worker
from therapist_app.pdf.render import AppAssetsOnly, pdf_from_html
from therapist_app.services import packets
from therapist_app.timezones import format_local, to_local


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    return pdf_text(response.data)


def test_the_prep_packet_holds_both_partners_answers_side_by_side(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    both_partners_submit(app, couple, assignment, text="Robin says", text_b="Kai says")
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
    # Served PDFs are laid out in a worker process; lay the same HTML out here to watch every fetch.
    with app.test_request_context():
        pdf_from_html(prep_packet.packet_html(packets.prep(couple.counselor, couple.id)))
    assert fetched and all(url.startswith("ta-asset:///") for url in fetched), fetched
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


def test_weekly_check_ins_print_one_chart_per_measure_with_both_partners(app, factory):
    couple = factory.couple()
    for rating in ("2", "8"):
        assignment = factory.assign(couple, "weekly-trust-check-in")
        for partner in couple.partners:
            browser = signed_in(app, partner)
            save_section(browser, assignment.id, {**{f"{m}_rating": rating for m in ("trust", "safety", "communication", "closeness")},
                                                  "painful_reminders": "not_at_all"})
            save_section(browser, assignment.id, {"helped_this_week": "a walk"}, section=1)
            submit(browser, assignment.id)
    response = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf")
    text = _pdf_text(response)
    assert text.count("Weekly check-ins") == 1
    names = " ".join(p.display_name for p in couple.partners)
    for measure in ("Trust", "Safety", "Communication", "Closeness"):
        assert f"{measure} (0–10), day {names}" in text
    # Both partners answered both check-ins today: one row, every rating kept, side by side.
    table = text[text.index("Trust (0–10), day"):text.index("Safety (0–10), day")]
    assert re.search(r"\d{4} 2, 8 2, 8 ", table), table
    assert "No responses yet" not in text


def test_homework_given_before_the_last_session_and_not_sent_yet_is_still_in_the_packets_table(app, factory):
    couple = factory.couple()
    with time_machine.travel(utcnow() - timedelta(days=20)):
        waiting = factory.assign(couple, "empathy-exchange")
        sent = factory.assign(couple, "first-steps")
        answer_everything(signed_in(app, couple.partner_a), sent)
        submit(signed_in(app, couple.partner_a), sent.id)
        answer_everything(signed_in(app, couple.partner_b), sent)
        submit(signed_in(app, couple.partner_b), sent.id)
    counselor = signed_in(app, couple.counselor)
    add_session(counselor, couple, days=-10)
    add_session(counselor, couple, days=3)
    text = " ".join(_pdf_text(counselor.get(f"/counselor/couples/{couple.id}/prep.pdf")).split())
    homework = text[text.index("Homework Exercise Due"):]
    table = homework[:homework.index("Confidential")]
    assert definition_of(waiting.worksheet_version).title in table and "Not started yet" in table
    assert definition_of(sent.worksheet_version).title not in table  # sent by both before the last session
    assert "No homework has been assigned yet" not in text


def test_two_years_of_check_ins_print_the_latest_weeks_and_the_full_history_prints_every_week(app, factory):
    couple = factory.couple()
    weeks_of_check_ins(couple, couple.partner_a, 104)  # one a week, the newest the week before last
    counselor = signed_in(app, couple.counselor)
    add_session(counselor, couple, days=-10)  # a last session, and the one the packet is for
    add_session(counselor, couple, days=3)
    text = _pdf_text(counselor.get(f"/counselor/couples/{couple.id}/prep.pdf"))
    trust = text[text.index("Trust (0–10), day"):text.index("Safety (0–10), day")]
    assert len(re.findall(r"\d{1,2} \w{3} \d{4} \d+ —", trust)) == packets.TREND_DAYS_SHOWN, trust
    first = to_local(utcnow() - timedelta(weeks=105), couple.counselor.timezone).date()
    assert f"{104 - packets.TREND_DAYS_SHOWN} earlier days go back to {first.strftime('%-d %b %Y')}" in trust
    assert "the prep packet with the full history shows them all" in " ".join(trust.split())
    # Only the check-ins since the last session are listed as homework, not two years of them.
    assert re.findall(r"Weekly check-in \d{1,2} \w{3} ", text) == [], text
    full = _pdf_text(counselor.get(f"/counselor/couples/{couple.id}/prep.pdf?history=full"))
    trust = full[full.index("Trust (0–10), day"):full.index("Safety (0–10), day")]
    assert len(re.findall(r"\d{1,2} \w{3} \d{4} \d+ —", trust)) == 104
    assert "earlier days" not in full
    # The full history prints every answer: the audit log says which packet was printed.
    db_session.expire_all()
    printed = db_session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("print_prep_packet%"))
                                 .order_by(AuditEvent.id)).all()
    assert printed == ["print_prep_packet", "print_prep_packet_full"]


def test_counselor_only_answers_are_marked_in_the_packet_and_on_the_answers_page(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    both_partners_submit(app, couple, assignment, text="Words")
    counselor = signed_in(app, couple.counselor)
    text = _pdf_text(counselor.get(f"/counselor/couples/{couple.id}/prep.pdf"))
    # help_from_counselor is counselor-only: each partner's answer to it carries the mark.
    squeezed = text.replace(" ", "")
    for name in ("Words:help_from_counselor",):
        assert squeezed.count("COUNSELORONLY" + name) == 2
    page = counselor.get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    assert page.count('<span class="tag tag-private">counselor only</span>') >= 2


def _both_answer(app, couple, assignment, texts, overrides=None):
    for partner, text in zip(couple.partners, texts):
        browser = signed_in(app, partner)
        answer_everything(browser, assignment, text=text)
        for field_id, value in (overrides or {}).get(partner.id, {}).items():
            section = next(v.index for v in sections_for(definition_of(assignment.worksheet_version), None)
                           if field_id in {f.id for f in v.fields})
            save_section(browser, assignment.id, {field_id: value}, section=section)
        assert submit(browser, assignment.id).status_code == 302


def test_read_first_names_the_partner_and_where_risk_words_are_and_gaps_are_highlighted(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    _both_answer(app, couple, assignment, ("Some weeks I am afraid of him when he drinks", "Calm words"),
                 {couple.partner_a_id: {"comfort_sharing": "2"}, couple.partner_b_id: {"comfort_sharing": "8"}})
    text = _pdf_text(signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf"))
    read_first = text[text.index("Read first"):text.index("Agenda: topics")]
    assert f"(“afraid of him”): {couple.partner_a.display_name}, Understanding each other" in read_first
    assert couple.partner_b.display_name not in read_first  # calm words raise nothing
    assert "It is not a finding" in read_first
    assert "Gap of 6" in text


def test_the_admin_edits_the_words_the_packet_flags(app, factory):
    couple = factory.couple()
    admin = signed_in(app, factory.admin(couple.counselor.practice))
    response = admin.post("/admin/practice/risk-phrases", data={
        "csrf_token": csrf_token(admin), "phrases": "Sleeping in the car\n  \nsleeping in the car"})
    assert response.status_code == 302
    assignment = factory.assign(couple, "empathy-exchange")
    _both_answer(app, couple, assignment, ("Last week I was sleeping in the car again", "I am afraid of him"))
    text = _pdf_text(signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf"))
    read_first = text[text.index("Read first"):text.index("Agenda: topics")]
    assert "(“sleeping in the car”)" in read_first and "afraid of him" not in read_first


def test_agreed_wordings_and_review_comments_are_printed(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    _both_answer(app, couple, assignment, ("Robin's boundary", "Kai's boundary"))
    agreement = next(f for f in definition_of(assignment.worksheet_version).all_fields() if f.type == "agreement")
    counselor = signed_in(app, couple.counselor)
    page = f"/counselor/assignments/{assignment.id}"
    counselor.post(f"{page}/agreement", data={"csrf_token": csrf_token(counselor), "field_id": agreement.id,
                                              "wording": "No contact with the colleague outside work"})
    response_id = db_session.query(Response.id).filter_by(assignment_id=assignment.id,
                                                           partner_id=couple.partner_a_id).scalar()
    counselor.post(f"/counselor/responses/{response_id}/reviewed",
                   data={"csrf_token": csrf_token(counselor), "comment": "Thank you for naming this"})
    text = _pdf_text(counselor.get(f"/counselor/couples/{couple.id}/prep.pdf"))
    assert "Agreed wording" in text and "No contact with the colleague outside work" in text
    assert f"Your comment to {couple.partner_a.display_name}: Thank you for naming this" in text


def test_emoji_and_every_script_print_with_a_font_that_has_them(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    sample = "😊 שלום مرحبا 你好"
    _both_answer(app, couple, assignment, (sample, "Short"))
    pdf = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf").data
    drawn = drawn_characters(pdf)
    missing = [ch for ch in sample.replace(" ", "") if ch not in drawn]
    assert missing == [], f"drawn as empty boxes: {missing}"
    assert "Emoji" in drawn["😊"] and "DejaVu" not in drawn["你"]


def test_a_repeat_download_comes_from_the_cache_until_something_on_it_changes(app, factory, monkeypatch):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    _both_answer(app, couple, assignment, ("First words", "Kai's words"))
    laid_out = []
    real = prep_packet.render_with_time_limit
    monkeypatch.setattr(prep_packet, "render_with_time_limit", lambda *a: laid_out.append(1) or real(*a))
    counselor = signed_in(app, couple.counselor)
    path = f"/counselor/couples/{couple.id}/prep.pdf"
    first, second = counselor.get(path).data, counselor.get(path).data
    assert first == second and len(laid_out) == 1
    sealed = list(Path(app.config["THERAPIST_PDF_CACHE_DIR"]).rglob("*.pdf.sealed"))
    assert len(sealed) == 1 and b"%PDF" not in sealed[0].read_bytes() and b"First words" not in sealed[0].read_bytes()

    partner = signed_in(app, couple.partner_a)  # an answer changes: a new packet
    answer_everything(partner, assignment, text="Changed words")
    submit(partner, assignment.id)
    third = counselor.get(path).data
    assert third != first and len(laid_out) == 2 and "Changed words" in pdf_text(third)


def test_a_packet_that_will_not_finish_is_stopped_with_a_clear_message(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    _both_answer(app, couple, assignment, ("Words", "Words"))
    counselor = signed_in(app, couple.counselor)
    app.config["THERAPIST_PDF_RENDER_TIMEOUT_SECONDS"] = 0.01
    stopped = counselor.get(f"/counselor/couples/{couple.id}/prep.pdf")
    assert stopped.status_code == 503 and "taking too long to prepare" in stopped.get_data(as_text=True)
    app.config["THERAPIST_PDF_RENDER_TIMEOUT_SECONDS"] = 60
    again = counselor.get(f"/counselor/couples/{couple.id}/prep.pdf")  # a fresh worker takes over
    assert again.status_code == 200 and again.data.startswith(b"%PDF")


def test_tomorrows_packets_are_laid_out_ahead_across_cores_and_then_served_from_the_cache(app, factory, monkeypatch):
    appointments = []
    for text in ("Robin's week", "Another couple's week"):
        couple = factory.couple()
        assignment = factory.assign(couple, "empathy-exchange")
        _both_answer(app, couple, assignment, (text, "Words"))
        appointments.append(add_session(signed_in(app, couple.counselor), couple, days=1))
    day = to_local(appointments[0].starts_at, appointments[0].couple.counselor.timezone).date().isoformat()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["pdf", "prep", "--date", day, "--processes", "2"])
    assert result.exit_code == 0, result.output
    assert "2 session(s); 2 packet(s) laid out, 0 already ready, 0 failed" in result.output
    assert "2 already ready" in runner.invoke(args=["pdf", "prep", "--date", day]).output

    laid_out = []
    monkeypatch.setattr(prep_packet, "render_with_time_limit", lambda *a: laid_out.append(1))
    counselor = signed_in(app, appointments[0].couple.counselor)
    pdf = counselor.get(f"/counselor/sessions/{appointments[0].id}/prep.pdf").data
    assert laid_out == [] and "Robin's week" in pdf_text(pdf).replace("&#39;", "'")

    # The morning of the session, the packet laid out the day before is the one served, and it says so.
    prepared = format_local(utcnow(), appointments[0].couple.counselor.timezone, "date")
    with time_machine.travel(appointments[0].starts_at - timedelta(hours=1), tick=False):
        counselor = signed_in(app, appointments[0].couple.counselor)
        pdf = counselor.get(f"/counselor/sessions/{appointments[0].id}/prep.pdf").data
        assert laid_out == [] and f"Prepared {prepared}" in pdf_text(pdf)


def test_a_night_with_nothing_to_lay_out_starts_no_pdf_worker(app, factory, monkeypatch):
    """Each worker begins by importing WeasyPrint (about 0.4 s of a core): a day without sessions, or
    whose packets are all ready, starts none."""
    started = []
    real_pool = worker._CONTEXT.Pool
    monkeypatch.setattr(worker._CONTEXT, "Pool", lambda processes: started.append(processes) or real_pool(processes))
    couple = factory.couple()
    _both_answer(app, couple, factory.assign(couple, "empathy-exchange"), ("Words", "Words"))
    appointment = add_session(signed_in(app, couple.counselor), couple, days=1)
    day = to_local(appointment.starts_at, couple.counselor.timezone).date()
    runner = app.test_cli_runner()
    assert "0 session(s)" in runner.invoke(args=["pdf", "prep", "--date", (day + timedelta(days=1)).isoformat()]).output
    assert started == []
    assert "1 packet(s) laid out" in runner.invoke(args=["pdf", "prep", "--date", day.isoformat(), "--processes", "2"]).output
    assert started == [1]  # one document: one process, though two were offered
    assert "1 already ready" in runner.invoke(args=["pdf", "prep", "--date", day.isoformat()]).output
    assert started == [1]


def test_a_table_answer_prints_as_labelled_lines_in_its_narrow_cell(app, factory):
    """Inside a partner's column a table answer's own columns were a couple of centimetres wide, and
    words broke in the middle ("Evenin|gs", "Locati|on sharin|g")."""
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    both_partners_submit(app, couple, assignment, text="Robin", text_b="Kai")
    response = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf")
    text = " ".join(_pdf_text(response).split())
    assert "Area: Robin area" in text and "What I ask for: Robin ask" in text and "What I offer: Kai offer" in text
