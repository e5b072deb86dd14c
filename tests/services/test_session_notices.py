"""A session booked ahead that moves or is called off: the couple is told, in a neutral email, and a
reminder queued for the old time is taken back (services/session_notices.py)."""
from sqlalchemy import select

from sessions_support import add_session, local_now, post_confirm, schedule
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.mail import messages
from therapist_app.mail.outbox import enqueue
from therapist_app.models import Appointment, OutboxMessage
from therapist_app.models.outbox import OUTBOX_PENDING, OUTBOX_SENT, OUTBOX_WITHDRAWN
from therapist_app.timezones import format_local, to_local


def _move(client, appointment, when_local, follow=False):
    return client.post(f"/counselor/sessions/{appointment.id}/edit", data={
        "csrf_token": csrf_token(client), "day": when_local.strftime("%Y-%m-%d"),
        "start_time": when_local.strftime("%H:%M"), "duration_minutes": "50", "mode": "in_person",
        "video_link": ""}, follow_redirects=follow)


def _heard_of(appointment) -> None:
    """The email about the booking went out (the outbox ran): later changes are told as changes."""
    for mail in _mail(f"session-booked:{appointment.id}:"):
        mail.status = OUTBOX_SENT
    db_session.commit()


def _tomorrow_with_its_reminder_queued(counselor, couple):
    """A session tomorrow that the couple has heard of, and partner A's day-before reminder queued for
    it, as the reminder job queues it: (the session, the reminder's key)."""
    booked = add_session(counselor, couple, days=1)
    _heard_of(booked)
    key = f"session:{booked.id}:{couple.partner_a_id}:{int(booked.starts_at.timestamp())}"
    enqueue(couple.partner_a, key, messages.appointment_soon("Robin", "the time", "link", "off"))
    db_session.commit()
    return booked, key


def _mail(prefix: str) -> list[OutboxMessage]:
    db_session.expire_all()
    return db_session.scalars(select(OutboxMessage).where(OutboxMessage.unique_key.startswith(prefix))
                              .order_by(OutboxMessage.id)).all()


def test_moving_a_session_ahead_tells_both_partners_the_new_time_and_takes_back_the_old_reminder(app, factory):
    couple = factory.couple(counselor=factory.counselor(factory.practice(name="Couples Counseling After Infidelity")))
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=3)
    _heard_of(booked)
    for partner in couple.partners:  # the day-before reminder, queued for the old time
        enqueue(partner, f"session:{booked.id}:{partner.id}:{int(booked.starts_at.timestamp())}",
                messages.appointment_soon(partner.display_name, "the old time", "link", "off"))
    db_session.commit()
    page = _move(counselor, booked, local_now(couple.counselor, days=4), follow=True).get_data(as_text=True)
    assert "Both partners were emailed about it" in page
    moved = db_session.get(Appointment, booked.id)
    told = _mail("session-moved:")
    assert sorted(m.user_id for m in told) == sorted(p.id for p in couple.partners)
    for mail in told:
        partner = next(p for p in couple.partners if p.id == mail.user_id)
        assert format_local(moved.starts_at, partner.timezone) in mail.body
        assert "Infidelity" not in mail.subject + mail.body and mail.subject == "Your appointment has changed"
    assert {m.status for m in _mail(f"session:{booked.id}:")} == {OUTBOX_WITHDRAWN}


def test_cancelling_a_session_ahead_tells_the_couple_and_a_partner_without_email_is_left_alone(app, factory):
    couple = factory.couple()
    couple.partner_b.email_reminders = False
    db_session.commit()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=2)
    _heard_of(booked)
    post_confirm(counselor, f"/counselor/sessions/{booked.id}/cancelled")
    told = _mail("session-cancelled:")
    assert [m.user_id for m in told] == [couple.partner_a_id] and told[0].status == OUTBOX_PENDING
    assert "has been cancelled" in told[0].body


