"""The counselor's day: sessions first, per-couple homework states, filters, search; bounded queries."""
import re
from datetime import date, datetime, timedelta, timezone

from helpers import answer_check_in_calmly, answer_check_in_with_risk, check_in_of, submit, weeks_of_check_ins
from sessions_support import add_session, add_topic
from support import counted_queries, csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Appointment, Assignment, Couple, Response, SessionTopic, User
from therapist_app.models.user import ROLE_CLIENT
from therapist_app.services.worksheets import version_by_slug
from therapist_app.timezones import today_in


def _bulk_couples(counselor, n, start):
    """n couples with a little of everything, inserted directly: 500 through the services would take minutes."""
    version = version_by_slug("empathy-exchange")
    now = datetime.now(timezone.utc)
    for i in range(start, start + n):
        a = User(practice_id=counselor.practice_id, role=ROLE_CLIENT, display_name=f"Ash{i}", email=f"ash{i}@x.org")
        b = User(practice_id=counselor.practice_id, role=ROLE_CLIENT, display_name=f"Bo{i}", email=f"bo{i}@x.org")
        db_session.add_all([a, b])
        db_session.flush()
        couple = Couple(practice_id=counselor.practice_id, counselor_id=counselor.id, partner_a_id=a.id, partner_b_id=b.id)
        db_session.add(couple)
        db_session.flush()
        assignment = Assignment(couple_id=couple.id, worksheet_version_id=version.id, created_by_id=counselor.id,
                                due_date=date.today() - timedelta(days=i % 3), visibility_overrides={})
        db_session.add(assignment)
        db_session.flush()
        db_session.add(Response(assignment_id=assignment.id, partner_id=a.id, status="submitted", revision=2,
                                submitted_at=now, risk_flagged=i % 7 == 0))
        db_session.add(Appointment(couple_id=couple.id, starts_at=now + timedelta(days=i % 9, hours=1)))
        db_session.add(Appointment(couple_id=couple.id, starts_at=now - timedelta(days=7)))
        db_session.add(SessionTopic(couple_id=couple.id, author_id=b.id, text="t"))
    db_session.commit()


def test_the_dashboard_costs_the_same_queries_for_10_and_for_500_couples(app, factory):
    counselor = factory.counselor()
    _bulk_couples(counselor, 10, 0)
    client = signed_in(app, counselor)

    def cost():
        client.get("/counselor/")
        with counted_queries(app) as statements:
            page = client.get("/counselor/")
        assert page.status_code == 200
        return len(statements), page.get_data(as_text=True)

    small, page = cost()
    assert "Ash9 &amp; Bo9" in page and "overdue" in page
    _bulk_couples(counselor, 490, 10)
    large, page = cost()
    assert "Ash499 &amp; Bo499" in page
    assert large == small, (small, large)
    assert small <= 12


def test_sessions_of_today_and_this_week_come_first_and_each_couple_shows_what_needs_doing(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    factory.assign(couple, "empathy-exchange", due_date=date.today())
    add_session(counselor, couple, days=-6)
    add_topic(signed_in(app, couple.partner_a), "x")
    add_session(counselor, couple, days=2)
    page = counselor.get("/counselor/").get_data(as_text=True)
    assert page.index("This week") < page.index('id="couples-heading"')
    week = page[page.index('id="week-heading"'):page.index('id="couples-heading"')]
    assert couple.label.replace("&", "&amp;") in week
    assert "2 not started · 0 in progress · 0 submitted" in page
    assert "0 submitted, 1 topic" in page


def test_filter_and_search_by_name_keep_names_out_of_the_url(app, factory):
    counselor = factory.counselor()
    first = factory.couple(counselor=counselor)
    second = factory.couple(counselor=counselor)
    factory.assign(second, "empathy-exchange", due_date=date.today())
    client = signed_in(app, counselor)
    token = csrf_token(client)
    found = client.post("/counselor/?show=all", data={"csrf_token": token, "q": first.partner_b.display_name.lower()})
    html = found.get_data(as_text=True)
    assert first.label.replace("&", "&amp;") in html and second.label.replace("&", "&amp;") not in html
    db_session.get(Assignment, db_session.query(Assignment.id).filter(Assignment.couple_id == second.id).first()[0]) \
        .due_date = date.today() - timedelta(days=2)
    db_session.commit()
    overdue = client.get("/counselor/?show=overdue").get_data(as_text=True)
    assert second.label.replace("&", "&amp;") in overdue and first.label.replace("&", "&amp;") not in overdue


def _badge(counselor) -> str:
    page = counselor.get("/counselor/").get_data(as_text=True)
    badge = re.search(r"<strong>(\d+)</strong> private check-in", page)
    return badge.group(1) if badge else "0"


def _mark_read(counselor, check_in, response_id):
    return counselor.post(f"/counselor/responses/{response_id}/reviewed", data={"csrf_token": csrf_token(counselor)})


def test_a_note_added_to_a_read_check_in_counts_again_until_the_counselor_reads_it(app, factory):
    couple = factory.couple(with_check_ins=True)
    counselor = signed_in(app, couple.counselor)
    a = signed_in(app, couple.partner_a)
    check_in = check_in_of(couple, couple.partner_a)
    answer_check_in_calmly(a, check_in)  # no risk answer: a calm check-in raises no badge
    assert submit(a, check_in.id).status_code == 302
    response_id = db_session.query(Response.id).filter_by(assignment_id=check_in.id).scalar()
    assert _badge(counselor) == "0"
    assert _mark_read(counselor, check_in, response_id).status_code == 302
    assert "added a note" not in counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)

    assert a.post(f"/my/homework/{check_in.id}/addendum",
                  data={"csrf_token": csrf_token(a), "text": "Things got worse on Sunday"}).status_code == 302
    assert _badge(counselor) == "1"
    page = counselor.get("/counselor/").get_data(as_text=True)
    assert "including 1 new note" in page
    attention = counselor.get("/counselor/?show=attention").get_data(as_text=True)
    assert couple.label.replace("&", "&amp;") in attention
    assert "Things got worse" not in page  # the dashboard counts; it never quotes
    assert "added a note" in counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    answers = counselor.get(f"/counselor/assignments/{check_in.id}").get_data(as_text=True)
    assert "Things got worse on Sunday" in answers and "new since you read it" in answers
    assert "new note read" in answers

    assert _mark_read(counselor, check_in, response_id).status_code == 302
    assert _badge(counselor) == "0"
    assert "including" not in counselor.get("/counselor/").get_data(as_text=True)
    assert "added a note" not in counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "new note read" not in counselor.get(f"/counselor/assignments/{check_in.id}").get_data(as_text=True)

    # a second note raises it once more
    assert a.post(f"/my/homework/{check_in.id}/addendum",
                  data={"csrf_token": csrf_token(a), "text": "One more thing"}).status_code == 302
    assert _badge(counselor) == "1"


