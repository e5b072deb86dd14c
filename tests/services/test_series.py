"""Recurring homework: one instance per period from the same version, coalesced after downtime, stoppable."""
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.mail.sender import deliver_pending
from therapist_app.models import Assignment, AssignmentSeries, OutboxMessage
from therapist_app.services import series, worksheets
from therapist_app.services.notices import NOTICE_HOLD
from therapist_app.services.series import Recurrence

MONDAY = datetime(2027, 3, 1, 12, 0, tzinfo=timezone.utc)


def utc(month, day, hour=12):
    return datetime(2027, month, day, hour, 5, tzinfo=timezone.utc)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def instances(series_id):
    db_session.expire_all()
    return db_session.scalars(select(Assignment).where(Assignment.series_id == series_id)
                              .order_by(Assignment.period)).all()


def weekly_check_in(couple, **kw):
    version = worksheets.version_by_slug("weekly-trust-check-in")
    result = series.assign_repeating(couple.counselor, couple.id, version.id, Recurrence(**kw),
                                     due_date=date(2027, 3, 3))
    return result.assignments[0].series_id


def test_one_instance_per_period_however_often_the_scheduler_runs(app, factory, clock):
    couple = factory.couple()
    series_id = weekly_check_in(couple)
    assert [(a.period, a.due_date) for a in instances(series_id)] == [(0, date(2027, 3, 3))]
    for moment in (utc(3, 2), utc(3, 3), utc(3, 3, 18), utc(3, 4), utc(3, 10), utc(3, 10, 23)):
        clock.move_to(moment)
        series.create_due_instances(moment)
        series.create_due_instances(moment)  # a second scheduler at the same moment
    made = instances(series_id)
    assert [(a.period, a.due_date) for a in made] == [(0, date(2027, 3, 3)), (1, date(2027, 3, 10)),
                                                     (2, date(2027, 3, 17))]
    assert len({a.worksheet_version_id for a in made}) == 1 and all(a.is_joint for a in made)


def test_the_new_homework_email_of_a_scheduled_instance_waits_for_the_partners_hour(app, factory, clock):
    couple = factory.couple()
    series_id = weekly_check_in(couple)
    deliver_pending(now=MONDAY + NOTICE_HOLD)  # Monday's notice is sent: Wednesday's is a notice of its own
    clock.move_to(utc(3, 3, 5))  # midnight in New York
    series.create_due_instances(utc(3, 3, 5))
    new = instances(series_id)[1]
    waits = db_session.scalars(select(OutboxMessage.next_attempt_at)
                               .where(OutboxMessage.unique_key.startswith(f"assigned:{new.id}:"))).all()
    assert waits == [datetime(2027, 3, 3, 23, 0, tzinfo=timezone.utc)] * 2  # 18:00 local


def test_until_a_date_or_a_number_of_times(app, factory, clock):
    by_count = weekly_check_in(factory.couple(), count=2)
    by_date = weekly_check_in(factory.couple(), interval_weeks=2, until=date(2027, 3, 31))
    for day in range(60):
        moment = MONDAY + timedelta(days=day)
        clock.move_to(moment)
        series.create_due_instances(moment)
    assert [a.due_date for a in instances(by_count)] == [date(2027, 3, 3), date(2027, 3, 10)]
    assert [a.due_date for a in instances(by_date)] == [date(2027, 3, 3), date(2027, 3, 17), date(2027, 3, 31)]
    assert db_session.get(AssignmentSeries, by_count).status == "ended"


def test_after_downtime_missed_periods_coalesce_into_the_current_one(app, factory, clock):
    series_id = weekly_check_in(factory.couple())
    clock.move_to(utc(3, 25))  # down for over three weeks
    series.create_due_instances(utc(3, 25))
    assert [a.due_date for a in instances(series_id)] == [date(2027, 3, 3), date(2027, 3, 31)]


