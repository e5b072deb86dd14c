"""Reminders to partners: at their hour in their zone, never at night, once, and never to those who get none."""
from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import delete, select

from helpers import answer_everything, submit
from support import signed_in
from therapist_app.extensions import session as db_session
from therapist_app.mail.sender import deliver_pending
from therapist_app.models import Appointment, Couple, OutboxMessage
from therapist_app.models.base import utcnow
from therapist_app.services import assignments, reminders
from therapist_app.services.notices import NOTICE_HOLD

MONDAY = datetime(2027, 3, 1, 12, 0, tzinfo=timezone.utc)  # New York is UTC-5 until 14 March 2027
DUE = date(2027, 3, 3)
HEALTH_WORDS = ("affair", "betray", "trust", "sex", "intima", "empathy", "infidel", "counsel", "check-in", "exercise")


def utc(day, hour, minute=5):
    return datetime(2027, 3, day, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def scan_at(clock, moment):
    clock.move_to(moment)
    return reminders.scan(utcnow())


def keys(prefix=""):
    db_session.expire_all()
    return sorted(k for k in db_session.scalars(select(OutboxMessage.unique_key)) if k.startswith(prefix))


def test_due_today_goes_once_at_each_partners_own_hour_in_their_own_zone(app, factory, clock):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange", due_date=DUE)
    a, b = couple.partners  # a: New York, 18:00 (the defaults); b: Berlin, 09:00
    b.timezone, b.reminder_hour = "Europe/Berlin", 9
    db_session.commit()
    assert scan_at(clock, utc(3, 7, 55))["due-soon"] == 0  # 08:55 in Berlin
    assert scan_at(clock, utc(3, 8))["due-soon"] == 1       # 09:05 in Berlin
    assert keys("due-soon") == [f"due-soon:{assignment.id}:{b.id}:2027-03-03"]
    assert scan_at(clock, utc(3, 22, 55))["due-soon"] == 0  # 17:55 in New York
    assert scan_at(clock, utc(3, 23))["due-soon"] == 1      # 18:05 in New York
    assert scan_at(clock, utc(3, 23, 30))["due-soon"] == 0  # once
    assert len(keys("due-soon")) == 2


def test_a_partner_who_submitted_gets_no_reminder_the_other_does(app, factory, clock):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange", due_date=DUE)
    client = signed_in(app, couple.partner_a)
    answer_everything(client, assignment)
    submit(client, assignment.id)
    scan_at(clock, utc(3, 23))
    assert keys("due-soon") == [f"due-soon:{assignment.id}:{couple.partner_b_id}:2027-03-03"]


def test_overdue_goes_once_then_again_three_days_later_and_never_a_third_time(app, factory, clock):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange", assignee=couple.partner_a, due_date=DUE)
    sent = [scan_at(clock, utc(day, 23))["overdue"] for day in range(4, 14)]
    assert sent == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert keys("overdue") == [f"overdue:{assignment.id}:{couple.partner_a_id}:2027-03-03:{n}" for n in (1, 2)]


def test_nothing_at_night_and_a_missed_moment_is_caught_up_once_when_the_scheduler_returns(app, factory, clock):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange", assignee=couple.partner_a, due_date=DUE)
    couple.partner_a.reminder_hour = 20
    db_session.commit()
    # Down all evening of the due date: back at 21:30 New York time, too late for "due today" (stale by
    # morning), and nothing is sent in the night.
    for moment in (utc(4, 2, 30), utc(4, 5), utc(4, 12, 55)):  # 21:30, 00:05, 07:55 local
        assert sum(scan_at(clock, moment).values()) == 0
    # Down through the next evening too; back on the 5th at 10:00 local: the overdue reminder waits
    # for 20:00, then goes once.
    assert scan_at(clock, utc(5, 15))["overdue"] == 0
    assert scan_at(clock, utc(6, 1, 10))["overdue"] == 1
    assert scan_at(clock, utc(6, 1, 40))["overdue"] == 0
    assert keys("due-soon") == []


def test_none_for_reminders_off_no_account_paused_cancelled_or_deleted_couples(app, factory, clock):
    control = factory.couple()
    factory.assign(control, "empathy-exchange", due_date=DUE)
    quiet = factory.couple()
    factory.assign(quiet, "empathy-exchange", due_date=DUE)
    quiet.partner_a.email_reminders = False
    quiet.partner_b.password_hash = None  # invitation not accepted yet
    paused = factory.couple()
    factory.assign(paused, "empathy-exchange", due_date=DUE)
    paused.joint_paused = True
    cancelled = factory.couple()
    assignments.cancel(cancelled.counselor, factory.assign(cancelled, "empathy-exchange", due_date=DUE).id)
    deleted = factory.couple()
    factory.assign(deleted, "empathy-exchange", due_date=DUE)
    db_session.execute(delete(Couple).where(Couple.id == deleted.id))
    db_session.commit()
    for day in range(3, 9):
        scan_at(clock, utc(day, 23))
    reminded = {int(k.split(":")[2]) for k in keys("due-soon") + keys("overdue")}
    assert reminded == {control.partner_a_id, control.partner_b_id}


def test_session_tomorrow_reminds_both_partners_and_never_after_it_began(app, factory, clock):
    couple = factory.couple()
    soon = Appointment(couple_id=couple.id, starts_at=utc(5, 15, 0))          # Friday 10:00 in New York
    missed = Appointment(couple_id=couple.id, starts_at=utc(6, 14, 0))        # Saturday 09:00
    cancelled = Appointment(couple_id=couple.id, starts_at=utc(5, 20, 0), status="cancelled")
    db_session.add_all([soon, missed, cancelled])
    db_session.commit()
    assert scan_at(clock, utc(4, 22, 55))["session"] == 0
    assert scan_at(clock, utc(4, 23))["session"] == 2   # Thursday 18:05 local, both partners
    assert scan_at(clock, utc(4, 23, 30))["session"] == 0
    # The scheduler is down from Thursday night until after Saturday's session began: nothing for it.
    assert scan_at(clock, utc(6, 15))["session"] == 0
    assert {k.split(":")[1] for k in keys("session")} == {str(soon.id)}
    body = db_session.scalar(select(OutboxMessage.body).where(OutboxMessage.unique_key.startswith("session:")))
    assert "Friday 5 March 2027, 10:00 (America/New York)" in body


def test_every_reminder_is_neutral_and_carries_a_one_click_unsubscribe(app, factory, clock, smtp):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange", due_date=DUE)
    factory.assign(couple, "empathy-exchange", due_date=date(2027, 3, 2))
    db_session.add(Appointment(couple_id=couple.id, starts_at=utc(4, 15, 0)))
    db_session.commit()
    deliver_pending(now=utcnow() + NOTICE_HOLD)  # the "something new" notices, once their hold is over
    smtp.messages.clear()
    queued = scan_at(clock, utc(3, 23))
    assert queued == {"session": 2, "due-soon": 2, "overdue": 2}
    assert deliver_pending() == 6
    for message in smtp.messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].strip().startswith("<http://localhost/reminders/off/")
        text = (message["Subject"] + message.get_content()).lower()
        for word in HEALTH_WORDS:
            assert word not in text, word


def test_one_click_turns_reminders_off_without_signing_in_and_takes_back_queued_ones(app, factory, clock, client):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange", due_date=DUE)
    scan_at(clock, utc(3, 23))
    row = db_session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == couple.partner_a_id,
                                                        OutboxMessage.unique_key.startswith("due-soon:")))
    path = row.unsubscribe_url.removeprefix("http://localhost")
    assert client.get(path).status_code == 200  # a link scanner's GET changes nothing
    db_session.expire_all()
    assert couple.partner_a.email_reminders is True
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    db_session.expire_all()
    assert couple.partner_a.email_reminders is False and row.status == "withdrawn"
    assert couple.partner_b.email_reminders is True
    assert client.post("/reminders/off/forged-token").status_code == 404
    assert scan_at(clock, utc(4, 23))["overdue"] == 1  # partner B only
