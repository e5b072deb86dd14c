"""Sessions that end (security/idle.py): idle sign-outs, the absolute lifetime, signing in again as the
right person, and text that survives all of it (the posts kept for later: tests/client/test_kept_posts.py)."""
import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from helpers import answer_post, first_long_text_field, kept_saves_of, save_section
from support import PASSWORD, Auth, csrf_of, csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Response
from therapist_app.models.base import utcnow


def _owner_token(client, path) -> str:
    return re.search(r'data-owner="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def _sign_in_again_json(client, person, owner=None):
    token = csrf_token(client)
    return client.post("/login.json", json={"login": person.email, "password": PASSWORD, "owner": owner},
                       headers={"X-CSRFToken": token, "Accept": "application/json"})


# ---- item 4: signing in again accepts only the same person ----------------------------------

def test_the_sign_in_again_dialog_refuses_the_other_partner_and_saves_nothing(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = first_long_text_field(assignment)
    phone = signed_in(app, couple.partner_a)
    save_section(phone, assignment.id, {field_id: "Robin's own words"})
    owner = _owner_token(phone, f"/my/homework/{assignment.id}?edit=1")
    with time_machine.travel(utcnow() + timedelta(minutes=40)):
        assert phone.post(f"/my/homework/{assignment.id}/draft", data={"csrf_token": "x"},
                          headers={"Accept": "application/json"}).status_code in (400, 401)
        refused = _sign_in_again_json(phone, couple.partner_b, owner=owner)
        assert refused.status_code == 403 and refused.json["error"] == "someone_else"
        assert "sign out first" in refused.json["message"]
        assert phone.get("/my/").status_code == 302  # not signed in as Kai
        accepted = _sign_in_again_json(phone, couple.partner_a, owner=owner)
        assert accepted.status_code == 200 and accepted.json["ok"]
    db_session.expire_all()
    assert db_session.scalar(select(Response).where(Response.partner_id == couple.partner_b_id)) is None


def test_the_dialog_refuses_another_person_even_when_the_cookie_is_gone(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    phone = signed_in(app, couple.partner_a)
    owner = _owner_token(phone, f"/my/homework/{assignment.id}?edit=1")
    fresh_browser = app.test_client()  # the page survives, its cookie did not
    refused = _sign_in_again_json(fresh_browser, couple.partner_b, owner=owner)
    assert refused.status_code == 403 and fresh_browser.get("/my/").status_code == 302


def test_without_javascript_another_person_is_asked_to_sign_out_first(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = first_long_text_field(assignment)
    phone = signed_in(app, couple.partner_a)
    token = csrf_token(phone)
    with time_machine.travel(utcnow() + timedelta(minutes=40)):
        answer_post(phone, assignment, field_id, token, text="Robin typed this before the sign-out")
        page = phone.post("/login", data={"login": couple.partner_b.email, "password": PASSWORD,
                                          "csrf_token": csrf_token(phone)})
        assert page.status_code == 403
        assert "belongs to someone else" in page.get_data(as_text=True)
        assert phone.get("/my/").status_code == 302
        phone.post("/logout", data={"csrf_token": csrf_token(phone)})
        assert Auth(phone).login(couple.partner_b).status_code == 302
        kai_page = phone.get(f"/my/homework/{assignment.id}?edit=1").get_data(as_text=True)
    assert "Robin typed this" not in kai_page
    assert kept_saves_of(couple.partner_a) == 1  # still Robin's, for Robin's next sign-in


# ---- item 7: counselors keep their typing; no raw CSRF page ---------------------------------

def test_the_sign_in_page_after_an_idle_sign_out_speaks_to_everyone(app, factory):
    browser = signed_in(app, factory.counselor())
    with time_machine.travel(utcnow() + timedelta(minutes=20)):
        page = browser.get("/counselor/", follow_redirects=True).get_data(as_text=True)
    assert "signed out after a quiet spell" in page and "your answers" not in page


# ---- sign-in: a fresh CSRF token, and a cookie that ends with the browser on a shared device -----

def test_signing_in_replaces_the_csrf_token(app, factory):
    couple = factory.couple()
    client = app.test_client()
    before = csrf_token(client)
    Auth(client).login(couple.partner_a)
    stale = client.post("/my/settings", data={"csrf_token": before, "timezone": "UTC", "reminder_hour": "18"})
    assert stale.status_code == 400  # a form from before signing in is refused (a calm page)


def _session_cookie_header(response) -> str:
    """The session cookie this response sets, or "" if it leaves the browser's cookie as it was."""
    return next((h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")), "")


def test_the_cookie_ends_with_the_browser_unless_it_is_my_own_device(app, factory):
    couple = factory.couple()
    for own_device, lasts in (("", False), ("y", True)):
        client = app.test_client()
        # the sign-in page's own form, with its "my own device" box
        response = client.post("/login", data={"login": couple.partner_a.email, "password": PASSWORD,
                                               "own_device": own_device, "csrf_token": csrf_of(client, "/login")})
        assert response.status_code == 302
        assert ("Expires=" in _session_cookie_header(response)) is lasts
        later = client.get("/my/")  # every later response keeps the same choice
        assert ("Expires=" in _session_cookie_header(later)) is lasts


def test_steady_use_keeps_a_session_open_without_sending_the_cookie_on_every_page(app, factory):
    """The idle clock moves in steps (fewer cookies to sign and send); it must still never sign out
    someone who keeps using the pages, and still sign out someone who stops."""
    partner = factory.couple().partner_a
    browser = signed_in(app, partner)
    browser.get("/my/")
    assert _session_cookie_header(browser.get("/my/")) == ""  # nothing changed: no cookie sent again
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _ in range(6 * 40):  # a page every 10 seconds for 40 minutes, past the 30-minute idle limit
            clock.shift(10)
            assert browser.get("/session/alive").status_code == 200
        assert browser.get("/my/").status_code == 200
        clock.shift(31 * 60)
        assert browser.get("/my/").status_code == 302  # then a quiet spell signs them out
