"""Getting back in: "Forgot your password?", changing a password, and a counselor's new invitation."""
import re
import time
from datetime import timedelta

import time_machine
from sqlalchemy import select

from support import PASSWORD, csrf_of, signed_in
from therapist_app.extensions import limiter
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent, OutboxMessage
from therapist_app.models.base import utcnow

# The forgot, reset, change-password and sign-in pages are what these tests are about: each post
# carries the token of the page's own form (csrf_of).

NEW_PASSWORD = "a brand new passphrase"


def _ask_for_reset(client, email):
    return client.post("/password/forgot", data={"email": email, "csrf_token": csrf_of(client, "/password/forgot")})


def _reset_messages(address=None):
    query = select(OutboxMessage).where(OutboxMessage.unique_key.like("reset:%")).order_by(OutboxMessage.id)
    if address:
        query = query.where(OutboxMessage.to_address == address)
    return db_session.scalars(query).all()


def _reset_path(message):
    return re.search(r"http://localhost(/password/reset/\S+)", message.body).group(1)


def _choose(client, path, password=NEW_PASSWORD):
    return client.post(path, data={"password": password, "confirm": password, "csrf_token": csrf_of(client, path)})


def _sign_in(client, login, password):
    return client.post("/login", data={"login": login, "password": password, "csrf_token": csrf_of(client, "/login")})


def _normalised(response):
    return response.status_code, re.sub(r'value="[^"]{20,}"', "", response.get_data(as_text=True))


def test_the_sign_in_page_offers_forgot_your_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Forgot your password?" in page


def test_asking_for_a_reset_answers_the_same_whether_or_not_the_email_exists(app, factory):
    counselor = factory.counselor()
    known = _ask_for_reset(app.test_client(), counselor.email)
    unknown = _ask_for_reset(app.test_client(), "nobody@example.org")
    assert known.status_code == 200
    assert _normalised(known) == _normalised(unknown)
    assert len(_reset_messages(counselor.email)) == 1
    assert _reset_messages("nobody@example.org") == []


def test_the_reset_email_is_neutral_and_its_link_names_no_one(app, factory):
    practice = factory.practice(name="Harbor Couples Counseling for Infidelity Recovery")
    partner = factory.couple(factory.counselor(practice)).partner_a
    _ask_for_reset(app.test_client(), partner.email.upper())
    message, = _reset_messages(partner.email)
    text = (message.subject + message.body).lower()
    for word in ("harbor", "couple", "counsel", "therap", "affair", "infidel", "trust", "betray", "homework"):
        assert word not in text, word
    path = _reset_path(message)
    assert partner.email.split("@")[0] not in path and "60 minutes" in message.body


def test_a_reset_link_sets_the_password_ends_every_session_and_works_once(app, factory):
    partner = factory.couple().partner_a
    other_device = signed_in(app, partner)
    assert other_device.get("/my/").status_code == 200
    _ask_for_reset(app.test_client(), partner.email)
    path = _reset_path(_reset_messages(partner.email)[0])
    browser = app.test_client()
    assert "at least 12 characters" in _choose(browser, path, "short").get_data(as_text=True)
    done = _choose(browser, path)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert other_device.get("/my/").status_code == 302  # signed out everywhere
    assert _sign_in(app.test_client(), partner.email, PASSWORD).status_code == 200
    assert _sign_in(app.test_client(), partner.email, NEW_PASSWORD).status_code == 302
    reused = app.test_client().get(path)
    assert reused.status_code == 410 and "expired or has already been used" in reused.get_data(as_text=True)


def test_a_reset_link_expires_after_an_hour(app, factory):
    counselor = factory.counselor()
    _ask_for_reset(app.test_client(), counselor.email)
    path = _reset_path(_reset_messages(counselor.email)[0])
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        assert app.test_client().get(path).status_code == 410


def test_a_tampered_reset_link_is_refused(client):
    assert client.get("/password/reset/not-a-real-token").status_code == 410