def test_stopping_a_series_stops_future_instances_and_keeps_past_ones(app, factory, clock):
    couple = factory.couple()
    series_id = weekly_check_in(couple)
    client = signed_in(app, couple.counselor)
    page = client.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "Repeating homework" in page and "every week on Wednesdays" in page
    response = client.post(f"/counselor/series/{series_id}/cancel",
                           data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    series.create_due_instances(utc(3, 20))
    assert [a.status for a in instances(series_id)] == ["open"]
    other = signed_in(app, factory.counselor())
    assert other.post(f"/counselor/series/{series_id}/cancel",
                      data={"csrf_token": csrf_token(other)}).status_code == 404


def test_the_counselor_changes_when_repeating_homework_is_due_from_the_next_one_on(app, factory, clock):
    """Only "Stop repeating" was offered: a new weekday or every other week meant stopping it and
    assigning it again."""
    couple = factory.couple()
    series_id = weekly_check_in(couple)  # Wednesdays from 3 March; the first is given now
    client = signed_in(app, couple.counselor)
    path = f"/counselor/series/{series_id}/schedule"
    form = client.get(path).get_data(as_text=True)
    assert 'value="2027-03-10"' in form and "the last one given was due Wednesday 3 March" in form

    def change(next_due, interval="2", until="2027-04-30"):
        return client.post(path, data={"csrf_token": csrf_token(client), "next_due": next_due,
                                       "interval_weeks": interval, "until": until})

    before_the_last = change("2027-03-02")
    assert before_the_last.status_code == 422
    assert "Choose a next due date after Wednesday 3 March, the last one given." in before_the_last.get_data(as_text=True)
    too_early = change("2027-03-12", until="2027-03-05").get_data(as_text=True)
    until_field = too_early[too_early.index('for="until"'):]
    assert "“Until” is before the next due date (12 March)" in until_field  # beside "Until", not another field
    assert change("2027-03-12").status_code == 302  # Fridays, every other week, until the end of April
    page = client.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "every 2 weeks on Fridays, until 30 Apr 2027" in page and "Next due 12 Mar" in page
    for day in range(60):
        series.create_due_instances(utc(3, 1) + timedelta(days=day))
        if day == 20:  # 12 and 26 March given: the page names the last one given, as it was given
            assert "the last one given was due Friday 26 March" in client.get(path).get_data(as_text=True)
    assert [(a.period, a.due_date) for a in instances(series_id)] == [
        (0, date(2027, 3, 3)), (1, date(2027, 3, 12)), (2, date(2027, 3, 26)), (3, date(2027, 4, 9)),
        (4, date(2027, 4, 23))]
    other = signed_in(app, factory.counselor())
    assert other.get(path).status_code == 404
    assert other.post(path, data={"csrf_token": csrf_token(other), "next_due": "2027-03-12",
                                  "interval_weeks": "1"}).status_code == 404


def test_the_assign_form_repeats_the_weekly_check_in_by_default_and_other_exercises_once(app, factory, clock):
    couple = factory.couple()
    client = signed_in(app, couple.counselor)
    path = f"/counselor/couples/{couple.id}"
    for slug in ("weekly-trust-check-in", "empathy-exchange"):
        response = client.post(f"{path}/assign", data={
            "csrf_token": csrf_token(client), "worksheet": worksheets.version_by_slug(slug).id,
            "assignee": "both", "due_date": "2027-03-05", "repeat": "suggested", "repeat_weekday": ""})
        assert response.status_code == 302, response.get_data(as_text=True)
    made = db_session.scalars(select(AssignmentSeries)).all()
    assert len(made) == 1 and made[0].interval_weeks == 1 and made[0].first_due == date(2027, 3, 5)
    response = client.post(f"{path}/assign", data={
        "csrf_token": csrf_token(client), "worksheet": worksheets.version_by_slug("empathy-exchange").id,
        "assignee": "both", "due_date": "2027-03-05", "repeat": "2", "repeat_weekday": "0",
        "repeat_until": "2027-03-01"})
    assert response.status_code == 422 and "“Until” is before the first due date" in response.get_data(as_text=True)


def test_a_private_check_in_repeats_as_one_series_per_partner(app, factory, clock):
    couple = factory.couple()
    version = worksheets.version_by_slug("safety-check-in")
    result = series.assign_repeating(couple.counselor, couple.id, version.id, Recurrence(), due_date=date(2027, 3, 3))
    assert sorted(a.assignee_id for a in result.assignments) == sorted([couple.partner_a_id, couple.partner_b_id])
    assert len({a.series_id for a in result.assignments}) == 2
