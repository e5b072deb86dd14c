"""Session summaries: only what both partners may see, previewed per partner, published, printed."""
import re
from datetime import date, timedelta

import time_machine
from sqlalchemy import select

from helpers import answer_check_in_with_risk, answer_everything, save_section, submit
from sessions_support import add_session, add_topic, local_now, post_confirm
from support import csrf_token, pdf_text, signed_in
from therapist_app.engine.presentation import definition_of
from therapist_app.extensions import session as db_session
from therapist_app.models import Appointment, OutboxMessage, SessionSummary
from therapist_app.models.base import utcnow
from therapist_app.services import assignments, summaries
from therapist_app.services.worksheets import library_for, version_by_slug


def _write(client, appointment, **fields):
    path = f"/counselor/sessions/{appointment.id}/summary"
    html = client.get(path).get_data(as_text=True)
    agreements = re.findall(r'name="agreements"[^>]*value="([^"]+)"[^>]*checked|'
                            r'checked[^>]*name="agreements"[^>]*value="([^"]+)"', html)
    chosen = [a or b for a, b in agreements]
    data = {"csrf_token": csrf_token(client), "agreements": chosen, **fields}
    return client.post(path, data=data)


def _plant_markers(app, couple):
    """Counselor-only answers, a held-back shared answer, session notes and check-ins, each marked."""
    joint = factory_assign(couple, "empathy-exchange")
    definition = definition_of(joint.worksheet_version)
    private = next(f for f in definition.all_fields() if f.visibility == "counselor")
    shared = next(f for f in definition.all_fields() if f.visibility == "shared" and f.type in ("long_text", "short_text"))
    for partner, mark in ((couple.partner_a, "A"), (couple.partner_b, "B")):
        client = signed_in(app, partner)
        answer_everything(client, joint, text=f"ANSWER-{mark}")
        section = next(i for i, s in enumerate(definition.sections) if private in s.fields)
        save_section(client, joint.id, {private.id: f"PRIVATE-ANSWER-{mark}"}, section=section)
        held_section = next(i for i, s in enumerate(definition.sections) if shared in s.fields)
        save_section(client, joint.id, {shared.id: f"HELD-BACK-{mark}"}, section=held_section)
        submit(client, joint.id, hold_back=[shared.id])
    for partner, mark in ((couple.partner_a, "A"), (couple.partner_b, "B")):
        check_in = factory_assign(couple, "weekly-trust-check-in", assignee=partner)
        client = signed_in(app, partner)
        save_section(client, check_in.id, {f"{m}_rating": "3" for m in ("trust", "safety", "communication", "closeness")})
        save_section(client, check_in.id, {"helped_this_week": f"CHECKIN-{mark}"}, section=1)
        submit(client, check_in.id)
    answer_check_in_with_risk(app, couple)
    return joint


def factory_assign(couple, slug, assignee=None):
    return assignments.assign(couple.counselor, couple.id, version_by_slug(slug).id,
                              assignee_id=assignee.id if assignee else None,
                              due_date=date.today() + timedelta(days=7)).assignments[0]


def test_the_summary_pdf_holds_every_shared_item_and_nothing_private(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, hours=-1)
    page = f"/counselor/sessions/{appointment.id}"
    counselor.post(f"{page}/notes", data={"csrf_token": csrf_token(counselor), "worked_on": "NOTES-WORKED",
                                          "observations": "NOTES-OBSERVED", "plan": "NOTES-PLAN"})
    _plant_markers(app, couple)
    agreement_task = _an_agreement_exercise(couple)
    field = next(f for f in definition_of(agreement_task.worksheet_version).all_fields() if f.type == "agreement")
    assignments.record_agreement(couple.counselor, agreement_task.id, field.id, "AGREED-WORDING: no contact")
    add_topic(signed_in(app, couple.partner_a), "TOPIC-IN-SESSION")
    add_session(counselor, couple, days=14)
    post_confirm(counselor, f"{page}/held")
    response = _write(counselor, appointment, worked_on="SUMMARY-WORKED-ON", note="SUMMARY-NOTE",
                      extra_agreements="EXTRA-AGREEMENT")
    assert response.status_code == 302
    preview = counselor.get(f"{page}/summary/preview").get_data(as_text=True)
    assert preview.count("SUMMARY-WORKED-ON") == 2 and preview.count("AGREED-WORDING") == 2
    post_confirm(counselor, f"{page}/summary/publish")

    forbidden = ["NOTES-", "PRIVATE-ANSWER-", "HELD-BACK-", "CHECKIN-", "TOPIC-IN-SESSION", "ANSWER-A", "ANSWER-B"]
    risky = [f.label[:30] for f in definition_of(version_by_slug("safety-check-in")).all_fields()]
    for partner in couple.partners:
        client = signed_in(app, partner)
        listing = client.get("/my/summaries").get_data(as_text=True)
        summary_id = int(listing.split("/my/summaries/")[1].split('"')[0])
        html = client.get(f"/my/summaries/{summary_id}").get_data(as_text=True)
        text = pdf_text(client.get(f"/my/summaries/{summary_id}.pdf").data)
        for shown in (html, text):
            for item in ("SUMMARY-WORKED-ON", "SUMMARY-NOTE", "AGREED-WORDING: no contact", "EXTRA-AGREEMENT",
                         version_by_slug("empathy-exchange").title, "Session 1"):
                assert item in shown, item
            for marker in forbidden + risky:
                assert marker not in shown, marker
            assert "Check-in" not in shown and "check-in" not in shown


