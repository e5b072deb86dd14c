"""Answers posted just as an idle sign-out happens (client/kept_posts.py): kept, sealed, for the same
person's next sign-in, but only within the grace after the idle limit, a few per person, and never
after a sign-out or past the absolute lifetime."""
from datetime import timedelta

import time_machine

from helpers import LONG_ANSWER, answer_post, first_long_text_field, kept_saves_of
from support import csrf_token, signed_in
from therapist_app.models.base import utcnow
from therapist_app.services.pending_saves import MAX_PER_PERSON


def test_a_session_past_its_absolute_lifetime_cannot_queue_answers(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = first_long_text_field(assignment)
    partner = signed_in(app, couple.partner_a)
    token = csrf_token(partner)
    start = utcnow()
    for minutes in range(20, 12 * 60, 20):  # active all day, never idle
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert partner.get("/my/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=10)):
        response = answer_post(partner, assignment, field_id, token)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert kept_saves_of(couple.partner_a) == 0


def test_an_answer_posted_long_after_the_idle_limit_is_not_kept(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    token = csrf_token(partner)
    with time_machine.travel(utcnow() + timedelta(minutes=61)):  # the client idle limit is 30 minutes
        answer_post(partner, assignment, first_long_text_field(assignment), token)
    assert kept_saves_of(couple.partner_a) == 0


def test_a_replayed_cookie_keeps_only_a_few_posts(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = first_long_text_field(assignment)
    partner = signed_in(app, couple.partner_a)
    token = csrf_token(partner)
    cookie = partner.get_cookie("session").value
    with time_machine.travel(utcnow() + timedelta(minutes=40)):
        for n in range(MAX_PER_PERSON + 4):
            partner.set_cookie("session", cookie)
            answer_post(partner, assignment, field_id, token, text=f"replay {n}")
    assert kept_saves_of(couple.partner_a) == MAX_PER_PERSON


def test_signing_out_drops_answers_kept_from_an_idle_sign_out(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    token = csrf_token(partner)
    cookie = partner.get_cookie("session").value
    with time_machine.travel(utcnow() + timedelta(minutes=40)):
        answer_post(partner, assignment, first_long_text_field(assignment), token)
    assert kept_saves_of(couple.partner_a) == 1
    other_device = signed_in(app, couple.partner_a)  # signing in applies what was kept...
    assert kept_saves_of(couple.partner_a) == 0
    other_device.post("/logout", data={"csrf_token": csrf_token(other_device)})
    partner.set_cookie("session", cookie)  # ...and after a sign-out the old cookie writes nothing
    answer_post(partner, assignment, first_long_text_field(assignment), token)
    assert kept_saves_of(couple.partner_a) == 0


def test_only_the_autosave_a_page_sends_as_it_unloads_is_kept(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = first_long_text_field(assignment)
    partner = signed_in(app, couple.partner_a)
    token = csrf_token(partner)
    cookie = partner.get_cookie("session").value
    form = {"csrf_token": token, "revision": "0", f"a__{field_id}": LONG_ANSWER}
    with time_machine.travel(utcnow() + timedelta(minutes=40)):
        response = partner.post(f"/my/homework/{assignment.id}/draft?section=0", data=form,
                                 headers={"Accept": "application/json"})
        assert response.status_code == 401 and kept_saves_of(couple.partner_a) == 0
        partner.set_cookie("session", cookie)
        partner.post(f"/my/homework/{assignment.id}/draft?section=0&beacon=1", data=form)
    assert kept_saves_of(couple.partner_a) == 1