def test_correcting_a_past_session_tells_the_couple_nothing(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    past = add_session(counselor, couple, days=-3)
    assert _move(counselor, past, local_now(couple.counselor, days=-4)).status_code == 302
    post_confirm(counselor, f"/counselor/sessions/{past.id}/cancelled")
    assert _mail("session-moved:") == [] and _mail("session-cancelled:") == []


def test_after_moves_back_and_forth_only_the_last_time_is_told(app, factory):
    """Moved there and back again, the last move matched an earlier email's key and was never sent,
    while the counselor read "Both partners were emailed"; and an earlier move's email still went out."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=3)
    _heard_of(booked)
    for days in (4, 3, 4):
        page = _move(counselor, booked, local_now(couple.counselor, days=days), follow=True).get_data(as_text=True)
        assert "Both partners were emailed about it" in page
    moved = db_session.get(Appointment, booked.id)
    waiting = [m for m in _mail("session-moved:") if m.status == OUTBOX_PENDING]
    assert sorted(m.user_id for m in waiting) == sorted(p.id for p in couple.partners)
    for mail in waiting:
        partner = next(p for p in couple.partners if p.id == mail.user_id)
        assert format_local(moved.starts_at, partner.timezone) in mail.body


def _edit(client, appointment, **changes):
    """Posts the session's own time with these changes (mode, video_link, duration_minutes)."""
    when = local_now_of(appointment)
    data = {"csrf_token": csrf_token(client), "day": when.strftime("%Y-%m-%d"), "start_time": when.strftime("%H:%M"),
            "duration_minutes": "50", "mode": "in_person", "video_link": "", **changes}
    return client.post(f"/counselor/sessions/{appointment.id}/edit", data=data, follow_redirects=True)


def local_now_of(appointment):
    return to_local(appointment.starts_at, appointment.couple.counselor.timezone)


def test_a_session_ahead_moved_to_video_tells_the_couple_how_they_will_meet_and_keeps_the_reminder(app, factory):
    """Changed from in person to video at the same time, the couple was told nothing: they could have
    driven to the office. Told now, without the link itself; the day-before reminder still holds."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=3)
    _heard_of(booked)
    for partner in couple.partners:
        enqueue(partner, f"session:{booked.id}:{partner.id}:{int(booked.starts_at.timestamp())}",
                messages.appointment_soon(partner.display_name, "the time", "link", "off"))
    db_session.commit()
    link = "https://video.example.org/room-4471"
    page = _edit(counselor, booked, mode="video", video_link=link).get_data(as_text=True)
    assert "Both partners were emailed about it" in page
    told = _mail("session-changed:")
    assert sorted(m.user_id for m in told) == sorted(p.id for p in couple.partners)
    assert all("It will be by video (the link is in your portal), for 50 minutes." in m.body and link not in m.body
               for m in told)
    assert {m.status for m in _mail(f"session:{booked.id}:")} == {OUTBOX_PENDING}
    assert _mail("session-moved:") == []
    # Then a longer session, before the first word went: only the latest waits to go, and it still says
    # video (it said only "80 minutes", and the couple never heard of video).
    _edit(counselor, booked, mode="video", video_link=link, duration_minutes="80")
    waiting = [m for m in _mail("session-changed:") if m.status == OUTBOX_PENDING]
    assert len(waiting) == 2 and all("by video (the link is in your portal), for 80 minutes" in m.body for m in waiting)


def test_moved_and_turned_to_video_in_one_save_the_email_says_both(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=3)
    _heard_of(booked)
    was = db_session.get(Appointment, booked.id).starts_at
    when = local_now(couple.counselor, days=4)
    counselor.post(f"/counselor/sessions/{booked.id}/edit", data={
        "csrf_token": csrf_token(counselor), "day": when.strftime("%Y-%m-%d"), "start_time": when.strftime("%H:%M"),
        "duration_minutes": "50", "mode": "video", "video_link": "https://video.example.org/r"})
    for mail in _mail("session-moved:"):
        partner = next(p for p in couple.partners if p.id == mail.user_id)
        assert f"Your appointment on {format_local(was, partner.timezone)} has moved to" in mail.body
        assert "by video" in mail.body and "https://video.example.org" not in mail.body


def test_a_cancellation_names_the_next_session_when_one_is_booked(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=2)
    _heard_of(booked)
    later = add_session(counselor, couple, days=9)
    _heard_of(later)
    post_confirm(counselor, f"/counselor/sessions/{booked.id}/cancelled")
    for mail in _mail("session-cancelled:"):
        partner = next(p for p in couple.partners if p.id == mail.user_id)
        assert (f"Your next appointment is on {format_local(later.starts_at, partner.timezone)}. "
                "It will be in person, for 50 minutes.") in mail.body
        assert "will arrange the next one" not in mail.body


def test_a_session_cancelled_then_put_back_before_the_email_went_takes_the_email_back(app, factory):
    """Cancelled by mistake and put back at once, the couple still got "has been cancelled" for a
    session that was going ahead, and its day-before reminder could never be queued again."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked, reminder_key = _tomorrow_with_its_reminder_queued(counselor, couple)
    post_confirm(counselor, f"/counselor/sessions/{booked.id}/cancelled")
    assert "Both partners were emailed" in counselor.get(f"/counselor/sessions/{booked.id}").get_data(as_text=True)
    page = counselor.post(f"/counselor/sessions/{booked.id}/scheduled", data={"csrf_token": csrf_token(counselor)},
                          follow_redirects=True).get_data(as_text=True)
    assert "emailed" not in page
    assert {m.status for m in _mail("session-cancelled:")} == {OUTBOX_WITHDRAWN}
    assert _mail("session-restored:") == []
    assert enqueue(couple.partner_a, reminder_key, messages.appointment_soon("Robin", "t", "l", "off")) is not None


def test_a_session_put_back_after_its_cancellation_went_out_is_told_to_go_ahead(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=2)
    _heard_of(booked)
    post_confirm(counselor, f"/counselor/sessions/{booked.id}/cancelled")
    for mail in _mail("session-cancelled:"):
        mail.status = OUTBOX_SENT
    db_session.commit()
    page = counselor.post(f"/counselor/sessions/{booked.id}/scheduled", data={"csrf_token": csrf_token(counselor)},
                          follow_redirects=True).get_data(as_text=True)
    assert "Both partners were emailed about it" in page
    told = _mail("session-restored:")
    assert sorted(m.user_id for m in told) == sorted(p.id for p in couple.partners)
    assert all("is going ahead after all" in m.body for m in told)


def test_saving_a_session_unchanged_says_so_and_emails_no_one(app, factory):
    """Saved as it was, the page said "The session was changed."."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=3)
    _heard_of(booked)
    counselor.get(f"/counselor/sessions/{booked.id}")  # the booking's own message, read
    page = _edit(counselor, booked).get_data(as_text=True)
    assert "Nothing was changed." in page and "The session was changed." not in page
    assert "emailed" not in page and [m.unique_key.split(":")[0] for m in _mail("session-")] == ["session-booked"] * 2


def test_booking_a_session_ahead_tells_the_couple_when_and_how_it_is_held(app, factory):
    """A couple first heard of a session when it moved or was cancelled: "your appointment has moved"
    about one they had never been told of."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    page = schedule(counselor, couple, local_now(couple.counselor, days=5), mode="video",
                    link="https://video.example.org/room-9", follow=True).get_data(as_text=True)
    assert "Both partners were emailed about it" in page
    booked = db_session.scalar(select(Appointment).where(Appointment.couple_id == couple.id))
    told = _mail("session-booked:")
    assert sorted(m.user_id for m in told) == sorted(p.id for p in couple.partners)
    for mail in told:
        partner = next(p for p in couple.partners if p.id == mail.user_id)
        assert f"You have an appointment on {format_local(booked.starts_at, partner.timezone)}." in mail.body
        assert "by video (the link is in your portal)" in mail.body and "room-9" not in mail.body
    past = schedule(counselor, couple, local_now(couple.counselor, days=-2), follow=True).get_data(as_text=True)
    assert "emailed" not in past and len(_mail("session-booked:")) == 2  # recording one held: nobody told


