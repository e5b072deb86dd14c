"""The private check-in as a safety screen: follow-ups after a positive screen, crisis resources at
once, nothing shown again after sending, an addendum, and joint homework that waits (block/warn/off)."""
import re

import pytest
from sqlalchemy import select

from helpers import answer_check_in_calmly, check_in_of, save_section, submit
from support import csrf_token, signed_in
from therapist_app.engine.presentation import definition_of, sections_for
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent, Response
from therapist_app.services import responses as response_service, reviews
from therapist_app.services.worksheets import version_by_slug

SENT_LINE = "Your counselor will read this."


def test_follow_ups_stay_hidden_until_a_positive_screen_and_a_hidden_follow_up_is_never_required(app, factory):
    couple = factory.couple(with_check_ins=True)
    a = signed_in(app, couple.partner_a)
    check_in = check_in_of(couple, couple.partner_a)
    answer_check_in_calmly(a, check_in, ever="never", extra={"cannot_say_in_joint_sessions": "no"})
    review = a.get(f"/my/homework/{check_in.id}/review").get_data(as_text=True)
    assert "A little more about this" not in review and "kill" not in review
    assert "tell your counselor a little about it here" not in review  # what_cannot_be_said stays hidden
    # neither hidden follow-up blocks sending: nothing was skipped for them, nothing is needed
    assert submit(a, check_in.id).status_code == 302
    db_session.expire_all()
    response = db_session.scalar(select(Response).where(Response.assignment_id == check_in.id))
    assert response.is_submitted and "threatened_to_kill" not in response.submitted["values"]
    assert "what_cannot_be_said" not in response.submitted["states"]

    # a positive screen: the follow-up part appears, and the free-text follow-up with it
    b = signed_in(app, couple.partner_b)
    other = check_in_of(couple, couple.partner_b)
    answer_check_in_calmly(b, other, ever="once", extra={"cannot_say_in_joint_sessions": "yes"})
    review = b.get(f"/my/homework/{other.id}/review").get_data(as_text=True)
    assert "threatened to kill you" in review and "tell your counselor a little about it here" in review


@pytest.mark.parametrize("recent", [{"hurt_or_threatened": "once"}, {"afraid_of_partner": "sometimes"}])
def test_follow_ups_appear_after_a_positive_answer_about_recent_months_even_if_never_before(app, factory, recent):
    couple = factory.couple(with_check_ins=True)
    a = signed_in(app, couple.partner_a)
    check_in = check_in_of(couple, couple.partner_a)
    answer_check_in_calmly(a, check_in, ever="never", extra=recent)
    review = a.get(f"/my/homework/{check_in.id}/review").get_data(as_text=True)
    assert "threatened to kill you" in review  # the follow-up part was asked
    assert "Thank you for answering so honestly" in a.get(
        f"/my/homework/{check_in.id}?section=2&edit=1").get_data(as_text=True)
    assert submit(a, check_in.id).status_code == 302
    db_session.expire_all()
    response = db_session.scalar(select(Response).where(Response.assignment_id == check_in.id))
    assert response.risk_flagged and "threatened_to_kill" in response.submitted["values"]


def test_a_self_harm_answer_shows_crisis_resources_at_once_without_javascript(app, factory):
    practice = factory.practice(country="GB")
    couple = factory.couple(counselor=factory.counselor(practice), with_check_ins=True)
    a = signed_in(app, couple.partner_a)
    check_in = check_in_of(couple, couple.partner_a)
    definition = definition_of(check_in.worksheet_version)
    index = next(view.index for view in sections_for(definition, None, {"values": {}, "states": {}})
                 if any(f.id == "thoughts_of_self_harm" for f in view.fields))
    before = a.get(f"/my/homework/{check_in.id}?section={index}&edit=1").get_data(as_text=True)
    panel = before[before.index("data-crisis-panel"):]
    assert panel[:200].count("hidden") == 1  # there, ready for JavaScript, but hidden
    saved = save_section(a, check_in.id, {"thoughts_of_self_harm": "sometimes"}, section=index)
    after_saving = a.get(saved.headers["Location"]).get_data(as_text=True)
    next_page = a.get(f"/my/homework/{check_in.id}?section={index + 1}&edit=1").get_data(as_text=True)
    for page in (after_saving, next_page):
        start = page.index("data-crisis-panel")
        opening = page[start:page.index(">", start)]
        assert "hidden" not in opening
        block = page[start:page.index("</section>", start)]
        assert "Samaritans: 116 123" in block and "999" in block and "data-quick-exit" in block
    # and on the page after sending
    a.post(f"/my/homework/{check_in.id}/skip-unanswered", data={"csrf_token": csrf_token(a)})
    sent = a.get(submit(a, check_in.id).headers["Location"]).get_data(as_text=True)
    assert SENT_LINE in sent and "Samaritans: 116 123" in sent[sent.index("data-crisis-panel"):]
    # but not on a later visit: whoever holds the phone then would learn what was answered
    later = a.get(f"/my/homework/{check_in.id}?safe=1").get_data(as_text=True)
    assert SENT_LINE in later and "data-crisis-panel" not in later


