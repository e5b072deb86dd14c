"""Steps of the session loop, as the browser would post them without JavaScript."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from support import csrf_token
from therapist_app.extensions import session as db_session
from therapist_app.models import Appointment
from therapist_app.timezones import zone


def schedule(client, couple, when_local: datetime, minutes=50, mode="in_person", link="", follow=False):
    """Posts the schedule form; `when_local` is a naive wall-clock time in the counselor's zone."""
    path = f"/counselor/couples/{couple.id}/sessions/new"
    return client.post(path, data={
        "csrf_token": csrf_token(client), "day": when_local.strftime("%Y-%m-%d"),
        "start_time": when_local.strftime("%H:%M"), "duration_minutes": str(minutes), "mode": mode,
        "video_link": link}, follow_redirects=follow)


# Offsets from -10 to +12 or +13 hours, none more than 5.5 h from the next: at any moment, in one of
# them it is between 06:00 and 21:00.
_AROUND_THE_WORLD = ("Pacific/Honolulu", "America/Los_Angeles", "America/New_York", "Europe/London",
                     "Asia/Kolkata", "Asia/Tokyo", "Pacific/Auckland")


def in_daytime(counselor) -> None:
    """Moves the counselor to a zone where it is day now, so that a session a couple of hours ahead is
    still today there (one on a later day can't be marked held), whatever time the tests run."""
    counselor.timezone = next(name for name in _AROUND_THE_WORLD
                              if 6 <= datetime.now(timezone.utc).astimezone(zone(name)).hour < 21)
    db_session.commit()


def local_now(counselor, days=0, hours=0) -> datetime:
    """A wall-clock time in the counselor's zone, rounded to the minute. The hours are added before the
    change to local time, so the result is always a time the zone has (wall-clock arithmetic across
    a spring clock change can land in the skipped hour, which the schedule form rightly refuses)."""
    moment = (datetime.now(timezone.utc) + timedelta(days=days, hours=hours)).astimezone(zone(counselor.timezone))
    return moment.replace(second=0, microsecond=0, tzinfo=None)


def fill_schedule_form(desk, couple, hours: int) -> None:
    """In the counselor's browser: the couple's page, "Schedule a session", and its date and time set
    `hours` from now (the counselor's own zone); the rest of the form is left to the caller."""
    desk.goto(f"/counselor/couples/{couple.id}")
    desk.get_by_role("link", name="Schedule a session").click()
    when = local_now(couple.counselor, hours=hours)
    desk.get_by_label("Date").fill(when.strftime("%Y-%m-%d"))
    desk.get_by_label("Start time").fill(when.strftime("%H:%M"))


def latest_appointment(couple) -> Appointment:
    db_session.expire_all()
    return db_session.scalar(select(Appointment).where(Appointment.couple_id == couple.id)
                             .order_by(Appointment.id.desc()))


def add_session(client, couple, days=0, hours=0, **kw) -> Appointment:
    response = schedule(client, couple, local_now(couple.counselor, days, hours), **kw)
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return latest_appointment(couple)


def post_confirm(client, path):
    return client.post(path, data={"csrf_token": csrf_token(client)})


def add_topic(client, text, visibility="counselor"):
    return client.post("/my/topics", data={"csrf_token": csrf_token(client), "text": text,
                                           "visibility": visibility})


def without_tokens(html: str) -> str:
    html = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "csrf", html)
    html = re.sub(r'value="[^"]*"[^>]*name="csrf_token"', "csrf", html)
    return re.sub(r'data-csrf="[^"]*"', "csrf", html)
