"""Answers posted just as an idle sign-out happens (client/kept_posts.py): kept, sealed, for the same
person's next sign-in, but only within the grace after the idle limit, a few per person, and never
after a sign-out or past the absolute lifetime."""
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from support import csrf_of, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import PendingSave
from therapist_app.models.base import utcnow
from therapist_app.services.pending_saves import MAX_PER_PERSON

LONG_ANSWER = "Everything I typed over a long, quiet evening. " * 20


def _answer_post(client, assignment, field_id, token, text=LONG_ANSWER):
    return client.post(f"/my/homework/{assignment.id}?section=0",
                       data={"csrf_token": token, "revision": "0", "action": "save", f"a__{field_id}": text})


def _first_text_field(assignment):
    from therapist_app.engine.presentation import definition_of
    return next(f.id for f in definition_of(assignment.worksheet_version).all_fields() if f.type == "long_text")


def _pending_count(user) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(PendingSave).where(PendingSave.user_id == user.id))


def test_a_session_past_its_absolute_lifetime_cannot_queue_answers(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = _first_text_field(assignment)
    partner = signed_in(app, couple.partner_a)
    token = csrf_of(partner, f"/my/homework/{assignment.id}?edit=1")
    start = utcnow()
    for minutes in range(20, 12 * 60, 20):  # active all day, never idle
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert partner.get("/my/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=10)):
        response = _answer_post(partner, assignment, field_id, token)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert _pending_count(couple.partner_a) == 0


def test_an_answer_posted_long_after_the_idle_limit_is_not_kept(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    token = csrf_of(partner, f"/my/homework/{assignment.id}?edit=1")
    with time_machine.travel(utcnow() + timedelta(minutes=61)):  # the client idle limit is 30 minutes
        _answer_post(partner, assignment, _first_text_field(assignment), token)
    assert _pending_count(couple.partner_a) == 0


def test_a_replayed_cookie_keeps_only_a_few_posts(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = _first_text_field(assignment)
    partner = signed_in(app, couple.partner_a)
    token = csrf_of(partner, f"/my/homework/{assignment.id}?edit=1")
    cookie = partner.get_cookie("session").value
    with time_machine.travel(utcnow() + timedelta(minutes=40)):
        for n in range(MAX_PER_PERSON + 4):
            partner.set_cookie("session", cookie)
            _answer_post(partner, assignment, field_id, token, text=f"replay {n}")
    assert _pending_count(couple.partner_a) == MAX_PER_PERSON


def test_signing_out_drops_answers_kept_from_an_idle_sign_out(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    token = csrf_of(partner, f"/my/homework/{assignment.id}?edit=1")
    cookie = partner.get_cookie("session").value
    with time_machine.travel(utcnow() + timedelta(minutes=40)):
        _answer_post(partner, assignment, _first_text_field(assignment), token)
    assert _pending_count(couple.partner_a) == 1
    other_device = signed_in(app, couple.partner_a)  # signing in applies what was kept...
    assert _pending_count(couple.partner_a) == 0
    other_device.post("/logout", data={"csrf_token": csrf_of(other_device, "/my/")})
    partner.set_cookie("session", cookie)  # ...and after a sign-out the old cookie writes nothing
    _answer_post(partner, assignment, _first_text_field(assignment), token)
    assert _pending_count(couple.partner_a) == 0


def test_only_the_autosave_a_page_sends_as_it_unloads_is_kept(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = _first_text_field(assignment)
    partner = signed_in(app, couple.partner_a)
    token = csrf_of(partner, f"/my/homework/{assignment.id}?edit=1")
    cookie = partner.get_cookie("session").value
    form = {"csrf_token": token, "revision": "0", f"a__{field_id}": LONG_ANSWER}
    with time_machine.travel(utcnow() + timedelta(minutes=40)):
        response = partner.post(f"/my/homework/{assignment.id}/draft?section=0", data=form,
                                 headers={"Accept": "application/json"})
        assert response.status_code == 401 and _pending_count(couple.partner_a) == 0
        partner.set_cookie("session", cookie)
        partner.post(f"/my/homework/{assignment.id}/draft?section=0&beacon=1", data=form)
    assert _pending_count(couple.partner_a) == 1