def test_changed_or_cancelled_before_word_of_the_booking_went_the_couple_hears_only_what_holds(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=3)
    _move(counselor, booked, local_now(couple.counselor, days=4))
    assert _mail("session-moved:") == []  # never heard of the first time: told the booking, at the new one
    waiting = [m for m in _mail("session-booked:") if m.status == OUTBOX_PENDING]
    moved = db_session.get(Appointment, booked.id)
    assert len(waiting) == 2
    for mail in waiting:
        partner = next(p for p in couple.partners if p.id == mail.user_id)
        assert f"You have an appointment on {format_local(moved.starts_at, partner.timezone)}." in mail.body
    post_confirm(counselor, f"/counselor/sessions/{booked.id}/cancelled")
    assert _mail("session-cancelled:") == []
    assert {m.status for m in _mail("session-booked:")} == {OUTBOX_WITHDRAWN}
    # Put back on: the booking, never sent, is told again.
    counselor.post(f"/counselor/sessions/{booked.id}/scheduled", data={"csrf_token": csrf_token(counselor)})
    assert len([m for m in _mail("session-booked:") if m.status == OUTBOX_PENDING]) == 2


def test_moved_away_and_back_its_day_before_reminder_may_go_again(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked, key = _tomorrow_with_its_reminder_queued(counselor, couple)
    there = local_now(couple.counselor, days=2)
    back = to_local(booked.starts_at, couple.counselor.timezone)
    _move(counselor, booked, there)
    assert {m.status for m in _mail(f"session:{booked.id}:")} == {OUTBOX_WITHDRAWN}
    _move(counselor, booked, back)
    assert enqueue(couple.partner_a, key, messages.appointment_soon("Robin", "t", "l", "off")) is not None


def test_a_partners_portal_shows_the_sessions_booked_after_the_next_with_their_video_links(app, factory):
    """An email said "by video (the link is in your portal)" of a session after the next one, and the
    portal showed only the next: the later session and its link were nowhere."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    add_session(counselor, couple, days=2)
    later = schedule(counselor, couple, local_now(couple.counselor, days=9), mode="video",
                     link="https://video.example.org/later-room")
    assert later.status_code == 302
    page = " ".join(signed_in(app, couple.partner_a).get("/my/").get_data(as_text=True).split())
    booked = db_session.scalars(select(Appointment).where(Appointment.couple_id == couple.id)
                                .order_by(Appointment.starts_at)).all()
    also = page[page.index("Also booked"):]
    assert format_local(booked[1].starts_at, couple.partner_a.timezone) in also
    assert 'href="https://video.example.org/later-room"' in also
