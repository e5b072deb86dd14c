"""Sessions: scheduling in the counselor's time zone, warnings, numbering, held/missed, notes, time zones."""
import re
from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import select, text

from sessions_support import add_session, latest_appointment, local_now, post_confirm, schedule
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Practice, SessionSummary
from therapist_app.services.timeline import RECENT_EVENTS


def _in_zone(factory, zone_name):
    couple = factory.couple()
    couple.counselor.timezone = zone_name
    db_session.commit()
    return couple


def test_a_session_is_scheduled_in_the_counselors_zone_and_stored_as_utc(app, factory):
    couple = _in_zone(factory, "America/Chicago")
    counselor = signed_in(app, couple.counselor)
    response = schedule(counselor, couple, datetime(2099, 7, 1, 14, 30), minutes=60, mode="video",
                        link="https://video.example/room-1", follow=True)
    page = response.get_data(as_text=True)
    assert "The session is scheduled." in page and "Session 1" in page
    appointment = latest_appointment(couple)
    assert appointment.starts_at == datetime(2099, 7, 1, 19, 30, tzinfo=timezone.utc)  # CDT is UTC-5
    assert appointment.duration_minutes == 60 and appointment.video_link == "https://video.example/room-1"
    assert "Wednesday 1 July 2099, 14:30 (America/Chicago)" in page


def test_a_partner_sees_the_next_session_in_their_own_time_zone(app, factory):
    couple = _in_zone(factory, "America/New_York")
    couple.partner_a.timezone = "Europe/London"
    db_session.commit()
    schedule(signed_in(app, couple.counselor), couple, datetime(2099, 1, 5, 9, 0))
    page = signed_in(app, couple.partner_a).get("/my/").get_data(as_text=True)
    assert "Monday 5 January 2099, 14:00 (Europe/London)" in page and "Add to calendar" in page


def test_a_past_session_is_kept_with_a_warning_and_an_overlap_warns(app, factory):
    couple = factory.couple()
    other = factory.couple(counselor=couple.counselor)
    counselor = signed_in(app, couple.counselor)
    page = schedule(counselor, couple, local_now(couple.counselor, days=-3), follow=True).get_data(as_text=True)
    assert "This session is in the past" in page and latest_appointment(couple) is not None
    schedule(counselor, couple, datetime(2099, 3, 3, 10, 0))
    page = schedule(counselor, other, datetime(2099, 3, 3, 10, 30), follow=True).get_data(as_text=True)
    assert "This overlaps another of your sessions" in page
    # back to back is not an overlap: 10:30 + 50 minutes ends at 11:20
    assert "overlaps" not in schedule(counselor, other, datetime(2099, 3, 3, 11, 20), follow=True).get_data(as_text=True)


def test_bad_session_input_is_refused_next_to_the_field_and_changes_nothing(app, factory):
    couple = _in_zone(factory, "America/New_York")
    counselor = signed_in(app, couple.counselor)
    cases = [
        ({"minutes": 5}, "between 10 and 480 minutes"),
        ({"mode": "video", "link": ""}, "A video session needs the link"),
        ({"mode": "video", "link": "javascript:alert(1)"}, "starting with https://"),
    ]
    for kwargs, message in cases:
        response = schedule(counselor, couple, datetime(2099, 5, 5, 10, 0), **kwargs)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    # 02:30 on the spring-forward Sunday does not exist in New York
    response = schedule(counselor, couple, datetime(2099, 3, 8, 2, 30))
    assert response.status_code == 422 and "does not exist on that day" in response.get_data(as_text=True)
    assert latest_appointment(couple) is None


