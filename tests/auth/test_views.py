"""Signing in, invitations, signing out: what a person sees at the door."""
import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from support import PASSWORD, csrf_of, csrf_token, signed_in
from therapist_app.auth.views import safe_next
from therapist_app.extensions import limiter
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent, OutboxMessage
from therapist_app.models.base import utcnow
from therapist_app.services import couples, invitations, practice_admin

# Tests of the sign-in and invitation pages post each page's own form, with the token it carries
# (csrf_of); a post that needs only the session's token takes csrf_token.


def _invite_link_in_outbox(address):
    message = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                .order_by(OutboxMessage.id.desc()))
    return re.search(r"http://localhost(/welcome/\S+)", message.body).group(1)


def test_wrong_password_is_refused_with_a_clear_message_that_does_not_reveal_the_account(client, factory):
    counselor = factory.counselor()
    for login in (counselor.email, "nobody@example.org"):
        response = client.post("/login", data={"login": login, "password": "wrong-password-123",
                                                "csrf_token": csrf_of(client, "/login")})
        assert response.status_code == 200
        assert "don&#39;t match" in response.get_data(as_text=True)
    assert client.get("/counselor/").status_code == 302


def test_login_form_without_csrf_token_is_refused(client, factory):
    counselor = factory.counselor()
    response = client.post("/login", data={"login": counselor.email, "password": PASSWORD})
    assert response.status_code in (200, 400)
    assert client.get("/counselor/").status_code == 302


def test_partner_accepts_the_emailed_invitation_and_lands_on_their_homework(client, factory):
    couple = factory.couple()
    partner = couple.partner_a
    partner.password_hash = None
    db_session.commit()
    link = _invite_link_in_outbox(partner.email)

    page = client.get(link)
    assert page.status_code == 200 and "Choose a password" in page.get_data(as_text=True)
    short = client.post(link, data={"password": "short", "confirm": "short", "csrf_token": csrf_of(client, link)})
    assert "at least 12 characters" in short.get_data(as_text=True)
    for common in ("password1234", "qwertyuiop12", "iloveyou1234"):  # long enough, and guessed first
        guessed = client.post(link, data={"password": common, "confirm": common, "csrf_token": csrf_of(client, link)})
        assert "one of the first that someone guessing would try" in guessed.get_data(as_text=True)

    done = client.post(link, data={"password": "my new passphrase", "confirm": "my new passphrase",
                                   "csrf_token": csrf_of(client, link)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/my/")
    assert "My homework" in client.get("/my/").get_data(as_text=True)


def _accept(app, link) -> None:
    """The invitation's owner chooses a password through the link, in a browser of their own."""
    browser = app.test_client()
    browser.post(link, data={"password": "my new passphrase", "confirm": "my new passphrase",
                             "csrf_token": csrf_of(browser, link)})


def test_an_invitation_works_once_and_then_says_so_in_a_partners_words(app, factory):
    couple = factory.couple()
    link = _invite_link_in_outbox(couple.partner_b.email)
    _accept(app, link)
    reused = app.test_client().get(link)
    page = reused.get_data(as_text=True)
    assert reused.status_code == 410
    assert "expired or has already been used" in page
    assert invitations.EXPIRED_OR_USED.replace("'", "&#39;") in page  # a partner asks their counselor
    assert "administrator" not in page


def test_an_invitation_expires_after_seven_days(app, factory):
    couple = factory.couple()
    link = _invite_link_in_outbox(couple.partner_a.email)
    with time_machine.travel(utcnow() + timedelta(days=7, minutes=1)):
        response = app.test_client().get(link)
    assert response.status_code == 410
    assert "ask your counselor" in response.get_data(as_text=True)


def test_a_tampered_invitation_link_is_refused_kindly(client, factory):
    factory.couple()
    response = client.get("/welcome/not-a-real-token")
    assert response.status_code == 410


def test_a_new_invitation_replaces_the_old_one(app, factory):
    couple = factory.couple()
    old_link = _invite_link_in_outbox(couple.partner_a.email)
    invitations.send_invitation(couple.partner_a)
    db_session.commit()
    assert app.test_client().get(old_link).status_code == 410


def test_logout_ends_the_session_on_the_server_so_a_copied_cookie_stops_working(app, factory):
    counselor = factory.counselor()
    browser = signed_in(app, counselor)
    stolen = app.test_client()
    cookie = browser.get_cookie("session")
    stolen.set_cookie("session", cookie.value)
    assert stolen.get("/counselor/").status_code == 200

    browser.post("/logout", data={"csrf_token": csrf_token(browser)})
    assert stolen.get("/counselor/").status_code == 302


def test_an_idle_counselor_session_expires(app, factory):
    counselor = factory.counselor()
    browser = signed_in(app, counselor)
    assert browser.get("/counselor/").status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        response = browser.get("/counselor/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_next_parameter_only_accepts_our_own_paths(client, factory):
    counselor = factory.counselor()
    for target, expected in (("//evil.example/x", "/counselor/"), ("https://evil.example", "/counselor/"),
                             ("/counselor/couples/new", "/counselor/couples/new")):
        client.post("/logout", data={"csrf_token": csrf_token(client)})
        response = client.post("/login", data={"login": counselor.email, "password": PASSWORD, "next": target,
                                                "csrf_token": csrf_of(client, "/login")})
        assert response.headers["Location"] == expected




def test_too_many_sign_in_attempts_are_slowed_down_with_a_clear_message(app, factory):
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)  # re-read the setting for this app
    app.config["THERAPIST_LOGIN_RATE_LIMIT"] = "3 per minute"
    counselor = factory.counselor()
    client = app.test_client()
    codes = []
    for _ in range(4):
        response = client.post("/login", data={"login": counselor.email, "password": "wrong-password-123",
                                                "csrf_token": csrf_of(client, "/login")})
        codes.append(response.status_code)
    assert codes == [200, 200, 200, 429]
    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    limiter.reset()


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(app, factory):
    browser = signed_in(app, factory.counselor())
    app.config["THERAPIST_IDLE_TIMEOUT_COUNSELOR"] = timedelta(hours=24)
    start = utcnow()
    for hours in (4, 8, 11):  # active every few hours: never idle
        with time_machine.travel(start + timedelta(hours=hours)):
            assert browser.get("/counselor/").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=5)):
        assert browser.get("/counselor/").status_code == 302


