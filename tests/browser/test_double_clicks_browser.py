"""A double click, or a second press while the first is on its way, sends a form once (app.js): found
scheduling two sessions, assigning homework twice (with its emails) and adding a topic twice."""
from sqlalchemy import func, select

from sessions_support import fill_schedule_form
from support import browser_sign_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Appointment, SessionTopic


def _count(model, **where):
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_double_clicking_schedule_and_add_topic_sends_each_once(app, factory, new_page):
    couple = factory.couple()
    desk = new_page(phone=False)
    browser_sign_in(desk, couple.counselor.email)
    fill_schedule_form(desk, couple, hours=26)
    desk.get_by_role("button", name="Schedule").dblclick()
    desk.get_by_text("The session is scheduled.").wait_for()
    desk.wait_for_timeout(500)  # a second post, if one went, has landed
    assert _count(Appointment, couple_id=couple.id) == 1
    assert "overlaps" not in desk.content()

    phone = new_page()
    browser_sign_in(phone, couple.partner_a.email)
    phone.get_by_label("Something I want to talk about next time").fill("How we talk about the weekend")
    phone.get_by_role("button", name="Add", exact=True).dblclick()
    phone.get_by_text("Added. Your counselor will see it").wait_for()
    phone.wait_for_timeout(500)
    assert _count(SessionTopic) == 1