def _an_agreement_exercise(couple):
    for version in library_for(couple.counselor):
        definition = definition_of(version)
        if any(f.type == "agreement" for f in definition.all_fields()) and not definition.requires_unlock \
                and definition.completed_by != "one_partner":
            return factory_assign(couple, version.worksheet.slug)
    raise AssertionError("the library has no agreement question")


def test_one_summary_per_partner_shows_each_only_their_own_words(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, hours=-2)
    _write(counselor, appointment, per_partner="y", a_worked_on="FOR-A-ONLY", b_worked_on="FOR-B-ONLY",
           worked_on="FOR-BOTH-IGNORED")
    page = f"/counselor/sessions/{appointment.id}"
    post_confirm(counselor, f"{page}/summary/publish")
    for partner, mine, theirs in ((couple.partner_a, "FOR-A-ONLY", "FOR-B-ONLY"),
                                  (couple.partner_b, "FOR-B-ONLY", "FOR-A-ONLY")):
        client = signed_in(app, partner)
        listing = client.get("/my/summaries").get_data(as_text=True)
        summary_id = int(listing.split("/my/summaries/")[1].split('"')[0])
        html = client.get(f"/my/summaries/{summary_id}").get_data(as_text=True)
        assert mine in html and theirs not in html and "FOR-BOTH-IGNORED" not in html


def test_a_summary_for_a_cancelled_session_is_refused(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, hours=-2)
    page = f"/counselor/sessions/{appointment.id}"
    post_confirm(counselor, f"{page}/cancelled")
    response = counselor.get(f"{page}/summary", follow_redirects=True)
    assert "was cancelled, so it has no summary" in response.get_data(as_text=True)
    forged = counselor.post(f"{page}/summary", data={"csrf_token": csrf_token(counselor), "worked_on": "x"},
                            follow_redirects=True)
    assert "was cancelled" in forged.get_data(as_text=True)
    assert db_session.scalar(select(SessionSummary)) is None


def test_an_unpublished_summary_is_invisible_and_publishing_sends_a_neutral_email(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, hours=-2)
    _write(counselor, appointment, worked_on="DRAFT-WORDS")
    a = signed_in(app, couple.partner_a)
    assert "DRAFT-WORDS" not in a.get("/my/summaries").get_data(as_text=True)
    assert "Session summaries" not in a.get("/my/").get_data(as_text=True)
    page = f"/counselor/sessions/{appointment.id}"
    post_confirm(counselor, f"{page}/summary/publish")
    assert "Session summaries" in a.get("/my/").get_data(as_text=True)
    db_session.expire_all()
    mails = db_session.scalars(select(OutboxMessage).where(OutboxMessage.unique_key.like("summary:%"))).all()
    assert len(mails) == 2
    for mail in mails:
        assert "summary" not in (mail.subject + mail.body).lower() and "session" not in (mail.subject + mail.body).lower()