def test_a_sent_check_in_is_never_shown_again_and_an_addendum_reaches_only_the_counselor(app, factory):
    couple = factory.couple(with_check_ins=True)
    a = signed_in(app, couple.partner_a)
    check_in = check_in_of(couple, couple.partner_a)
    answer_check_in_calmly(a, check_in, extra={"private_note_for_counselor": "PLANTED-ANSWER"})
    submit(a, check_in.id)
    for path in (f"/my/homework/{check_in.id}", f"/my/homework/{check_in.id}?edit=1",
                 f"/my/homework/{check_in.id}?safe=1", f"/my/homework/{check_in.id}/review"):
        page = a.get(path, follow_redirects=True).get_data(as_text=True)
        assert "PLANTED-ANSWER" not in page and "Never" not in page
    page = a.get(f"/my/homework/{check_in.id}?safe=1").get_data(as_text=True)
    assert SENT_LINE in page and "Change my answers" not in page
    token = csrf_token(a)
    added = a.post(f"/my/homework/{check_in.id}/addendum", data={"csrf_token": token, "text": "PLANTED-ADDENDUM"})
    assert added.status_code == 302
    assert "PLANTED-ADDENDUM" not in a.get(added.headers["Location"]).get_data(as_text=True)
    # editing is refused by the service too, not only hidden by the page
    refused = save_section(a, check_in.id, {"private_note_for_counselor": "changed"}, section=0)
    assert refused.status_code == 409
    db_session.expire_all()
    response = db_session.scalar(select(Response).where(Response.assignment_id == check_in.id))
    assert response.addenda[0]["text"] == "PLANTED-ADDENDUM"
    raw = db_session.execute(select(Response.__table__.c.addenda).where(Response.id == response.id)).scalar()
    assert "PLANTED" not in raw  # encrypted at rest
    counselor = signed_in(app, couple.counselor)
    assert "PLANTED-ADDENDUM" in counselor.get(f"/counselor/assignments/{check_in.id}").get_data(as_text=True)
    assert "added a note" in counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)


def _homework(client):
    return client.get("/my/").get_data(as_text=True)


def _notice(page):
    return re.findall(r'<p class="notice">([^<]*)</p>', page)


@pytest.mark.parametrize("gate", ["block", "warn", "off"])
def test_joint_homework_waits_for_both_check_ins_to_be_read(app, factory, gate):
    practice = factory.practice(joint_homework_gate=gate)
    couple = factory.couple(counselor=factory.counselor(practice), with_check_ins=True)
    factory.assign(couple, "empathy-exchange")
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    counselor = signed_in(app, couple.counselor)
    waiting = response_service.WAITING

    def looks():
        return [_homework(a), _homework(b)]

    def both_see(expected_waiting):
        pages = looks()
        for page in pages:
            assert ("Understanding each other" in page) is not expected_waiting
        assert _notice(pages[0]) == _notice(pages[1]) == ([waiting] if expected_waiting else [])

    both_see(gate == "block")
    couple_page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert ("Joint homework is open to them, though you have not yet read" in couple_page) is (gate == "warn")
    # Assigning more joint homework leads back to the page, which says the gate once, not twice.
    after_assigning = counselor.post(f"/counselor/couples/{couple.id}/assign", data={
        "csrf_token": csrf_token(counselor), "worksheet": version_by_slug("honest-conversation").id,
        "assignee": "both"}, follow_redirects=True).get_data(as_text=True)
    said = {"block": "Joint homework waits until you have read", "warn": "Joint homework is open to them"}
    if gate in said:
        assert after_assigning.count(said[gate]) == 1
    # A sends the check-in: B's view does not change (nothing says who has finished)
    answer_check_in_calmly(a, check_in_of(couple, couple.partner_a))
    submit(a, check_in_of(couple, couple.partner_a).id)
    both_see(gate == "block")
    answer_check_in_calmly(b, check_in_of(couple, couple.partner_b))
    submit(b, check_in_of(couple, couple.partner_b).id)
    both_see(gate == "block")
    db_session.expire_all()
    for partner in couple.partners:
        response = db_session.scalar(select(Response).where(
            Response.assignment_id == check_in_of(couple, partner).id))
        reviews.mark_reviewed(couple.counselor, response.id)
        if partner is couple.partner_a:
            both_see(gate == "block")  # one read is not enough
    both_see(False)


def test_an_admin_turning_off_the_self_harm_alert_is_warned_and_it_is_audited(app, factory):
    practice = factory.practice()
    admin = signed_in(app, factory.admin(practice))
    page = admin.get("/admin/practice").get_data(as_text=True)
    assert "This is the self-harm question" in page
    data = {"csrf_token": csrf_token(admin), "afraid_of_partner": ["once"]}
    answer = admin.post("/admin/practice/risk-answers", data=data, follow_redirects=True).get_data(as_text=True)
    assert "The self-harm alert is now off" in answer and "The self-harm alert is off." in answer
    db_session.expire_all()
    actions = [e.action for e in db_session.scalars(select(AuditEvent))]
    assert "self_harm_alert_off" in actions


def test_the_partners_own_chart_shows_no_safety_measure(app, factory):
    couple = factory.couple()
    weekly = factory.assign(couple, "weekly-trust-check-in")
    a = signed_in(app, couple.partner_a)
    save_section(a, weekly.id, {"trust_rating": "4", "safety_rating": "2", "communication_rating": "5",
                                "closeness_rating": "6", "painful_reminders": "most_days"})
    save_section(a, weekly.id, {"s__helped_this_week": "skipped"}, section=1)
    assert submit(a, weekly.id).status_code == 302
    page = _homework(a)
    assert "My weekly check-ins" in page and "Safety" not in page and "<td>2</td>" not in page
