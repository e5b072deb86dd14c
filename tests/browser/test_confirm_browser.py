"""A question answered "Cancel" does nothing. Every data-confirm button (archive a couple, cancel
homework, release answers, turn alerts off) asks before it acts; the page's check that the session
is still alive must never send what was refused."""
from sqlalchemy import select

from support import browser_sign_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Assignment, Couple


def _status(model, row_id):
    db_session.expire_all()
    return db_session.scalar(select(model.status).where(model.id == row_id))


def test_cancel_on_a_confirm_question_leaves_everything_as_it_was(app, factory, new_page):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    counselor = new_page(phone=False)
    browser_sign_in(counselor, couple.counselor.email)
    counselor.goto(f"/counselor/couples/{couple.id}")
    asked = []
    counselor.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    posts = []
    counselor.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    counselor.get_by_role("button", name="Archive (end of care)").click()
    counselor.wait_for_timeout(1500)  # the session check answers in milliseconds; a re-sent form would be here
    counselor.get_by_role("button", name="Cancel").first.click()
    counselor.wait_for_timeout(1500)

    assert len(asked) == 2 and asked[0].startswith("Archive") and asked[1].startswith("Cancel this homework")
    assert posts == []
    assert _status(Couple, couple.id) == "active" and _status(Assignment, assignment.id) == "open"
    assert counselor.get_by_role("button", name="Archive (end of care)").is_enabled()