def test_the_sign_in_and_welcome_pages_carry_the_crisis_footer(app, factory):
    couple = factory.couple()  # one practice in the US
    client = app.test_client()
    assert "988 Suicide &amp; Crisis Lifeline" in client.get("/login").get_data(as_text=True)
    factory.practice(country="GB")  # with two practices the sign-in page can't know which
    page = client.get("/login").get_data(as_text=True)
    assert 'class="crisis"' in page and "your local emergency number" in page
    link = _invite_link_in_outbox(couple.partner_a.email)
    assert "988 Suicide &amp; Crisis Lifeline" in client.get(link).get_data(as_text=True)


OPEN_REDIRECT_BYPASSES = (
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example", "/\\evil.example",
    "\\\\evil.example", "//evil.example", "///evil.example", "https:evil.example", "https://evil.example",
    "javascript:alert(1)", "/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "/%09/evil.example",
    "/\x00/evil.example", " //evil.example", "evil.example", "", "/\u3000/evil.example",
)


def test_safe_next_refuses_every_known_open_redirect_form_and_keeps_our_own_paths(app):
    with app.test_request_context():
        for target in OPEN_REDIRECT_BYPASSES:
            assert safe_next(target) is None, repr(target)
        for good in ("/my/homework/3?section=1", "/counselor/", "/counselor/couples/12#assign",
                     "/my/homework/3?section=1&edit=1"):
            assert safe_next(good) == good


