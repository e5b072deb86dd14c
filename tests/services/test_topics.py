"""Topics for next session: counselor-only by default and then traceless; shared ones; withdrawing."""
from datetime import timedelta

import time_machine
from sqlalchemy import select, text

from helpers import both_partners_submit
from sessions_support import add_session, add_topic, post_confirm, without_tokens
from support import pdf_text, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent, OutboxMessage, SessionTopic
from therapist_app.models.base import utcnow
from therapist_app.services.worksheets import version_by_slug


def _everything_b_sees(app, couple):
    b = signed_in(app, couple.partner_b)
    pages = {path: without_tokens(b.get(path).get_data(as_text=True)) for path in ("/my/", "/my/topics", "/my/summaries")}
    db_session.expire_all()
    pages["emails"] = sorted(m.subject + m.body for m in db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == couple.partner_b.email)))
    return pages


def test_a_counselor_only_topic_leaves_no_trace_the_other_partner_can_see(app, factory):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange")
    add_session(signed_in(app, couple.counselor), couple, days=5)
    before = _everything_b_sees(app, couple)
    a = signed_in(app, couple.partner_a)
    response = add_topic(a, "TOPIC-PRIVATE-A")  # the default: counselor only
    assert response.status_code == 302
    assert "TOPIC-PRIVATE-A" in a.get("/my/").get_data(as_text=True)
    assert "Only your counselor sees this" in a.get("/my/").get_data(as_text=True)
    assert _everything_b_sees(app, couple) == before
    counselor_page = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "TOPIC-PRIVATE-A" in counselor_page and "for you only" in counselor_page


def test_a_shared_topic_shows_to_the_other_partner_and_only_its_author_may_withdraw_it(app, factory):
    couple = factory.couple()
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    add_topic(a, "TOPIC-SHARED-A", visibility="shared")
    b_page = b.get("/my/").get_data(as_text=True)
    assert "TOPIC-SHARED-A" in b_page and "From your partner" in b_page
    assert "TOPIC-SHARED-A" in b.get("/my/topics").get_data(as_text=True)
    assert "Withdraw" in a.get("/my/topics").get_data(as_text=True)
    topic = db_session.scalar(select(SessionTopic))
    assert post_confirm(b, f"/my/topics/{topic.id}/withdraw").status_code == 404
    post_confirm(a, f"/my/topics/{topic.id}/withdraw")
    db_session.expire_all()
    assert db_session.scalar(select(SessionTopic)) is None
    assert "TOPIC-SHARED-A" not in b.get("/my/").get_data(as_text=True)


def test_a_topic_cannot_be_withdrawn_once_its_session_began_and_then_leaves_the_portal(app, factory):
    couple = factory.couple()
    a = signed_in(app, couple.partner_a)
    add_topic(a, "TOPIC-BEFORE")
    topic = db_session.scalar(select(SessionTopic))
    topic.created_at = topic.created_at - timedelta(days=366)  # a year back (replace(year=) fails on 29 February)
    db_session.commit()
    add_session(signed_in(app, couple.counselor), couple, days=-1)  # a session began after the topic
    response = post_confirm(a, f"/my/topics/{topic.id}/withdraw")
    assert "can no longer be withdrawn" in a.get(response.headers["Location"]).get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(SessionTopic, topic.id) is not None
    assert "TOPIC-BEFORE" not in a.get("/my/").get_data(as_text=True)


def test_an_empty_topic_is_refused_with_a_gentle_message(app, factory):
    couple = factory.couple()
    response = add_topic(signed_in(app, couple.partner_a), "   ")
    assert response.status_code == 422 and "Please write a few words" in response.get_data(as_text=True)
    assert db_session.scalar(select(SessionTopic)) is None


def test_topics_are_encrypted_and_the_audit_log_holds_only_ids(app, factory):
    couple = factory.couple()
    add_topic(signed_in(app, couple.partner_a), "TOPIC-SECRET-WORDS")
    with app.extensions["sqlalchemy"].engine.connect() as connection:
        dump = str(connection.execute(text("SELECT * FROM ta_session_topic")).all())
        audit = str(connection.execute(text("SELECT * FROM ta_audit_event")).all())
    assert "TOPIC-SECRET-WORDS" not in dump and "TOPIC-SECRET-WORDS" not in audit
    assert db_session.scalar(select(AuditEvent).where(AuditEvent.action == "add_topic")) is not None


def test_the_packet_for_a_session_has_its_number_date_and_topics_and_only_what_is_new(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    with time_machine.travel(utcnow() - timedelta(days=366)):  # given and sent by both a year ago
        old = factory.assign(couple, "pain-is-normal")
        both_partners_submit(app, couple, old)
    add_session(counselor, couple, days=-7)
    factory.assign(couple, "empathy-exchange")
    add_topic(signed_in(app, couple.partner_a), "TOPIC-FOR-PACKET")
    add_topic(signed_in(app, couple.partner_b), "TOPIC-SHARED-PACKET", visibility="shared")
    upcoming = add_session(counselor, couple, days=3)
    packet = pdf_text(counselor.get(f"/counselor/sessions/{upcoming.id}/prep.pdf").data)
    assert "Session preparation: session 2" in packet
    assert "TOPIC-FOR-PACKET" in packet and "TOPIC-SHARED-PACKET" in packet and "for you only" in packet
    assert "since the last session" in packet
    assert version_by_slug("empathy-exchange").title in packet
    assert version_by_slug("pain-is-normal").title not in packet
    full = pdf_text(counselor.get(f"/counselor/sessions/{upcoming.id}/prep.pdf?history=full").data)
    assert "TOPIC-FOR-PACKET" in full