def test_sessions_are_numbered_per_couple_and_a_cancelled_one_does_not_count(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    first = add_session(counselor, couple, days=-14)
    second = add_session(counselor, couple, days=-7)
    third = add_session(counselor, couple, days=7)
    post_confirm(counselor, f"/counselor/sessions/{second.id}/cancelled")
    assert "Session 1" in counselor.get(f"/counselor/sessions/{first.id}").get_data(as_text=True)
    assert "Cancelled session" in counselor.get(f"/counselor/sessions/{second.id}").get_data(as_text=True)
    assert "Session 2" in counselor.get(f"/counselor/sessions/{third.id}").get_data(as_text=True)
    # another couple starts at 1
    other = factory.couple(counselor=couple.counselor)
    assert "Session 1" in counselor.get(f"/counselor/sessions/{add_session(counselor, other, days=9).id}").get_data(as_text=True)


def test_held_and_missed_and_a_cancelled_session_cannot_be_held(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, days=-1)
    page = f"/counselor/sessions/{appointment.id}"
    post_confirm(counselor, f"{page}/held")
    assert latest_appointment(couple).status == "held"
    post_confirm(counselor, f"{page}/missed")
    assert latest_appointment(couple).status == "missed"
    post_confirm(counselor, f"{page}/cancelled")
    response = post_confirm(counselor, f"{page}/held")
    assert "was cancelled" in counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert latest_appointment(couple).status == "cancelled"


def test_a_session_on_a_later_day_cannot_be_marked_held_and_one_later_today_is_warned_about(app, factory):
    """Marked held before it happened, a session could have its summary sent to the couple first."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    tomorrow_noon = local_now(couple.counselor, days=1).replace(hour=12, minute=0)
    assert schedule(counselor, couple, tomorrow_noon).status_code == 302
    tomorrow = latest_appointment(couple)
    response = post_confirm(counselor, f"/counselor/sessions/{tomorrow.id}/held")
    page = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "It can be marked once its day has come" in page
    assert latest_appointment(couple).status == "scheduled"
    with time_machine.travel(tomorrow.starts_at - timedelta(minutes=1)):  # that day, a minute before
        counselor = signed_in(app, couple.counselor)
        response = post_confirm(counselor, f"/counselor/sessions/{tomorrow.id}/held")
        assert "still to come" in counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert latest_appointment(couple).status == "held"
    # Moved to a later day, a session marked held is scheduled again, and its summary can't go out.
    next_week = local_now(couple.counselor, days=8).replace(hour=12, minute=0)
    counselor = signed_in(app, couple.counselor)
    moved = counselor.post(f"/counselor/sessions/{tomorrow.id}/edit", data={
        "csrf_token": csrf_token(counselor), "day": next_week.strftime("%Y-%m-%d"),
        "start_time": next_week.strftime("%H:%M"), "duration_minutes": "50", "mode": "in_person"})
    assert "scheduled again" in counselor.get(moved.headers["Location"]).get_data(as_text=True)
    assert latest_appointment(couple).status == "scheduled"
    counselor.post(f"/counselor/sessions/{tomorrow.id}/summary",
                   data={"csrf_token": csrf_token(counselor), "worked_on": "Written early"})
    refused = post_confirm(counselor, f"/counselor/sessions/{tomorrow.id}/summary/publish")
    assert "hasn't taken place yet" in counselor.get(refused.headers["Location"]).get_data(as_text=True).replace(
        "&#39;", "'")
    assert db_session.scalar(select(SessionSummary.published_at)) is None


def test_rescheduling_moves_the_session(app, factory):
    couple = _in_zone(factory, "Europe/Paris")
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, days=3)
    page = f"/counselor/sessions/{appointment.id}"
    response = counselor.post(f"{page}/edit", data={"csrf_token": csrf_token(counselor), "day": "2099-02-02",
                                                    "start_time": "08:15", "duration_minutes": "90", "mode": "in_person"})
    assert response.status_code == 302
    moved = latest_appointment(couple)
    assert moved.starts_at == datetime(2099, 2, 2, 7, 15, tzinfo=timezone.utc) and moved.duration_minutes == 90


def test_session_notes_are_encrypted_and_never_reach_a_partner(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, days=2)
    page = f"/counselor/sessions/{appointment.id}"
    counselor.post(f"{page}/notes", data={"csrf_token": csrf_token(counselor), "worked_on": "NOTE-MARK-1",
                                          "observations": "NOTE-MARK-2", "plan": "NOTE-MARK-3"})
    assert "NOTE-MARK-2" in counselor.get(page).get_data(as_text=True)
    with app.extensions["sqlalchemy"].engine.connect() as connection:
        dump = str(connection.execute(text("SELECT * FROM ta_appointment")).all())
    assert "NOTE-MARK" not in dump and "k1$" in dump
    partner = signed_in(app, couple.partner_a)
    for path in ("/my/", "/my/summaries", "/my/topics"):
        assert "NOTE-MARK" not in partner.get(path).get_data(as_text=True)
    assert partner.get(page).status_code == 404


def test_a_time_zone_that_does_not_exist_is_refused(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    response = counselor.post("/counselor/settings", data={"csrf_token": csrf_token(counselor),
                                                           "timezone": "Mars/Olympus_Mons"})
    assert response.status_code == 422 and "Please choose a time zone from the list." in response.get_data(as_text=True)
    db_session.expire_all()
    before = couple.counselor.timezone
    assert before != "Mars/Olympus_Mons"
    ok = counselor.post("/counselor/settings", data={"csrf_token": csrf_token(counselor),
                                                     "timezone": "Asia/Tokyo"})
    assert ok.status_code == 302
    db_session.expire_all()
    assert couple.counselor.timezone == "Asia/Tokyo"


def test_a_us_practice_does_not_default_to_utc_and_the_admin_chooses_the_default(app, factory):
    practice = factory.practice(country="US")
    assert practice.default_timezone == "America/New_York"
    counselor = factory.counselor(practice)
    assert counselor.timezone == "America/New_York"
    couple = factory.couple(counselor=counselor)
    assert couple.partner_a.timezone == "America/New_York"
    admin = signed_in(app, factory.admin(practice))
    form = {"csrf_token": csrf_token(admin), "name": practice.name, "country": "US",
            "paper_size": "Letter", "footer_note": ""}
    bad = admin.post("/admin/practice", data={**form, "default_timezone": "Nowhere/Atlantis"})
    assert bad.status_code == 200 and "Please choose a time zone from the list." in bad.get_data(as_text=True)
    assert admin.post("/admin/practice", data={**form, "default_timezone": "America/Denver"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(Practice, practice.id).default_timezone == "America/Denver"
    assert factory.counselor(practice).timezone == "America/Denver"
    assert factory.practice(country="GB").default_timezone == "Europe/London"


def test_the_couple_page_lists_sessions_and_a_timeline_newest_first(app, factory):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange")
    counselor = signed_in(app, couple.counselor)
    add_session(counselor, couple, days=-2)
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "Schedule a session" in page and "Session 1" in page
    timeline = page[page.index('id="timeline-heading"'):]
    assert timeline.index("Assigned “") < timeline.index("Session 1: scheduled")  # assigned today, session 2 days ago


def _timeline_items(page: str) -> list[str]:
    timeline = page[page.index('id="timeline-heading"'):]
    return re.findall(r"<li class=\"event-[a-z]+\">", timeline[:timeline.index("</section>")])


def test_the_timeline_shows_the_latest_events_and_the_whole_of_it_one_link_away(app, factory):
    """A couple in care for months has hundreds of events (each exercise assigned, submitted, reviewed,
    revealed); the couple page showed every one of them above the fold of nothing else."""
    couple = factory.couple()
    for _ in range(RECENT_EVENTS + 3):
        factory.assign(couple, "weekly-trust-check-in")
    counselor = signed_in(app, couple.counselor)
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert len(_timeline_items(page)) == RECENT_EVENTS
    assert f"Show the whole timeline ({RECENT_EVENTS + 3} events)" in " ".join(page.split())
    whole = counselor.get(f"/counselor/couples/{couple.id}?timeline=all").get_data(as_text=True)
    assert len(_timeline_items(whole)) == RECENT_EVENTS + 3 and "Show only the latest" in whole


def test_a_partner_portal_shows_a_gentle_line_without_a_session(app, factory):
    couple = factory.couple()
    page = signed_in(app, couple.partner_b).get("/my/").get_data(as_text=True)
    assert "No session is scheduled yet" in page