def test_requests_resets_and_changes_are_audited_without_any_content(app, factory):
    partner = factory.couple().partner_a
    _ask_for_reset(app.test_client(), partner.email)
    _ask_for_reset(app.test_client(), "nobody@example.org")
    _choose(app.test_client(), _reset_path(_reset_messages(partner.email)[0]))
    browser = app.test_client()
    _sign_in(browser, partner.email, NEW_PASSWORD)
    browser.post("/account/password", data={"current": NEW_PASSWORD, "password": "yet another passphrase",
                                            "confirm": "yet another passphrase",
                                            "csrf_token": csrf_of(browser, "/account/password")})
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action.like("password%"))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_id) for e in events] == [
        ("password_reset_requested", partner.id), ("password_reset_requested", None),
        ("password_reset", partner.id), ("password_changed", partner.id)]


def test_reset_emails_per_account_are_limited(app, factory):
    counselor = factory.counselor()
    for _ in range(5):
        assert _ask_for_reset(app.test_client(), counselor.email).status_code == 200
    assert len(_reset_messages(counselor.email)) == 3


def test_a_reset_ends_a_lockout(app, factory):
    counselor = factory.counselor()
    client = app.test_client()
    for _ in range(6):
        _sign_in(client, counselor.email, "wrong-password-123")
    assert _sign_in(client, counselor.email, PASSWORD).status_code == 429
    _ask_for_reset(client, counselor.email)
    _choose(client, _reset_path(_reset_messages(counselor.email)[0]))
    assert _sign_in(client, counselor.email, NEW_PASSWORD).status_code == 302


def test_the_reset_pages_share_the_sign_in_address_limit(app, factory):
    app.config.update(RATELIMIT_ENABLED=True, THERAPIST_LOGIN_RATE_LIMIT="3 per minute")
    limiter.init_app(app)
    limiter.reset()
    try:
        client = app.test_client()
        codes = [_ask_for_reset(client, f"someone{n}@example.org").status_code for n in range(4)]
        assert codes == [200, 200, 200, 429]
        token = csrf_of(client, "/password/forgot")
        assert "Please wait" in client.post("/password/reset/x", data={"csrf_token": token}).get_data(as_text=True)
    finally:
        limiter.reset()


def test_wrong_current_passwords_count_against_the_same_limit_and_pages_never_do(app, factory):
    """The change-password form sits behind the role check: its limit must hold there too. Pages
    and saves, however many, are never limited."""
    app.config.update(RATELIMIT_ENABLED=True, THERAPIST_LOGIN_RATE_LIMIT="3 per minute")
    limiter.init_app(app)
    limiter.reset()
    try:
        counselor = factory.counselor()
        here = signed_in(app, counselor)
        path = "/account/password"
        wrong = {"current": "not-my-password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        codes = [here.post(path, data={**wrong, "csrf_token": csrf_of(here, path)}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        assert all(here.get("/counselor/").status_code == 200 for _ in range(10))
        stranger = app.test_client()
        assert _sign_in(stranger, counselor.email, "wrong-password-123").status_code == 429  # one bucket
    finally:
        limiter.reset()


def test_a_signed_in_person_changes_their_password_and_only_this_session_continues(app, factory):
    counselor = factory.counselor()
    here, elsewhere = signed_in(app, counselor), signed_in(app, counselor)
    path = "/account/password"
    wrong = here.post(path, data={"current": "not-my-password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                  "csrf_token": csrf_of(here, path)})
    assert wrong.status_code == 200 and "not your current password" in wrong.get_data(as_text=True)
    done = here.post(path, data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                 "csrf_token": csrf_of(here, path)})
    assert done.status_code == 302
    assert here.get("/counselor/").status_code == 200
    assert elsewhere.get("/counselor/").status_code == 302
    assert _sign_in(app.test_client(), counselor.email, NEW_PASSWORD).status_code == 302


def test_changing_a_password_needs_a_signed_in_person(client):
    assert client.get("/account/password").status_code == 302


def test_a_reset_request_takes_the_same_minimum_time_whether_or_not_the_email_exists(app, factory):
    app.config["THERAPIST_PASSWORD_RESET_ANSWER_SECONDS"] = 0.15
    counselor = factory.counselor()
    for email in (counselor.email, "nobody@example.org"):
        client = app.test_client()
        csrf_of(client, "/password/forgot")
        started = time.perf_counter()
        _ask_for_reset(client, email)
        assert time.perf_counter() - started >= 0.15
