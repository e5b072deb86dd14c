"""Calendars: the counselor's feed behind a rotatable secret, and a partner's neutral next-session file."""
import re

from icalendar import Calendar
from sqlalchemy import text

from sessions_support import add_session, post_confirm
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session

HEALTH_WORDS = ("therap", "counsel", "couple", "infidel", "affair", "session", "homework", "health")


def _feed_link(client):
    page = post_confirm(client, "/counselor/settings/calendar/rotate").get_data(as_text=True)
    return re.search(r'id="feed-link">([^<]+)<', page).group(1).replace("http://localhost", "")


def test_the_counselor_feed_lists_sessions_without_names_until_turned_on(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    add_session(counselor, couple, days=2, mode="video", link="https://video.example/r")
    link = _feed_link(counselor)
    anonymous = app.test_client()
    response = anonymous.get(link)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Appointment"]
    assert couple.partner_a.display_name not in response.get_data(as_text=True)
    counselor.post("/counselor/settings/calendar", data={"csrf_token": csrf_token(counselor),
                                                         "show_names": "y"})
    named = anonymous.get(link).get_data(as_text=True)
    assert couple.partner_a.display_name in named


def test_a_wrong_or_rotated_token_is_a_plain_404_with_no_hint(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    old = _feed_link(counselor)
    new = _feed_link(counselor)
    anonymous = app.test_client()
    assert anonymous.get(new).status_code == 200
    rotated = anonymous.get(old)
    made_up = anonymous.get("/counselor/calendar/" + "x" * 43 + ".ics")
    assert rotated.status_code == made_up.status_code == 404
    assert rotated.get_data() == made_up.get_data()
    with app.extensions["sqlalchemy"].engine.connect() as connection:
        stored = str(connection.execute(text("SELECT token_hash FROM ta_calendar_feed")).all())
    assert new.rsplit("/", 1)[1].removesuffix(".ics") not in stored


def test_a_partners_calendar_file_is_neutral_and_only_their_next_session(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    add_session(counselor, couple, days=-3)
    upcoming = add_session(counselor, couple, days=4, mode="video", link="https://video.example/room")
    partner = signed_in(app, couple.partner_a)
    response = partner.get("/my/sessions/next.ics")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["SUMMARY"]) == "Appointment"
    assert events[0].decoded("DTSTART") == upcoming.starts_at
    assert "https://video.example/room" in body
    for word in HEALTH_WORDS:
        assert word not in body.lower(), word
    for person in couple.partners:
        assert person.display_name not in body
    db_session.expire_all()


def test_without_a_next_session_the_calendar_file_is_not_found(app, factory):
    couple = factory.couple()
    assert signed_in(app, couple.partner_a).get("/my/sessions/next.ics").status_code == 404