def test_a_tab_in_next_never_sends_the_browser_to_another_site(client, factory):
    counselor = factory.counselor()
    page = client.get("/login?next=/%09/evil.example").get_data(as_text=True)
    assert "evil.example" not in page
    response = client.post("/login", data={"login": counselor.email, "password": PASSWORD,
                                            "next": "/\t/evil.example", "csrf_token": csrf_of(client, "/login")})
    assert response.headers["Location"] == "/counselor/"


# ---- a counselor's new invitation ------------------------------------------------------------

def test_a_counselor_sends_a_new_invitation_and_the_old_link_stops_working(app, factory):
    couple = factory.couple()
    partner = couple.partner_a
    partner.password_hash = None  # has not accepted yet
    db_session.commit()
    old_link = _invite_link_in_outbox(partner.email)
    counselor = signed_in(app, couple.counselor)
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "Send the invitation again" in page
    response = counselor.post(f"/counselor/couples/{couple.id}/partners/{partner.id}/invitation",
                              data={"csrf_token": csrf_token(counselor)})
    assert response.status_code == 302
    new_link = _invite_link_in_outbox(partner.email)
    assert new_link != old_link
    assert app.test_client().get(old_link).status_code == 410
    assert app.test_client().get(new_link).status_code == 200


def test_a_partner_who_has_a_password_is_pointed_to_forgot_your_password(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "Send the invitation again" not in page
    response = counselor.post(f"/counselor/couples/{couple.id}/partners/{couple.partner_a.id}/invitation",
                              data={"csrf_token": csrf_token(counselor)},
                              follow_redirects=True)
    assert "Forgot your password?" in response.get_data(as_text=True)


def test_a_fresh_paper_link_replaces_the_old_one(app, factory):
    counselor_user = factory.counselor()
    created = couples.add_couple(counselor_user, couples.PartnerDetails("Sam", None),
                                 couples.PartnerDetails("Alex", "alex@example.org"))
    paper = next(p for p in created.couple.partners if not p.email)
    old_link = created.paper_links[paper.id].replace("http://localhost", "")
    counselor = signed_in(app, counselor_user)
    couple_path = f"/counselor/couples/{created.couple.id}"
    assert "New paper link" in counselor.get(couple_path).get_data(as_text=True)
    page = counselor.post(f"{couple_path}/partners/{paper.id}/invitation", data={"csrf_token": csrf_token(counselor)},
                          follow_redirects=True).get_data(as_text=True)
    new_link = re.search(r"http://localhost(/welcome/[^<\s]+)", page).group(1)
    assert new_link != old_link and paper.sign_in_name in page
    assert app.test_client().get(old_link).status_code == 410
    assert app.test_client().get(new_link).status_code == 200


def test_another_counselor_cannot_reissue_an_invitation(app, factory):
    couple = factory.couple()
    stranger = signed_in(app, factory.counselor(couple.counselor.practice))
    response = stranger.post(f"/counselor/couples/{couple.id}/partners/{couple.partner_a.id}/invitation",
                             data={"csrf_token": csrf_token(stranger)})
    assert response.status_code == 404
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation_reissued")) is None


# ---- a used or expired link, in words for whom it was for ------------------------------------

def test_a_used_counselor_invitation_points_to_the_administrator_and_forgot_your_password(app, factory):
    counselor = practice_admin.invite_counselor(factory.admin(factory.practice()), "Dr. Lan", "lan@example.org")
    link = _invite_link_in_outbox(counselor.email)
    _accept(app, link)
    reused = app.test_client().get(link)
    page = reused.get_data(as_text=True)
    assert reused.status_code == 410
    assert "ask your practice&#39;s administrator to send you a new one" in page
    assert "Forgot your password?" in page
    assert "ask your counselor" not in page


def test_an_expired_counselor_invitation_points_to_the_administrator(app, factory):
    counselor = practice_admin.invite_counselor(factory.admin(factory.practice()), "Dr. Lan", "lan@example.org")
    link = _invite_link_in_outbox(counselor.email)
    with time_machine.travel(utcnow() + timedelta(days=7, minutes=1)):
        page = app.test_client().get(link).get_data(as_text=True)
    assert "practice&#39;s administrator" in page and "ask your counselor" not in page
