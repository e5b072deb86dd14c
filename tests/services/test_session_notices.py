"""A session booked ahead that moves or is called off: the couple is told, in a neutral email, and a
reminder queued for the old time is taken back (services/session_notices.py)."""
from sqlalchemy import select

from sessions_support import add_session, local_now, post_confirm
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.mail import messages
from therapist_app.mail.outbox import enqueue
from therapist_app.models import Appointment, OutboxMessage
from therapist_app.models.outbox import OUTBOX_PENDING, OUTBOX_WITHDRAWN
from therapist_app.timezones import format_local, to_local


def _move(client, appointment, when_local, follow=False):
    return client.post(f"/counselor/sessions/{appointment.id}/edit", data={
        "csrf_token": csrf_token(client), "day": when_local.strftime("%Y-%m-%d"),
        "start_time": when_local.strftime("%H:%M"), "duration_minutes": "50", "mode": "in_person",
        "video_link": ""}, follow_redirects=follow)


def _mail(prefix: str) -> list[OutboxMessage]:
    db_session.expire_all()
    return db_session.scalars(select(OutboxMessage).where(OutboxMessage.unique_key.startswith(prefix))
                              .order_by(OutboxMessage.id)).all()


def test_moving_a_session_ahead_tells_both_partners_the_new_time_and_takes_back_the_old_reminder(app, factory):
    couple = factory.couple(counselor=factory.counselor(factory.practice(name="Couples Counseling After Infidelity")))
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=3)
    for partner in couple.partners:  # the day-before reminder, queued for the old time
        enqueue(partner, f"session:{booked.id}:{partner.id}:{int(booked.starts_at.timestamp())}",
                messages.appointment_soon(partner.display_name, "the old time", "link", "off"))
    db_session.commit()
    page = _move(counselor, booked, local_now(couple.counselor, days=4), follow=True).get_data(as_text=True)
    assert "Both partners were emailed about the change" in page
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
    for days in (4, 3, 4):
        page = _move(counselor, booked, local_now(couple.counselor, days=days), follow=True).get_data(as_text=True)
        assert "Both partners were emailed about the change" in page
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
    for partner in couple.partners:
        enqueue(partner, f"session:{booked.id}:{partner.id}:{int(booked.starts_at.timestamp())}",
                messages.appointment_soon(partner.display_name, "the time", "link", "off"))
    db_session.commit()
    link = "https://video.example.org/room-4471"
    page = _edit(counselor, booked, mode="video", video_link=link).get_data(as_text=True)
    assert "Both partners were emailed about the change" in page
    told = _mail("session-changed:")
    assert sorted(m.user_id for m in told) == sorted(p.id for p in couple.partners)
    assert all("it will now be by video" in m.body and link not in m.body for m in told)
    assert {m.status for m in _mail(f"session:{booked.id}:")} == {OUTBOX_PENDING}
    assert _mail("session-moved:") == []
    # A new link, then a longer session: only the latest word waits to go, and it names both.
    _edit(counselor, booked, mode="video", video_link=link + "-b")
    _edit(counselor, booked, mode="video", video_link=link + "-c", duration_minutes="80")
    waiting = [m for m in _mail("session-changed:") if m.status == OUTBOX_PENDING]
    assert len(waiting) == 2 and all("a new video link; it will now last 80 minutes" in m.body for m in waiting)


def test_saving_a_session_unchanged_emails_no_one(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=3)
    page = _edit(counselor, booked).get_data(as_text=True)
    assert "emailed" not in page and _mail("session-") == []
