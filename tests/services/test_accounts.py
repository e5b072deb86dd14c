"""An email address already used in the practice is refused where it is typed, in any letter case,
for a new couple's partner and for an invited counselor alike; a typo never makes a second account."""
from sqlalchemy import func, select

from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import User


def _count(**where):
    return db_session.scalar(select(func.count(User.id)).filter_by(**where))


def test_a_partner_email_already_in_the_practice_is_refused_next_to_its_field(app, factory):
    couple = factory.couple()
    browser = signed_in(app, couple.counselor)
    taken = couple.partner_a.email
    clients_before = _count(role="client")
    response = browser.post("/counselor/couples/new", data={
        "csrf_token": csrf_token(browser), "a_name": "Noor",
        "a_email": f"  {taken.upper()} ", "b_name": "Eli", "b_email": "eli@example.org", "hurt_partner": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone in this practice already uses this email address." in page
    assert 'value="Noor"' in page and 'value="eli@example.org"' in page  # nothing typed is lost
    assert _count(role="client") == clients_before


def test_an_invited_counselors_email_already_in_the_practice_is_refused(app, factory):
    counselor = factory.counselor()
    admin = factory.admin(counselor.practice)
    browser = signed_in(app, admin)
    response = browser.post("/admin/counselors", data={
        "csrf_token": csrf_token(browser), "display_name": "Second account",
        "email": counselor.email.upper()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Someone in this practice already uses this email address." in page
    assert _count(display_name="Second account") == 0


def test_spaces_pasted_around_an_email_address_are_not_an_error(app, factory):
    browser = signed_in(app, factory.counselor())
    response = browser.post("/counselor/couples/new", data={
        "csrf_token": csrf_token(browser), "a_name": "Noor",
        "a_email": " noor@example.org\t", "b_name": "Eli", "b_email": "eli@example.org ", "hurt_partner": ""})
    assert response.status_code == 302
    assert db_session.scalar(select(User.email).where(User.display_name == "Noor")) == "noor@example.org"
