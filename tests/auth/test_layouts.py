"""Account pages wear the layout of the person they are for: a partner's portal, the staff pages, or
the neutral layout at the door (therapist_app/auth/layouts.py)."""
import re

from sqlalchemy import select

from support import PASSWORD, csrf_of, signed_in
from therapist_app.auth import layouts
from therapist_app.extensions import session as db_session
from therapist_app.models import OutboxMessage
from therapist_app.roles import ROLE_TABLE
from therapist_app.services import invitations, practice_admin

FOOTER_NOTE = "Messages here are read on weekdays."
SAMARITANS = "Samaritans: 116 123"  # the United Kingdom's crisis line
GENERIC_NUMBERS = "your local emergency number"


def _uk_couple(factory):
    """A couple in a UK practice with its own footer sentence, beside a second practice (so that a
    page which does not know the practice could only show the generic numbers)."""
    practice = factory.practice(country="GB")
    practice.footer_note = FOOTER_NOTE
    db_session.commit()
    factory.practice(country="US")
    return factory.couple(factory.counselor(practice))


def _footer(page: str) -> str:
    found = re.search(r'<footer class="crisis".*?</footer>', page, re.S)
    return found.group(0) if found else ""


def _is_staff_page(page: str) -> bool:
    return '<body class="staff"' in page and "Quick exit" not in page and not _footer(page)


def test_a_partners_change_password_page_is_their_portal_with_their_practices_crisis_numbers(app, factory):
    couple = _uk_couple(factory)
    page = signed_in(app, couple.partner_a).get("/account/password").get_data(as_text=True)
    assert "Change your password" in page
    assert "My portal" in page and "Sign out" in page and "Quick exit" in page
    footer = _footer(page)
    assert FOOTER_NOTE in footer and SAMARITANS in footer and "call 999" in footer
    assert GENERIC_NUMBERS not in footer


def test_a_counselors_account_pages_are_staff_pages(app, factory):
    counselor = factory.counselor(factory.practice(country="GB"))
    browser = signed_in(app, counselor)
    for path in ("/account/password", "/account/two-factor"):
        page = browser.get(path).get_data(as_text=True)
        assert _is_staff_page(page), path
        assert "Caseload" in page and f"{counselor.display_name} · Counselor" in page and "Sign out" in page


def test_an_admins_change_password_page_has_the_admin_menu(app, factory):
    admin = factory.admin(factory.practice())
    page = signed_in(app, admin).get("/account/password").get_data(as_text=True)
    assert _is_staff_page(page) and "Practice settings" in page and "Caseload" not in page


def _invitation_link(counselor) -> str:
    body = db_session.scalar(select(OutboxMessage.body).where(OutboxMessage.user_id == counselor.id))
    return re.search(r"http://localhost(/welcome/\S+)", body).group(1)


def test_a_counselors_welcome_page_has_no_quick_exit_and_no_client_crisis_footer(app, factory):
    admin = factory.admin(factory.practice(country="GB"))
    counselor = practice_admin.invite_counselor(admin, "Dr. Lan", "lan@example.org")
    link = _invitation_link(counselor)
    page = app.test_client().get(link).get_data(as_text=True)
    assert "Welcome, Dr. Lan" in page
    assert _is_staff_page(page)
    assert "Caseload" not in page  # no menu before they are signed in: it would only lead back here
    db_session.expire_all()
    browser = app.test_client()
    browser.post(link, data={"password": "my new passphrase", "confirm": "my new passphrase",
                             "csrf_token": csrf_of(browser, link)})
    used = app.test_client().get(link).get_data(as_text=True)  # a used link, opened again
    assert _is_staff_page(used) and "administrator" in used


def test_a_partners_welcome_page_keeps_quick_exit_and_their_practices_crisis_numbers(app, factory):
    couple = _uk_couple(factory)
    couple.partner_a.password_hash = None
    db_session.commit()
    link = invitations.send_invitation(couple.partner_a).replace("http://localhost", "")
    db_session.commit()
    page = app.test_client().get(link).get_data(as_text=True)
    assert "Quick exit" in page and SAMARITANS in _footer(page) and FOOTER_NOTE in _footer(page)


def test_two_factor_setup_at_the_first_sign_in_is_a_staff_page(app, factory):
    counselor = factory.counselor(factory.practice(two_factor=True))
    browser = app.test_client()
    browser.post("/login", data={"login": counselor.email, "password": PASSWORD,
                                 "csrf_token": csrf_of(browser, "/login")})
    page = browser.get("/login/two-factor-setup").get_data(as_text=True)
    assert "Set up two-factor sign-in" in page
    assert _is_staff_page(page) and "Caseload" not in page


def test_pages_that_belong_to_no_one_yet_wear_the_neutral_layout_with_crisis_numbers(app, factory):
    _uk_couple(factory)
    for path in ("/login", "/password/forgot"):
        page = app.test_client().get(path).get_data(as_text=True)
        assert "Secure portal" in page and "Quick exit" in page and GENERIC_NUMBERS in _footer(page), path


def test_every_role_has_a_layout_signed_in_and_at_the_door():
    assert set(layouts.SIGNED_IN_LAYOUTS) == set(ROLE_TABLE) == set(layouts.AT_THE_DOOR_LAYOUTS)
