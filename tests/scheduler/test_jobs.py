"""Risk alerts, digests at 07:00 local, delivery failures and their admin page, purging, run-once."""
from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import func, select

from helpers import answer_check_in_with_risk
from mail_support import Inbox, free_port, start_smtp
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.mail.sender import deliver_pending
from therapist_app.models import AuditEvent, Invitation, OutboxMessage
from therapist_app.models.base import utcnow
from therapist_app.services import retention
from therapist_app.services.digests import queue_digests

RISK_TEXT = "A client in your caseload may need your attention. Sign in to read it."


def test_a_risk_answer_emails_the_counselor_within_seconds_neutrally_and_once(app, factory, smtp):
    couple = factory.couple()
    deliver_pending()
    smtp.messages.clear()
    check_in = answer_check_in_with_risk(app, couple)
    deliver_pending()  # the next outbox run, every 10 s (partner A also hears of the new check-in)
    (message,) = smtp.to(couple.counselor.email)
    assert RISK_TEXT in message.get_content()
    for private in (couple.partner_a.display_name, couple.partner_b.display_name, "Check-in", "safe"):
        assert private not in message.get_content() + message["Subject"]
    assert db_session.scalar(select(func.count()).where(OutboxMessage.unique_key == f"risk:{check_in.id}")) == 1


def test_an_admin_can_turn_risk_emails_off_with_a_warning_and_it_is_audited(app, factory, smtp):
    practice = factory.practice()
    admin = signed_in(app, factory.admin(practice))
    page = admin.get("/admin/practice").get_data(as_text=True)
    assert "Turning this off" in page
    response = admin.post("/admin/practice/risk-alert-emails",
                          data={"csrf_token": csrf_token(admin), "enabled": "0"}, follow_redirects=True)
    assert "Alert emails are off" in response.get_data(as_text=True)
    couple = factory.couple(factory.counselor(practice))
    answer_check_in_with_risk(app, couple)
    assert not db_session.scalar(select(OutboxMessage.id).where(OutboxMessage.unique_key.startswith("risk:")))
    assert db_session.scalar(select(AuditEvent.id).where(AuditEvent.action == "risk_alert_emails_off"))


def test_the_morning_digest_goes_at_seven_in_the_counselors_own_zone(app, factory):
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=timezone.utc), tick=False) as clock:
        couple = factory.couple()
        couple.counselor.timezone = "Asia/Tokyo"
        db_session.commit()
        answer_check_in_with_risk(app, couple)
        clock.move_to(datetime(2027, 3, 1, 21, 55, tzinfo=timezone.utc))  # 06:55 in Tokyo
        assert queue_digests(utcnow()) == 0
        clock.move_to(datetime(2027, 3, 1, 22, 5, tzinfo=timezone.utc))   # 07:05 in Tokyo
        assert queue_digests(utcnow()) == 1
        assert queue_digests(utcnow()) == 0
        assert db_session.scalar(select(OutboxMessage.unique_key).where(OutboxMessage.unique_key.startswith(
            "digest:"))) == f"digest:{couple.counselor_id}:2027-03-02"


def test_a_server_that_refuses_at_first_gets_the_message_later(app, factory):
    inbox = Inbox(refuse_first=2)
    controller = start_smtp(app, inbox)
    try:
        partner = factory.couple().partner_a
        sent = 0
        for minutes in (0, 3, 8, 20):  # past each backoff
            sent += deliver_pending(now=utcnow() + timedelta(minutes=minutes))
        assert sent == 2 and len(inbox.to(partner.email)) == 1
        row = db_session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == partner.id))
        assert row.status == "sent" and row.attempts >= 2
    finally:
        controller.stop()


def test_after_the_last_attempt_it_is_listed_for_the_admin_without_content_and_can_be_retried(app, factory):
    app.config.update(THERAPIST_MAIL_SERVER="127.0.0.1", THERAPIST_MAIL_PORT=free_port(), THERAPIST_MAIL_MAX_ATTEMPTS=2,
                      THERAPIST_MAIL_USE_STARTTLS=False)
    practice = factory.practice()
    couple = factory.couple(factory.counselor(practice))
    for hours in (0, 1, 2, 3):
        deliver_pending(now=utcnow() + timedelta(hours=hours))
    db_session.expire_all()
    assert set(db_session.scalars(select(OutboxMessage.status))) == {"failed"}
    admin = signed_in(app, factory.admin(practice))
    page = admin.get("/admin/undelivered").get_data(as_text=True)
    assert couple.partner_a.email in page and "Invitation" in page
    for content in ("/welcome/", "secure portal", "Hello"):
        assert content not in page
    message_id = db_session.scalar(select(OutboxMessage.id).where(OutboxMessage.user_id == couple.partner_a_id))
    outsider = signed_in(app, factory.admin())
    assert outsider.post(f"/admin/undelivered/{message_id}/retry",
                         data={"csrf_token": csrf_token(outsider)}).status_code == 404
    inbox = Inbox()
    controller = start_smtp(app, inbox)
    try:
        admin.post(f"/admin/undelivered/{message_id}/retry", data={"csrf_token": csrf_token(admin)})
        assert deliver_pending() == 1 and len(inbox.messages) == 1
    finally:
        controller.stop()


def test_sent_bodies_and_expired_invitations_are_purged_after_the_configured_days(app, factory):
    app.config["THERAPIST_MAIL_SERVER"] = None
    factory.couple()
    deliver_pending()
    later = utcnow() + timedelta(days=app.config["THERAPIST_OUTBOX_PURGE_AFTER_DAYS"], minutes=1)
    assert retention.purge(utcnow()) == {"bodies": 0, "invitations": 0}
    assert retention.purge(later) == {"bodies": 2, "invitations": 2}
    db_session.expire_all()
    rows = db_session.scalars(select(OutboxMessage)).all()
    assert all(r.body == "" and r.body_purged_at and r.unique_key for r in rows)
    assert db_session.scalar(select(func.count(Invitation.id))) == 0


def test_run_once_runs_every_job_as_if_at_a_moment_and_prints_what_it_did(app, factory):
    app.config["THERAPIST_MAIL_SERVER"] = None
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange", due_date=(utcnow() + timedelta(days=1)).date())
    moment = (utcnow() + timedelta(days=1)).replace(hour=23, minute=5)  # 18:05 in New York on the due date
    result = app.test_cli_runner().invoke(args=["scheduler", "run-once", "--at", moment.isoformat()])
    assert result.exit_code == 0, result.output
    assert "reminders queued: session 0, due-soon 2, overdue 0" in result.output
    for job in ("recurring_homework", "morning_digests", "purge_old_email", "deliver_outbox"):
        assert job in result.output
    bad = app.test_cli_runner().invoke(args=["scheduler", "run-once", "--at", "tomorrow"])
    assert bad.exit_code != 0 and "ISO 8601" in bad.output
