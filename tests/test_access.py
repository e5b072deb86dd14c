"""Every page checks who may see that very object: other counselors and other couples get 404."""
import pytest
from sqlalchemy import select

from helpers import answer_everything, submit
from sessions_support import add_session, add_topic, post_confirm
from support import csrf_token, signed_in
from therapist_app.errors import NotFoundError
from therapist_app.extensions import session
from therapist_app.models import Assignment, Couple, SessionSummary, SessionTopic
from therapist_app.services import checkins, measures, reviews
from therapist_app.services.worksheets import version_by_slug


@pytest.fixture
def two_practices(app, factory):
    """Counselor 1 with couple 1 (one submitted exercise), and a stranger counselor with couple 2."""
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment, text="Private words")
    submit(partner, assignment.id)
    other_couple = factory.couple()
    return couple, assignment, other_couple


def test_another_counselor_gets_404_for_every_page_of_a_couple_not_theirs(app, factory, two_practices):
    couple, assignment, other_couple = two_practices
    stranger = signed_in(app, other_couple.counselor)
    for path in (f"/counselor/couples/{couple.id}", f"/counselor/assignments/{assignment.id}",
                 f"/counselor/couples/{couple.id}/prep.pdf"):
        response = stranger.get(path)
        assert response.status_code == 404, path
        assert "Private words" not in response.get_data(as_text=True)


def test_another_counselor_cannot_assign_pace_cancel_or_review_by_forged_posts(app, factory, two_practices):
    couple, assignment, other_couple = two_practices
    stranger = signed_in(app, other_couple.counselor)
    token = csrf_token(stranger)
    version = version_by_slug("empathy-exchange")
    for path, data in (
        (f"/counselor/couples/{couple.id}/assign", {"worksheet": version.id, "assignee": "both"}),
        (f"/counselor/couples/{couple.id}/pacing", {"stage": "3", "hurt_partner": "", "intimacy_unlocked": "y"}),
        (f"/counselor/assignments/{assignment.id}/cancel", {}),
        ("/counselor/responses/1/reviewed", {"comment": "x"}),
    ):
        response = stranger.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 404, path
    session.expire_all()
    assert couple.stage == 1 and not couple.intimacy_unlocked


def test_assigning_to_a_partner_of_another_couple_is_refused(app, factory, two_practices):
    couple, _, other_couple = two_practices
    counselor = signed_in(app, couple.counselor)
    response = counselor.post(f"/counselor/couples/{couple.id}/assign", data={
        "csrf_token": csrf_token(counselor),
        "worksheet": version_by_slug("empathy-exchange").id, "assignee": str(other_couple.partner_a_id)})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_a_partner_of_another_couple_sees_nothing_by_url_or_forged_post(app, factory, two_practices):
    couple, assignment, other_couple = two_practices
    outsider = signed_in(app, other_couple.partner_a)
    token = csrf_token(outsider)
    for path in (f"/my/homework/{assignment.id}", f"/my/homework/{assignment.id}/review"):
        response = outsider.get(path)
        assert response.status_code == 404 and "Private words" not in response.get_data(as_text=True)
    for path in (f"/my/homework/{assignment.id}?section=0", f"/my/homework/{assignment.id}/draft",
                 f"/my/homework/{assignment.id}/submit"):
        assert outsider.post(path, data={"csrf_token": token, "revision": "0"}).status_code == 404


def test_partners_never_reach_counselor_pages_and_counselors_never_reach_the_portal(app, two_practices):
    couple, assignment, _ = two_practices
    partner = signed_in(app, couple.partner_a)
    assert partner.get(f"/counselor/couples/{couple.id}").status_code == 404
    assert partner.get(f"/counselor/assignments/{assignment.id}").status_code == 404
    counselor = signed_in(app, couple.counselor)
    assert counselor.get("/my/").status_code == 404



def test_anonymous_visitors_are_sent_to_sign_in(client, two_practices):
    couple, assignment, _ = two_practices
    for path in ("/my/", f"/my/homework/{assignment.id}", "/counselor/", f"/counselor/couples/{couple.id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    json = client.post(f"/my/homework/{assignment.id}/draft", headers={"Accept": "application/json"})
    assert json.status_code in (400, 401)


def test_every_session_route_is_404_for_other_counselors_other_couples_partners_and_admins(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, hours=-1)
    page = f"/counselor/sessions/{appointment.id}"
    counselor.post(f"{page}/summary", data={"csrf_token": csrf_token(counselor), "worked_on": "Private words"})
    post_confirm(counselor, f"{page}/summary/publish")
    add_topic(signed_in(app, couple.partner_a), "Private words")
    summary_id = session.scalar(select(SessionSummary.id))
    topic_id = session.scalar(select(SessionTopic.id))

    counselor_gets = [f"/counselor/couples/{couple.id}/sessions/new", page, f"{page}/prep.pdf", f"{page}/summary",
                      f"{page}/summary/preview", f"{page}/summary/preview/{couple.partner_a_id}.pdf"]
    counselor_posts = [f"/counselor/couples/{couple.id}/sessions/new", f"{page}/edit", f"{page}/held", f"{page}/missed",
                       f"{page}/cancelled", f"{page}/scheduled", f"{page}/notes", f"{page}/summary",
                       f"{page}/summary/publish"]
    partner_gets = [f"/my/summaries/{summary_id}", f"/my/summaries/{summary_id}.pdf"]
    partner_posts = [f"/my/topics/{topic_id}/withdraw"]

    other_couple = factory.couple()
    admin = factory.admin(couple.counselor.practice)
    for outsider in (other_couple.counselor, other_couple.partner_a, admin, couple.partner_b):
        client = signed_in(app, outsider)
        token = csrf_token(client)
        gets = counselor_gets + ([] if outsider is couple.partner_b else partner_gets)
        posts = counselor_posts + partner_posts
        for path in gets:
            response = client.get(path)
            assert response.status_code == 404, (outsider, path)
            assert "Private words" not in response.get_data(as_text=True)
        for path in posts:
            assert client.post(path, data={"csrf_token": token, "day": "2099-01-01", "start_time": "10:00",
                                           "duration_minutes": "50", "mode": "in_person"}).status_code == 404, (outsider, path)
    for staff in (couple.counselor, admin):
        client = signed_in(app, staff)
        for path in ("/my/topics", "/my/summaries", "/my/sessions/next.ics"):
            assert client.get(path).status_code == 404
    assert signed_in(app, admin).get("/counselor/settings").status_code == 404
    session.expire_all()
    assert session.get(SessionTopic, topic_id) is not None and appointment.status == "scheduled"


def test_services_handed_a_couple_refuse_a_counselor_who_is_not_theirs(app, factory, two_practices):
    """Answers, the check-in chart and the scored measures check the viewer themselves, so a caller
    that forgot to ask access still shows another counselor nothing."""
    couple, assignment, other_couple = two_practices
    with app.app_context():
        mine = session.get(Couple, couple.id)
        stranger = session.get(Couple, other_couple.id).counselor
        exercise = session.get(Assignment, assignment.id)
        for refused in (lambda: reviews.sides_by_side(stranger, [exercise]),
                        lambda: checkins.couple_trust_series(stranger, mine),
                        lambda: measures.couple_measures(stranger, mine)):
            with pytest.raises(NotFoundError):
                refused()
        shown = reviews.sides_by_side(mine.counselor, [exercise])[0]
        assert any(str(cell.text).startswith("Private words") for row in shown.rows for cell in row.cells if cell.applies)
