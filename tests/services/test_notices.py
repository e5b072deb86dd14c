"""“Something new in your secure portal”: one email per partner for a burst of the counselor's work,
held a few minutes, never later than a humane hour needs, and a fresh one once the last was sent."""
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import or_, select

from sessions_support import add_session
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.mail.sender import deliver_pending
from therapist_app.models import OutboxMessage
from therapist_app.models.base import utcnow
from therapist_app.models.outbox import OUTBOX_PENDING, OUTBOX_SENT, OUTBOX_WITHDRAWN
from therapist_app.services import series, summaries, worksheets
from therapist_app.services.notices import NOTICE_HOLD, NOTICE_KINDS

MONDAY = datetime(2027, 3, 1, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York, where the partners are


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def notices(partner_id=None) -> list[OutboxMessage]:
    db_session.expire_all()
    query = select(OutboxMessage).where(
        or_(*(OutboxMessage.unique_key.startswith(f"{kind}:") for kind in NOTICE_KINDS))).order_by(OutboxMessage.id)
    if partner_id is not None:
        query = query.where(OutboxMessage.user_id == partner_id)
    return db_session.scalars(query).all()


def mark_sent(rows) -> None:
    """What the sender does with a notice once its time has come."""
    for row in rows:
        row.status, row.attempts, row.sent_at = OUTBOX_SENT, 1, row.next_attempt_at
    db_session.commit()


def publish_summary(app, couple) -> None:
    appointment = add_session(signed_in(app, couple.counselor), couple, hours=-2)
    summaries.save_draft(couple.counselor, appointment.id, summaries.SummaryDraft(
        parts={"both": {"worked_on": "How we listen", "note": "See you next week"}}))
    summaries.publish(couple.counselor, appointment.id)


def test_two_exercises_and_a_summary_make_one_notice_per_partner_held_for_the_burst(app, factory, clock):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange")
    clock.shift(timedelta(minutes=1))
    factory.assign(couple, "self-care-and-self-worth")
    clock.shift(timedelta(minutes=1))
    publish_summary(app, couple)
    rows = notices()
    assert sorted(row.user_id for row in rows) == sorted([couple.partner_a_id, couple.partner_b_id])
    assert all(row.status == OUTBOX_PENDING and row.next_attempt_at >= MONDAY + NOTICE_HOLD for row in rows)


def test_once_the_notice_is_sent_the_next_assignment_gets_its_own_held_notice(app, factory, clock):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange")
    factory.assign(couple, "self-care-and-self-worth")
    clock.shift(NOTICE_HOLD)
    mark_sent(notices())
    clock.shift(timedelta(hours=2))
    factory.assign(couple, "empathy-exchange", assignee=couple.partner_a)
    first, second = notices(couple.partner_a_id)
    assert first.status == OUTBOX_SENT and second.status == OUTBOX_PENDING
    assert second.next_attempt_at == MONDAY + NOTICE_HOLD + timedelta(hours=2) + NOTICE_HOLD
    assert len(notices(couple.partner_b_id)) == 1  # the individual exercise is not theirs


def _scheduled_instance_at_five_past_five(couple, clock):
    """The weekly check-in's second instance, made by the scheduler at 05:05 UTC on Wednesday:
    midnight for partner A in New York (their hour is 18:00), 14:05 for partner B in Tokyo."""
    couple.partner_b.timezone, couple.partner_b.reminder_hour = "Asia/Tokyo", 9
    db_session.commit()
    version = worksheets.version_by_slug("weekly-trust-check-in")
    series.assign_repeating(couple.counselor, couple.id, version.id, series.Recurrence(), due_date=date(2027, 3, 3))
    mark_sent(notices())  # the first instance's notice went on Monday
    clock.move_to(datetime(2027, 3, 3, 5, 5, tzinfo=timezone.utc))
    assert series.create_due_instances(datetime(2027, 3, 3, 5, 5, tzinfo=timezone.utc)) == 1


def test_the_humane_hour_wins_when_later_and_the_hold_when_sooner(app, factory, clock):
    couple = factory.couple()
    _scheduled_instance_at_five_past_five(couple, clock)
    (waiting_for_the_evening,) = notices(couple.partner_a_id)[1:]
    (held,) = notices(couple.partner_b_id)[1:]
    assert waiting_for_the_evening.next_attempt_at == datetime(2027, 3, 3, 23, 0, tzinfo=timezone.utc)  # 18:00 local
    assert held.next_attempt_at == datetime(2027, 3, 3, 5, 5, tzinfo=timezone.utc) + NOTICE_HOLD


def test_news_from_the_counselor_joins_a_notice_waiting_for_the_evening_and_brings_it_forward(app, factory, clock):
    couple = factory.couple()
    _scheduled_instance_at_five_past_five(couple, clock)
    factory.assign(couple, "empathy-exchange")
    sent, waiting = notices(couple.partner_a_id)
    assert sent.status == OUTBOX_SENT and waiting.unique_key.startswith("assigned:")
    assert waiting.next_attempt_at == datetime(2027, 3, 3, 5, 5, tzinfo=timezone.utc) + NOTICE_HOLD


def test_turning_the_portals_email_off_takes_back_every_email_still_waiting(app, factory):
    """Held ten minutes (or until the evening), a notice still went out after the partner switched the
    portal's email off, though the switch promises no email at all."""
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange")  # a "something new" notice, held
    partner = signed_in(app, couple.partner_a)
    assert partner.post("/my/settings", data={"csrf_token": csrf_token(partner), "reminder_hour": "19",
                                               "timezone": "Europe/London"}).status_code == 302
    db_session.expire_all()
    waiting = db_session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == couple.partner_a_id,
                                                             OutboxMessage.status == OUTBOX_PENDING)).all()
    assert [m.unique_key.split(":")[0] for m in waiting] == ["invite"]  # the account's own email stays
    deliver_pending(now=utcnow() + NOTICE_HOLD)
    db_session.expire_all()
    statuses = {m.user_id: m.status for m in db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.unique_key.startswith("assigned:")))}
    assert statuses == {couple.partner_a_id: OUTBOX_WITHDRAWN, couple.partner_b_id: OUTBOX_SENT}  # B kept theirs on
