"""Two-factor sign-in for counselors and admins: set up at the first sign-in where the practice
requires it, a code at every sign-in after, used once; recovery codes; the in-place dialog."""
import re
import time
from datetime import timedelta

import pyotp
import time_machine
from sqlalchemy import select

from support import PASSWORD, csrf_of, csrf_token
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent, User
from therapist_app.models.base import utcnow

# The sign-in, set-up and code pages are what these tests are about: each post carries the token of
# the page's own form (csrf_of); other posts take the session's (csrf_token).


def _password(client, user):
    return client.post("/login", data={"login": user.email, "password": PASSWORD, "csrf_token": csrf_of(client, "/login")})


def _secret_of(user) -> str:
    db_session.expire_all()
    return db_session.get(User, user.id).totp_secret


def _enrolled(app, factory):
    """A counselor who has set up two-factor sign-in; returns (counselor, client, recovery codes)."""
    counselor = factory.counselor(factory.practice(two_factor=True))
    client = app.test_client()
    assert _password(client, counselor).headers["Location"].endswith("/login/two-factor-setup")
    setup = client.get("/login/two-factor-setup").get_data(as_text=True)
    assert "<svg" in setup and "Set up two-factor sign-in" in setup
    code = pyotp.TOTP(_secret_of(counselor)).now()
    page = client.post("/login/two-factor-setup", data={"code": code, "csrf_token": csrf_of(client, "/login/two-factor-setup")})
    codes = re.findall(r"<li>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</li>", page.get_data(as_text=True))
    assert len(codes) == 10
    return counselor, client, codes


def _second_step(client, code):
    return client.post("/login/code", data={"code": code, "csrf_token": csrf_of(client, "/login/code")})


def test_a_practice_that_requires_it_has_staff_set_it_up_at_the_first_sign_in(app, factory):
    counselor, client, _ = _enrolled(app, factory)
    assert client.get("/counselor/").status_code == 200
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "two_factor_enabled")) is not None


def test_a_password_alone_opens_nothing_and_each_code_works_once(app, factory):
    counselor, first, _ = _enrolled(app, factory)
    client = app.test_client()
    assert _password(client, counselor).headers["Location"].endswith("/login/code")
    assert client.get("/counselor/").status_code == 302  # not signed in yet
    assert _second_step(client, "000000").status_code == 401
    assert client.get("/counselor/").status_code == 302
    db_session.expire_all()
    enrolled = db_session.get(User, counselor.id)  # the code of setup, from its own time step: a new
    used_at_setup = pyotp.TOTP(enrolled.totp_secret).generate_otp(enrolled.totp_last_step)  # step may have begun
    assert _second_step(client, used_at_setup).status_code == 401  # the code of setup was used already
    later = pyotp.TOTP(_secret_of(counselor)).at(time.time() + 30)  # the next step, as a phone a little ahead
    assert _second_step(client, later).status_code == 302
    assert client.get("/counselor/").status_code == 200


def test_a_recovery_code_signs_in_once(app, factory):
    counselor, _, codes = _enrolled(app, factory)
    for attempt in range(2):
        client = app.test_client()
        _password(client, counselor)
        response = _second_step(client, codes[0].upper())
        assert response.status_code == (302 if attempt == 0 else 401)
    db_session.expire_all()
    assert len(db_session.get(User, counselor.id).recovery_codes) == 9


def test_the_second_step_must_follow_the_password_within_five_minutes(app, factory):
    counselor, _, _ = _enrolled(app, factory)
    client = app.test_client()
    _password(client, counselor)
    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_partners_are_never_asked_for_a_code(app, factory):
    couple = factory.couple(factory.counselor(factory.practice(two_factor=True)))
    client = app.test_client()
    response = client.post("/login", data={"login": couple.partner_a.email, "password": PASSWORD,
                                           "csrf_token": csrf_of(client, "/login")})
    assert response.headers["Location"].endswith("/my/")


def test_signing_in_again_in_place_asks_for_the_code_too(app, factory):
    counselor, client, _ = _enrolled(app, factory)
    token = csrf_token(client)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    without = client.post("/login.json", json={"login": counselor.email, "password": PASSWORD}, headers=headers)
    assert without.status_code == 401 and without.json["error"] == "code_needed"
    code = pyotp.TOTP(_secret_of(counselor)).at(time.time() + 30)
    with_code = client.post("/login.json", json={"login": counselor.email, "password": PASSWORD, "code": code},
                            headers=headers)
    assert with_code.status_code == 200 and with_code.json["ok"]


def test_the_admin_decides_whether_it_is_required_and_the_change_is_audited(app, factory):
    practice = factory.practice(two_factor=False)
    admin = factory.admin(practice)
    client = app.test_client()
    _password(client, admin)
    page = client.get("/admin/practice").get_data(as_text=True)
    assert "Two-factor sign-in is not required in this practice" in page
    client.post("/admin/practice", data={"csrf_token": csrf_token(client), "name": practice.name,
                                         "country": "US", "paper_size": "Letter", "default_timezone": "UTC",
                                         "require_two_factor": "y"})
    db_session.expire_all()
    assert db_session.get(type(practice), practice.id).require_two_factor is True
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "require_two_factor")) is not None


def test_a_password_alone_cannot_set_up_a_new_phone_for_an_account_that_has_one(app, factory):
    counselor, _, _ = _enrolled(app, factory)
    secret = _secret_of(counselor)
    attacker = app.test_client()
    _password(attacker, counselor)
    response = attacker.get("/login/two-factor-setup")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/code")
    assert _secret_of(counselor) == secret
    assert attacker.get("/counselor/").status_code == 302
