"""The practice admin's pages: sending a counselor's invitation again, and the practice settings' words."""
import re
from datetime import timedelta

import time_machine
from sqlalchemy import select

from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent, OutboxMessage
from therapist_app.models.base import utcnow
from therapist_app.services import practice_admin


def _invited_counselor(admin):
    """A counselor the admin invited who has not chosen a password yet."""
    return practice_admin.invite_counselor(admin, "Dr. Lan", "lan@example.org")


def _newest_link_to(address) -> str:
    db_session.expire_all()
    message = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                .order_by(OutboxMessage.id.desc()))
    return re.search(r"http://localhost(/welcome/\S+)", message.body).group(1)


def _resend(browser, counselor):
    return browser.post(f"/admin/counselors/{counselor.id}/invitation", data={"csrf_token": csrf_token(browser)},
                        follow_redirects=True)


def test_the_admin_sends_an_invited_counselor_a_new_link_and_the_old_one_stops_working(app, factory):
    admin_user = factory.admin(factory.practice())
    counselor = _invited_counselor(admin_user)
    old_link = _newest_link_to(counselor.email)
    admin = signed_in(app, admin_user)
    listed = admin.get("/admin/counselors").get_data(as_text=True)
    assert "Send the invitation again" in listed and "no password yet" in listed and "Link valid until" in listed

    page = _resend(admin, counselor).get_data(as_text=True)
    assert "A new invitation was emailed to Dr. Lan. The earlier link no longer works." in page
    new_link = _newest_link_to(counselor.email)
    assert new_link != old_link
    assert app.test_client().get(old_link).status_code == 410
    assert "Welcome, Dr. Lan" in app.test_client().get(new_link).get_data(as_text=True)
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation_reissued"))
    assert event.actor_id == admin_user.id


def test_an_expired_counselor_invitation_shows_as_expired_with_the_way_to_send_a_new_one(app, factory):
    admin_user = factory.admin(factory.practice())
    _invited_counselor(admin_user)
    with time_machine.travel(utcnow() + timedelta(days=8)):
        listed = signed_in(app, admin_user).get("/admin/counselors").get_data(as_text=True)
    assert "Link expired" in listed and "Send the invitation again" in listed


def test_the_invitation_is_not_offered_again_to_a_counselor_who_has_chosen_a_password(app, factory):
    counselor = factory.counselor()  # has a password
    admin = signed_in(app, factory.admin(counselor.practice))
    assert "Send the invitation again" not in admin.get("/admin/counselors").get_data(as_text=True)
    page = _resend(admin, counselor).get_data(as_text=True)
    assert "has already chosen a password" in page and "Forgot your password?" in page
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation_reissued")) is None


def test_a_deactivated_counselor_is_not_sent_a_link_that_could_not_work(app, factory):
    admin_user = factory.admin(factory.practice())
    counselor = _invited_counselor(admin_user)
    practice_admin.set_active(admin_user, counselor.id, False)
    admin = signed_in(app, admin_user)
    assert "Send the invitation again" not in admin.get("/admin/counselors").get_data(as_text=True)
    assert "Reactivate them first" in _resend(admin, counselor).get_data(as_text=True)


def test_only_the_counselors_own_practice_admin_may_send_it_again(app, factory):
    admin_user = factory.admin(factory.practice())
    counselor = _invited_counselor(admin_user)
    before = db_session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
    for stranger in (factory.admin(factory.practice()), factory.counselor(admin_user.practice)):
        browser = signed_in(app, stranger)
        response = browser.post(f"/admin/counselors/{counselor.id}/invitation",
                                data={"csrf_token": csrf_token(browser)})
        assert response.status_code == 404
    assert db_session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())) == before
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation_reissued")) is None


def test_sending_it_again_needs_the_pages_csrf_token(app, factory):
    admin_user = factory.admin(factory.practice())
    counselor = _invited_counselor(admin_user)
    admin = signed_in(app, admin_user)
    response = admin.post(f"/admin/counselors/{counselor.id}/invitation", data={})
    assert response.status_code == 400
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation_reissued")) is None


def test_the_practice_name_help_says_where_the_name_really_appears(app, factory):
    page = signed_in(app, factory.admin(factory.practice())).get("/admin/practice").get_data(as_text=True)
    assert "Shown in emails to clients" not in page
    assert "Used in the email that invites a new counselor" in page
    assert "Partners never see it" in page
