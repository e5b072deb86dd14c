"""Email through a real SMTP server (aiosmtpd on 127.0.0.1): delivered once, retried, and neutral."""
import socket
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from helpers import answer_check_in_with_risk, answer_everything, submit
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.mail.sender import deliver_pending
from therapist_app.models import OutboxMessage, Response
from therapist_app.models.base import utcnow
from therapist_app.services import invitations
from therapist_app.services.digests import counts_for, queue_digests
from therapist_app.services.notices import NOTICE_HOLD


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf8", "replace")))
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(THERAPIST_MAIL_SERVER="127.0.0.1", THERAPIST_MAIL_PORT=controller.port, THERAPIST_MAIL_USE_STARTTLS=False)
    yield inbox
    controller.stop()


def test_invitations_are_delivered_once_each_and_say_nothing_about_therapy_topics(app, factory, smtp):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange")
    after_the_hold = utcnow() + NOTICE_HOLD  # "something new" waits for the rest of the counselor's burst
    assert deliver_pending(now=after_the_hold) >= 2
    assert deliver_pending(now=after_the_hold) == 0  # a second run sends nothing again
    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == sorted([couple.partner_a.email, couple.partner_b.email] * 2)
    for _, content in smtp.messages:
        lowered = content.lower()
        for word in ("affair", "betray", "trust", "sex", "intima", "empathy", "infidel", "counsel"):
            assert word not in lowered, word


def test_a_refused_delivery_is_retried_later_and_then_delivered(app, factory, smtp):
    factory.couple()
    real_port = app.config["THERAPIST_MAIL_PORT"]
    app.config["THERAPIST_MAIL_PORT"] = _free_port()  # nothing listens there: connection refused
    assert deliver_pending() == 0
    failed = db_session.scalars(select(OutboxMessage)).all()
    assert all(m.status == "pending" and m.attempts == 1 and m.last_error for m in failed)
    app.config["THERAPIST_MAIL_PORT"] = real_port
    for message in failed:  # the backoff has passed
        message.next_attempt_at = message.created_at
    db_session.commit()
    assert deliver_pending() == len(failed)
    assert len(smtp.messages) == len(failed)


def test_without_a_mail_server_messages_are_printed_for_the_developer(app, factory, capsys):
    app.config["THERAPIST_MAIL_SERVER"] = None
    couple = factory.couple()
    assert deliver_pending() == 2
    printed = capsys.readouterr().out
    assert couple.partner_a.email in printed and "/welcome/" in printed


def test_the_morning_digest_counts_flags_and_submissions_once_and_names_nothing(app, factory, smtp):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment, text="Private words")
    submit(partner, assignment.id)
    answer_check_in_with_risk(app, couple)
    deliver_pending()
    smtp.messages.clear()
    now = utcnow() + timedelta(minutes=1)
    # The digest goes out from 07:00 on the counselor's own clock: put them where it is daytime now.
    couple.counselor.timezone = next(zone for zone in ("UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata")
                                     if 7 <= now.astimezone(ZoneInfo(zone)).hour < 21)
    db_session.commit()
    assert queue_digests(now) == 1
    assert queue_digests(now) == 0  # a second scheduler, or a restart: nothing twice
    deliver_pending()
    (recipients, content), = smtp.messages
    assert recipients == [couple.counselor.email]
    assert "- 2 homework submissions" in content and "1 private check-in or answer needs your attention." in content
    assert "(s)" not in content and "- 0 " not in content  # plain words, and no line of nothing
    for private in ("Private words", couple.partner_a.display_name, "Understanding each other", "Check-in"):
        assert private not in content


def test_a_password_reset_email_is_delivered_and_says_nothing_about_the_practice_or_therapy(app, factory, smtp):
    practice = factory.practice(name="Couples Counseling After Infidelity")
    partner = factory.couple(factory.counselor(practice)).partner_a
    deliver_pending()
    smtp.messages.clear()
    client = app.test_client()
    client.post("/password/forgot", data={"email": partner.email, "csrf_token": csrf_token(client)})
    assert deliver_pending() == 1
    (recipients, content), = smtp.messages
    assert recipients == [partner.email] and "/password/reset/" in content
    lowered = content.lower()
    for word in ("affair", "betray", "trust", "sex", "intima", "infidel", "counsel", "couple", "therap"):
        assert word not in lowered, word


def test_a_partners_invitation_and_new_homework_emails_name_neither_the_practice_nor_therapy(app, factory, smtp):
    practice = factory.practice(name="Couples Counseling After Infidelity")
    couple = factory.couple(factory.counselor(practice))
    deliver_pending()
    smtp.messages.clear()
    invitations.send_invitation(couple.partner_b)
    factory.assign(couple, "empathy-exchange")
    db_session.commit()
    # the invitation, and each partner's "something new" once its hold is over
    assert deliver_pending(now=utcnow() + NOTICE_HOLD) == 3
    subjects = sorted(line for _, content in smtp.messages for line in content.splitlines() if line.startswith("Subject:"))
    assert subjects == ["Subject: Something new in your secure portal"] * 2 + ["Subject: Your secure portal is ready"]
    for _, content in smtp.messages:
        lowered = content.lower()
        for word in ("affair", "betray", "infidel", "counsel", "couple", "therap", "empathy"):
            assert word not in lowered, word


def test_the_morning_digest_counts_a_check_in_note_added_after_it_was_read(app, factory):
    couple = factory.couple()
    check_in = answer_check_in_with_risk(app, couple)
    counselor = signed_in(app, couple.counselor)
    response_id = db_session.query(Response.id).filter_by(assignment_id=check_in.id).scalar()

    def mark_read():
        token = csrf_token(counselor)
        assert counselor.post(f"/counselor/responses/{response_id}/reviewed", data={"csrf_token": token}).status_code == 302

    since = utcnow() - timedelta(days=1)
    assert counts_for(couple.counselor, since).check_ins_needing_attention == 1
    mark_read()
    assert counts_for(couple.counselor, since).check_ins_needing_attention == 0
    a = signed_in(app, couple.partner_a)
    a.post(f"/my/homework/{check_in.id}/addendum",
           data={"csrf_token": csrf_token(a), "text": "A late note"})
    assert counts_for(couple.counselor, since).check_ins_needing_attention == 1
    mark_read()
    assert counts_for(couple.counselor, since).check_ins_needing_attention == 0
