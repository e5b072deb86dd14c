"""What a post meets once its session has ended (security/signed_out.py): a calm page with the text
that was posted, to copy back after signing in, never a raw 400 or a lost comment."""
import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from helpers import answer_everything, submit
from support import PASSWORD, csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Response
from therapist_app.models.base import utcnow
from therapist_app.services import practice_admin


def test_a_counselor_comment_posted_after_the_idle_sign_out_comes_back_on_a_calm_page(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment)
    submit(partner, assignment.id)
    response_id = db_session.scalar(select(Response.id).where(Response.assignment_id == assignment.id))
    counselor = signed_in(app, couple.counselor)
    token = csrf_token(counselor)
    comment = "You named something that took courage to name. Let's start there next week."
    with time_machine.travel(utcnow() + timedelta(minutes=20)):  # counselors are signed out after 15
        page = counselor.post(f"/counselor/responses/{response_id}/reviewed",
                              data={"csrf_token": token, "comment": comment},
                              headers={"Referer": f"http://localhost/counselor/assignments/{assignment.id}"})
    html = page.get_data(as_text=True)
    assert page.status_code == 401 and "Your session has ended" in html
    assert comment.replace("'", "&#39;") in html
    assert f"next=/counselor/assignments/{assignment.id}" in html


def test_an_exercise_posted_after_its_cookie_is_gone_shows_back_only_what_the_partner_typed(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    browser = signed_in(app, couple.partner_a)
    page = browser.get(f"/my/homework/{assignment.id}?section=0&edit=1").get_data(as_text=True)
    fields = re.findall(r'name="(a__\w+)"', page)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    states = set(re.findall(r'name="(s__\w+)"', page))
    assert fields and states  # the page does carry each question's answer-or-skip choice
    browser.delete_cookie("session")
    posted = {"csrf_token": token, "action": "next", fields[0]: "Five weeks of trying", **{s: "answer" for s in states}}
    html = browser.post(f"/my/homework/{assignment.id}?section=0", data=posted).get_data(as_text=True)
    assert "Your session has ended" in html and "Five weeks of trying" in html
    assert html.count("Your text") == 1 and ">answer</textarea>" not in html


def test_a_form_whose_session_cookie_is_gone_gets_a_calm_page_not_a_raw_400(app, factory):
    counselor = factory.counselor()
    browser = signed_in(app, counselor)
    token = csrf_token(browser)
    browser.delete_cookie("session")
    response = browser.post("/counselor/worksheets/new", data={"csrf_token": token, "title": "Rebuilding rituals"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "CSRF" not in html and "Bad Request" not in html
    assert "Your session has ended" in html and "Rebuilding rituals" in html


def test_a_device_signed_out_by_a_new_password_set_elsewhere_is_told_why(app, factory):
    """A phone whose session a password change ended was told "after a quiet spell", or nothing at all;
    a partner whose password someone else changed must learn it, and where to turn."""
    couple = factory.couple()
    phone, other_phone, laptop = (signed_in(app, couple.partner_a) for _ in range(3))
    new_password = "a new and longer passphrase"
    assert laptop.post("/account/password", data={"current": PASSWORD, "password": new_password, "confirm": new_password,
                                                  "csrf_token": csrf_token(laptop)}).status_code == 302
    alive = phone.get("/session/alive", headers={"Accept": "application/json"})
    assert alive.status_code == 401 and alive.get_json()["reason"] == "ended_elsewhere"
    page = other_phone.get("/my/", follow_redirects=True).get_data(as_text=True)
    assert "password was changed or it was signed out on every device" in page and "Forgot your password?" in page
    assert "quiet spell" not in page
    assert laptop.get("/my/").status_code == 200  # the device that changed it stays signed in
    stranger = app.test_client()  # no session at all: nothing to tell
    assert stranger.get("/session/alive", headers={"Accept": "application/json"}).get_json()["reason"] == "signed_out"


def test_a_counselor_deactivated_while_signed_in_is_told_so_not_sent_to_reset_a_password(app, factory):
    """A deactivated counselor was told "your password was changed… choose Forgot your password?", and
    a new password then met "doesn't match": they must learn the practice closed the account, on the
    page, in the sign-in-again dialog's answer, and at the sign-in form itself."""
    practice = factory.practice()
    admin, counselor_user = factory.admin(practice), factory.counselor(practice)
    laptop, tablet = signed_in(app, counselor_user), signed_in(app, counselor_user)
    practice_admin.set_active(admin, counselor_user.id, False)
    alive = laptop.get("/session/alive", headers={"Accept": "application/json"})
    assert alive.status_code == 401 and alive.get_json()["reason"] == "account_closed"
    page = tablet.get("/counselor/", follow_redirects=True).get_data(as_text=True)
    assert "deactivated by your practice" in page and "password was changed" not in page
    again = laptop.post("/login.json", json={"login": counselor_user.email, "password": PASSWORD},
                        headers={"X-CSRFToken": csrf_token(laptop), "Accept": "application/json"})
    assert again.status_code == 403 and "deactivated by your practice" in again.get_json()["message"]
    form = tablet.post("/login", data={"login": counselor_user.email, "password": PASSWORD,
                                       "csrf_token": csrf_token(tablet)})
    assert form.status_code == 403 and "deactivated by your practice" in form.get_data(as_text=True)
    assert laptop.get("/counselor/").status_code == 302  # told, and still not let in


def test_only_the_right_password_learns_that_an_account_was_deactivated(app, factory):
    practice = factory.practice()
    admin, counselor_user = factory.admin(practice), factory.counselor(practice)
    practice_admin.set_active(admin, counselor_user.id, False)
    guesser = app.test_client()
    page = guesser.post("/login", data={"login": counselor_user.email, "password": "a wrong guess at it",
                                        "csrf_token": csrf_token(guesser)}).get_data(as_text=True)
    assert "password don&#39;t match" in page and "deactivated" not in page