def test_the_summary_lists_the_homework_each_partner_still_has_including_some_given_before_the_session(
        app, factory):
    """Given two days before the session: still to do for Riley, who hasn't sent it, so it is in
    Riley's "Homework until next time"; Jordan sent it, so not in Jordan's. Homework given after the
    session is in both."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    earlier = factory_assign(couple, "empathy-exchange")
    answer_everything(signed_in(app, couple.partner_b), earlier)
    submit(signed_in(app, couple.partner_b), earlier.id)
    with time_machine.travel(utcnow() + timedelta(days=2)):
        counselor = signed_in(app, couple.counselor)
        appointment = add_session(counselor, couple, hours=-1)
        factory_assign(couple, "self-care-and-self-worth")
        _write(counselor, appointment, worked_on="We talked.")
        _, _, views = summaries.preview(couple.counselor, appointment.id)
    titles = {partner.id: [item["title"] for item in view["homework"]] for partner, view in views}
    earlier_title = definition_of(earlier.worksheet_version).title
    later_title = definition_of(version_by_slug("self-care-and-self-worth")).title
    assert titles[couple.partner_a.id] == [earlier_title, later_title]
    assert titles[couple.partner_b.id] == [later_title]
    # Homework given after the following session began belongs to that session's summary.
    with time_machine.travel(utcnow() + timedelta(days=9)):
        counselor = signed_in(app, couple.counselor)
        add_session(counselor, couple, hours=-1)
        factory_assign(couple, "pain-is-normal")
        _, _, views = summaries.preview(couple.counselor, appointment.id)
    assert {partner.id: [item["title"] for item in view["homework"]] for partner, view in views} == titles


def _move(client, appointment, when_local):
    return client.post(f"/counselor/sessions/{appointment.id}/edit", data={
        "csrf_token": csrf_token(client), "day": when_local.strftime("%Y-%m-%d"),
        "start_time": when_local.strftime("%H:%M"), "duration_minutes": "50", "mode": "in_person", "video_link": ""})


def test_a_published_summary_tells_the_session_number_and_the_next_session_as_they_stand_now(app, factory):
    """The partner's summary kept the number and the next session of the day it was sent: after the
    counselor recorded an earlier session and moved the next one, it said "Session 1" beside the
    counselor's "Session 2", and a date that no longer held."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    held = add_session(counselor, couple, hours=-2)
    following = add_session(counselor, couple, days=7)
    _write(counselor, held, worked_on="WHAT WE WORKED ON")
    post_confirm(counselor, f"/counselor/sessions/{held.id}/summary/publish")
    summary_id = db_session.scalar(select(SessionSummary.id).where(SessionSummary.appointment_id == held.id))
    partner = signed_in(app, couple.partner_a)
    first_date = f"{summaries.format_local(following.starts_at, couple.partner_a.timezone)}"
    assert first_date in partner.get(f"/my/summaries/{summary_id}").get_data(as_text=True)

    add_session(counselor, couple, days=-10)  # a session held earlier, recorded only now
    moved_to = local_now(couple.counselor, days=8)
    assert _move(counselor, following, moved_to).status_code == 302
    db_session.expire_all()
    new_date = summaries.format_local(db_session.get(Appointment, following.id).starts_at, couple.partner_a.timezone)
    listed = partner.get("/my/summaries").get_data(as_text=True)
    assert "Session 2" in listed and "Session 1" not in listed
    page = partner.get(f"/my/summaries/{summary_id}").get_data(as_text=True)
    assert "Session 2" in page and new_date in page and first_date not in page and "WHAT WE WORKED ON" in page
    printed = pdf_text(partner.get(f"/my/summaries/{summary_id}.pdf").data)
    assert "Session 2" in " ".join(printed.split()) and "WHAT WE WORKED ON" in printed


def test_the_summary_form_says_check_ins_are_left_out_of_the_homework_it_lists(app, factory):
    """A weekly check-in given on the session day is on the partners' list but not in the summary's
    "Homework until next time"; the form promised "the homework assigned from the session day on"."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    held = add_session(counselor, couple, hours=-2)
    factory_assign(couple, "weekly-trust-check-in", assignee=couple.partner_a)
    factory_assign(couple, "empathy-exchange")
    form = counselor.get(f"/counselor/sessions/{held.id}/summary").get_data(as_text=True)
    assert "check-ins are not listed" in form
    _write(counselor, held, worked_on="What we worked on")
    _, _, views = summaries.preview(couple.counselor, held.id)
    titles = [item["title"] for _, view in views for item in view["homework"]]
    assert titles and not any("check-in" in title.lower() for title in titles)


def test_a_summary_of_a_session_cancelled_afterwards_has_no_number_in_the_list_or_on_its_page(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    first = add_session(counselor, couple, hours=-30)
    second = add_session(counselor, couple, hours=-2)
    for held in (first, second):
        _write(counselor, held, worked_on="WORDS")
        post_confirm(counselor, f"/counselor/sessions/{held.id}/summary/publish")
    post_confirm(counselor, f"/counselor/sessions/{second.id}/cancelled")
    partner = signed_in(app, couple.partner_a)
    listed = partner.get("/my/summaries").get_data(as_text=True)
    assert listed.count("Session 1") == 1 and "Session 2" not in listed
