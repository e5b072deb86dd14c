"""Sign-in limits: per account with a growing lockout (kept in the database, so every app server
sees it), per address with a higher bound, and the client address behind trusted proxies."""
import re
from datetime import timedelta

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from support import PASSWORD, RequestIsolatedClient, csrf_of, csrf_token
from therapist_app import TherapistApp, create_app
from therapist_app.extensions import limiter
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent, Base
from therapist_app.models.base import utcnow

# What the sign-in page answers is the subject here, so its posts carry the token of its own form
# (csrf_of); signing out and the in-place sign-in take the session's (csrf_token), as the pages' scripts do.


@pytest.fixture
def limited(app):
    """The app with the per-address limiter switched on, as in production."""
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    limiter.reset()
    yield app
    limiter.reset()


def _sign_in(client, login, password):
    return client.post("/login", data={"login": login, "password": password,
                                       "csrf_token": csrf_of(client, "/login")})


def _sign_out(client):
    client.post("/logout", data={"csrf_token": csrf_token(client)})


def test_ten_wrong_tries_on_one_account_do_not_block_another_persons_correct_password(limited, factory):
    practice = factory.practice()
    first, second = factory.counselor(practice), factory.counselor(practice)
    client = limited.test_client()  # the whole practice behind one address
    for _ in range(10):
        _sign_in(client, first.email, "wrong-password-123")
    assert _sign_in(client, second.email, PASSWORD).status_code == 302


def test_an_account_locks_after_five_failures_for_a_minute_then_for_twice_as_long(app, factory):
    counselor = factory.counselor()
    client = app.test_client()
    start = utcnow()
    with time_machine.travel(start, tick=False):
        codes = [_sign_in(client, counselor.email, "wrong-password-123").status_code for _ in range(5)]
        locked = _sign_in(client, counselor.email, PASSWORD)
    assert codes == [200] * 5
    assert locked.status_code == 429
    assert "1 minute" in locked.get_data(as_text=True)
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        again = _sign_in(client, counselor.email, "wrong-password-123")
        assert again.status_code == 200  # checked, wrong, and now locked for 2 minutes
        assert "2 minutes" in _sign_in(client, counselor.email, PASSWORD).get_data(as_text=True)
    with time_machine.travel(start + timedelta(seconds=61 + 121), tick=False):
        assert _sign_in(client, counselor.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_failures(app, factory):
    counselor = factory.counselor()
    client = app.test_client()
    for _ in range(4):
        _sign_in(client, counselor.email, "wrong-password-123")
    assert _sign_in(client, counselor.email, PASSWORD).status_code == 302
    _sign_out(client)
    for _ in range(4):
        _sign_in(client, counselor.email, "wrong-password-123")
    assert _sign_in(client, counselor.email, PASSWORD).status_code == 302


def test_an_unknown_email_gets_exactly_the_same_lockout_answer(app, factory):
    counselor = factory.counselor()
    answers = []
    for login in (counselor.email, "nobody@example.org"):
        client = app.test_client()
        for _ in range(5):
            _sign_in(client, login, "wrong-password-123")
        response = _sign_in(client, login, "wrong-password-123")
        page = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "CSRF", response.get_data(as_text=True))
        answers.append((response.status_code, page.replace(login, "LOGIN")))
    assert answers[0][0] == 429
    assert answers[0] == answers[1]


def test_the_lockout_holds_on_every_app_server(app, app_config, factory):
    counselor = factory.counselor()
    other_server = create_app(app_config)  # the same database, its own process memory
    other_server.test_client_class = RequestIsolatedClient
    for _ in range(5):
        _sign_in(app.test_client(), counselor.email, "wrong-password-123")
    response = _sign_in(other_server.test_client(), counselor.email, PASSWORD)
    assert response.status_code == 429


def test_the_in_place_sign_in_shares_the_account_lockout_and_says_how_long(app, factory):
    counselor = factory.counselor()
    client = app.test_client()
    for _ in range(5):
        _sign_in(client, counselor.email, "wrong-password-123")
    response = client.post("/login.json", json={"login": counselor.email, "password": PASSWORD},
                           headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 429
    assert "1 minute" in response.get_json()["message"]


def test_successful_sign_ins_do_not_use_up_the_address_limit(limited, factory):
    limited.config["THERAPIST_LOGIN_RATE_LIMIT"] = "3 per minute"
    counselor = factory.counselor()
    client = limited.test_client()
    for _ in range(5):
        assert _sign_in(client, counselor.email, PASSWORD).status_code == 302
        _sign_out(client)


def test_the_address_limit_says_how_long_to_wait(limited, factory):
    limited.config["THERAPIST_LOGIN_RATE_LIMIT"] = "3 per minute"
    client = limited.test_client()
    for n in range(3):
        _sign_in(client, f"someone{n}@example.org", "wrong-password-123")
    response = _sign_in(client, "someone-else@example.org", "wrong-password-123")
    assert response.status_code == 429
    assert "Please wait 1 minute" in response.get_data(as_text=True)
    assert response.headers["Retry-After"]


def _failure_addresses():
    return db_session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login_failed")).all()


def test_behind_trusted_proxies_the_client_address_comes_from_x_forwarded_for(app_config, factory):
    app = create_app({**app_config, "TRUSTED_PROXIES": 1})
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        Base.metadata.create_all(app.extensions["sqlalchemy"].engine)
        client = app.test_client()
        client.post("/login", data={"login": "x@example.org", "password": "wrong-password-123",
                                    "csrf_token": csrf_of(client, "/login")},
                    headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
        assert "203.0.113.9" in _failure_addresses()


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client):
    client.post("/login", data={"login": "x@example.org", "password": "wrong-password-123",
                                "csrf_token": csrf_of(client, "/login")},
                headers={"X-Forwarded-For": "203.0.113.9"})
    assert "203.0.113.9" not in _failure_addresses()


def test_the_plugin_never_wraps_a_host_apps_wsgi_app(tmp_path):
    host = Flask("host")
    host.config.update(SECRET_KEY="s", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'h.db'}", TRUSTED_PROXIES=1,
                       THERAPIST_ANSWER_KEYS="k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
    original = host.wsgi_app
    TherapistApp(host)
    assert host.wsgi_app == original