def test_a_note_added_before_the_check_in_is_read_is_read_with_it(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    check_in = answer_check_in_with_risk(app, couple)
    a = signed_in(app, couple.partner_a)
    a.post(f"/my/homework/{check_in.id}/addendum",
           data={"csrf_token": csrf_token(a), "text": "A note"})
    assert _badge(counselor) == "1"  # one check-in to read, not two things
    response_id = db_session.query(Response.id).filter_by(assignment_id=check_in.id).scalar()
    assert _mark_read(counselor, check_in, response_id).status_code == 302
    assert _badge(counselor) == "0"


def test_each_count_of_a_couple_in_the_middle_of_their_homework(app, factory):
    """Every figure of a couple's line, each from a different state: counted by the database now."""
    couple = factory.couple()
    a, b = couple.partner_a, couple.partner_b
    counselor = signed_in(app, couple.counselor)
    add_session(counselor, couple, days=-3)
    db_session.add(SessionTopic(couple_id=couple.id, author_id=a.id, text="before",
                                created_at=datetime.now(timezone.utc) - timedelta(days=5)))
    db_session.commit()
    add_topic(signed_in(app, b), "after the last session")
    now = datetime.now(timezone.utc)
    today = today_in(couple.counselor.timezone)  # "overdue" is by the counselor's calendar
    version = version_by_slug("empathy-exchange")

    def given(assignee=None, due=None, status="open"):
        assignment = Assignment(couple_id=couple.id, worksheet_version_id=version.id, created_by_id=couple.counselor_id,
                                assignee_id=assignee.id if assignee else None, due_date=due, status=status,
                                visibility_overrides={})
        db_session.add(assignment)
        db_session.flush()
        return assignment

    def sent(assignment, partner, days_ago, read_days_ago=None, risk=False, note_days_ago=None):
        db_session.add(Response(
            assignment_id=assignment.id, partner_id=partner.id, status="submitted", revision=2, risk_flagged=risk,
            submitted_at=now - timedelta(days=days_ago),
            reviewed_at=now - timedelta(days=read_days_ago) if read_days_ago is not None else None,
            addendum_at=now - timedelta(days=note_days_ago) if note_days_ago is not None else None))

    late = given(due=today - timedelta(days=1))  # joint, due yesterday
    sent(late, a, days_ago=1, risk=True)  # since the last session, not read, an alerting answer
    db_session.add(Response(assignment_id=late.id, partner_id=b.id, status="draft", revision=1))  # begun, late
    given(assignee=b, due=today + timedelta(days=2))  # B's own, not begun
    read = given()
    sent(read, a, days_ago=10, read_days_ago=9, note_days_ago=1)  # a note added since it was read
    sent(read, b, days_ago=10, read_days_ago=9)
    cancelled = given(status="cancelled")
    sent(cancelled, a, days_ago=1)  # counts nowhere
    db_session.commit()
    page = counselor.get("/counselor/").get_data(as_text=True)
    line = page[page.index(couple.label.replace("&", "&amp;")):]
    line = line[:line.index("</tr>")]
    assert "1 not started · 1 in progress · 3 submitted · <strong>1 overdue</strong>" in line
    assert "1 submitted, 1 topic" in line  # new since the last session
    cells = re.findall(r"<td>(.*?)</td>", line)
    assert cells[-2] == "2"  # to review: the unread answer, and the check-in with a new note
    assert '<span class="flag">2</span>' in cells[-1] and "including 1 new note" in cells[-1]


def test_missed_weeks_of_a_repeating_check_in_are_not_counted_as_waiting(app, factory):
    """Ten weeks of the weekly check-in: partner A sent each one, partner B none. The caseload counts B's
    latest two (not started, and overdue), not a column of ten."""
    couple = factory.couple()
    weeks_of_check_ins(couple, couple.partner_a, 10)
    page = signed_in(app, couple.counselor).get("/counselor/").get_data(as_text=True)
    line = page[page.index(couple.label.replace("&", "&amp;")):]
    assert "2 not started · 0 in progress · 10 submitted · <strong>2 overdue</strong>" in line[:line.index("</tr>")]
