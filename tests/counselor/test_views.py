"""The counselor's side: adding couples, assigning, sharing settings, agreements, versions."""
import re
import shutil
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select, update

from helpers import (answer_everything, both_partners_submit, save_section, submit, weeks_of_check_ins,
                     weeks_of_sessions)
from support import csrf_token, signed_in
from therapist_app.engine.presentation import definition_of
from therapist_app.extensions import session as db_session
from therapist_app.models import (Appointment, Assignment, Response, SessionSummary, SessionTopic, User,
                                  WorksheetVersion)
from therapist_app.services.worksheets import sync_library, version_by_slug
from therapist_app.models.base import utcnow
from therapist_app.timezones import today_in


def _post(client, path, form_page, **data):
    return client.post(path, data={"csrf_token": csrf_token(client), **data})


def test_adding_a_couple_invites_both_and_gives_each_a_private_check_in(app, factory):
    counselor = factory.counselor()
    browser = signed_in(app, counselor)
    response = _post(browser, "/counselor/couples/new", "/counselor/couples/new", a_name="Noor",
                     a_email="home+1@example.org", b_name="Eli", b_email="home+2@example.org", hurt_partner="")
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("private</span>") == 2 and "Noor &amp; Eli" in page


def test_the_same_email_for_both_partners_is_refused_with_advice(app, factory):
    browser = signed_in(app, factory.counselor())
    response = _post(browser, "/counselor/couples/new", "/counselor/couples/new", a_name="Noor",
                     a_email="home@example.org", b_name="Eli", b_email="HOME@example.org", hurt_partner="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "add +1 and +2 before the @" in page
    assert 'value="Noor"' in page  # what was typed stays
    assert db_session.scalar(select(func.count(User.id)).where(User.role == "client")) == 0


def test_a_partner_without_email_is_invited_on_paper_with_a_sign_in_name(app, factory):
    browser = signed_in(app, factory.counselor())
    response = _post(browser, "/counselor/couples/new", "/counselor/couples/new", a_name="Noor",
                     a_email="", b_name="Eli", b_email="eli@example.org", hurt_partner="a")
    assert response.status_code == 302  # to a page of its own: a reload shows it, never posts again
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitations to hand over" in page and "/welcome/" in page
    name = db_session.scalar(select(User.sign_in_name).where(User.display_name == "Noor"))
    assert name and name in page
    link = re.search(r"/welcome/[^<\s]+", page).group(0)
    assert link in browser.get(response.headers["Location"]).get_data(as_text=True)  # the reload
    assert db_session.scalar(select(func.count(User.id)).where(User.display_name == "Noor")) == 1
    start = utcnow()
    with time_machine.travel(start + timedelta(minutes=8)):  # still at work, so not signed out for idling
        browser.get("/counselor/")
    with time_machine.travel(start + timedelta(minutes=16)):
        later = browser.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert link not in later and "make a new one here" in later


def test_a_due_date_in_the_past_is_refused_at_the_field(app, factory):
    couple = factory.couple()
    browser = signed_in(app, couple.counselor)
    response = _post(browser, f"/counselor/couples/{couple.id}/assign", f"/counselor/couples/{couple.id}",
                     worksheet=version_by_slug("empathy-exchange").id, assignee="both",
                     due_date=(today_in(couple.counselor.timezone) - timedelta(days=1)).isoformat(), note="")
    assert response.status_code == 422 and "The due date is in the past" in response.get_data(as_text=True)


@pytest.mark.parametrize("repeat", ["once", "1"], ids=["once", "every week"])
def test_an_evening_counselor_can_set_homework_due_today_though_utc_is_on_tomorrow(app, factory, repeat):
    couple = factory.couple()  # the practice is in the US: the counselor is in America/New_York
    with time_machine.travel(datetime(2027, 3, 10, 1, 30, tzinfo=timezone.utc)):  # 20:30 on 9 March there
        browser = signed_in(app, couple.counselor)
        response = _post(browser, f"/counselor/couples/{couple.id}/assign", f"/counselor/couples/{couple.id}",
                         worksheet=version_by_slug("empathy-exchange").id, assignee="both",
                         due_date="2027-03-09", note="", repeat=repeat, repeat_count="2" if repeat == "1" else "")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/counselor/couples/{couple.id}")
    db_session.expire_all()
    dues = db_session.scalars(select(Assignment.due_date).where(Assignment.couple_id == couple.id)).all()
    assert date(2027, 3, 9) in dues  # the first (or only) one is due today, as the counselor asked


def test_the_counselor_changes_what_is_shared_until_someone_submits(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    counselor = signed_in(app, couple.counselor)
    page = f"/counselor/assignments/{assignment.id}"
    assert _post(counselor, f"{page}/sharing", page, shared=["what_partner_feels"]).status_code == 302
    b = both_partners_submit(app, couple, assignment, text="Robin wrote", text_b="Kai wrote")[couple.partner_b_id]
    b_page = b.get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    assert "Robin wrote: what_partner_feels" in b_page
    assert "Robin wrote: what_lies_underneath" not in b_page  # shared by default, not on this assignment
    locked = _post(counselor, f"{page}/sharing", page, shared=["what_lies_underneath"])
    assert locked.status_code == 422 and "can&#39;t change after a partner has submitted" in locked.get_data(as_text=True)


def test_the_agreed_wording_is_recorded_and_both_partners_see_it(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    both_partners_submit(app, couple, assignment)
    field = next(f for f in definition_of(assignment.worksheet_version).all_fields() if f.type == "agreement")
    counselor = signed_in(app, couple.counselor)
    page = f"/counselor/assignments/{assignment.id}"
    _post(counselor, f"{page}/agreement", page, field_id=field.id, wording="Phones stay open to each other for now.")
    for partner in couple.partners:
        text = signed_in(app, partner).get(f"/my/homework/{assignment.id}").get_data(as_text=True)
        assert "What you agreed together" in text and "Phones stay open to each other for now." in text


def test_editing_a_worksheet_file_makes_a_new_version_and_open_assignments_keep_theirs(app, factory, tmp_path):
    library = tmp_path / "library"
    shutil.copytree(app.config["THERAPIST_WORKSHEETS_DIR"], library)
    couple = factory.couple()
    old = factory.assign(couple, "empathy-exchange")
    path = library / "empathy-exchange.yaml"
    path.write_text(path.read_text().replace("title: Understanding each other", "title: Understanding each other, again"))
    sync_library(library)
    sync_library(library)  # a second sync of the same content adds nothing
    versions = db_session.scalars(select(WorksheetVersion).join(WorksheetVersion.worksheet)
                                  .where(WorksheetVersion.worksheet.has(slug="empathy-exchange"))).all()
    assert sorted(v.number for v in versions) == [1, 2]
    new = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    assert "Understanding each other, again" not in partner.get(f"/my/homework/{old.id}?edit=1").get_data(as_text=True)
    assert "Understanding each other, again" in partner.get(f"/my/homework/{new.id}?edit=1").get_data(as_text=True)


def test_the_counselor_sees_the_earlier_version_after_a_partner_changes_a_submitted_answer(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange", assignee=couple.partner_a)
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment, text="First thoughts")
    submit(partner, assignment.id)
    save_section(partner, assignment.id, {"what_partner_feels": "Second thoughts"})
    submit(partner, assignment.id)
    page = signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    current, earlier = page.split("Earlier versions", 1)
    assert "Second thoughts" in current and "First thoughts: what_partner_feels" in earlier


def test_the_admin_sets_the_practice_country_and_partners_see_its_crisis_numbers(app, factory):
    practice = factory.practice(country="US")
    admin = signed_in(app, factory.admin(practice))
    couple = factory.couple(counselor=factory.counselor(practice))
    response = _post(admin, "/admin/practice", "/admin/practice", name="Harbour Counselling", country="GB",
                     paper_size="A4", footer_note="")
    assert response.status_code == 302
    page = signed_in(app, couple.partner_a).get("/my/").get_data(as_text=True)
    assert "116 123" in page and "call 999" in page and "988" not in page


def test_setting_who_was_hurt_after_submission_does_not_change_what_a_partner_was_asked(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "honest-conversation")
    both_partners_submit(app, couple, assignment, text="Answered")
    partner = signed_in(app, couple.partner_a)
    counselor = signed_in(app, couple.counselor)
    before = counselor.get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    _post(counselor, f"/counselor/couples/{couple.id}/pacing", f"/counselor/couples/{couple.id}",
          stage="1", hurt_partner=str(couple.partner_a_id))
    after = counselor.get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    assert after.count("<tr>") == before.count("<tr>")
    assert signed_in(app, couple.partner_a).get(f"/my/homework/{assignment.id}").get_data(as_text=True).count(
        "review-item") == partner.get(f"/my/homework/{assignment.id}").get_data(as_text=True).count("review-item")


def test_assigning_an_exercise_with_role_parts_warns_when_who_was_hurt_is_not_set(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    response = _post(counselor, f"/counselor/couples/{couple.id}/assign", f"/counselor/couples/{couple.id}",
                     worksheet=version_by_slug("honest-conversation").id, assignee="both")
    page = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Who was hurt” is not set for this couple" in page


def test_long_texts_are_refused_beside_the_field_with_everything_kept_never_cut(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    browser = signed_in(app, couple.counselor)
    # No box carries maxlength: a browser cuts a paste there without a word. A data-limit counts instead.
    page = browser.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "maxlength" not in page and 'data-limit="2000"' in page
    partner_page = signed_in(app, couple.partner_a).get(f"/my/homework/{assignment.id}?edit=1").get_data(as_text=True)
    assert "maxlength" not in partner_page and "data-limit=" in partner_page

    note = "A careful note. " * 130  # 2,080 characters
    response = _post(browser, f"/counselor/couples/{couple.id}/assign", f"/counselor/couples/{couple.id}",
                     worksheet=version_by_slug("empathy-exchange").id, assignee="both", due_date="", note=note)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "can be up to 2,000 characters. It is 2,080 now; please shorten it by 80" in html
    assert note.strip() in html  # the whole note is still in its box


def test_an_over_long_review_comment_or_agreed_wording_comes_back_in_its_box(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    both_partners_submit(app, couple, assignment)
    response_id = db_session.scalar(select(Response.id).where(Response.assignment_id == assignment.id))
    browser = signed_in(app, couple.counselor)
    answers_path = f"/counselor/assignments/{assignment.id}"
    comment = "You wrote with real care. " * 40  # 1,040 characters
    refused = _post(browser, f"/counselor/responses/{response_id}/reviewed", answers_path, comment=comment)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "can be up to 1,000 characters" in html and comment.strip() in html
    db_session.expire_all()
    assert db_session.get(Response, response_id).reviewed_at is None

    agreement_field = next(f for f in _fields(assignment) if f.type == "agreement")
    wording = "We agree. " * (agreement_field.max_length // 10 + 5)
    refused = _post(browser, f"/counselor/assignments/{assignment.id}/agreement", answers_path,
                    field_id=agreement_field.id, wording=wording)
    assert refused.status_code == 422 and wording.strip() in refused.get_data(as_text=True)


def _fields(assignment):
    return definition_of(assignment.worksheet_version).all_fields()


def _homework_rows(page: str) -> list[str]:
    table = page[page.index('class="homework-table"'):]
    return table[:table.index("</table>")].split("<tr")[2:]  # less the heading's row


def test_after_two_years_the_couple_page_shows_the_newest_homework_and_whatever_older_still_needs_attention(
        app, factory):
    couple = factory.couple()
    unread = weeks_of_check_ins(couple, couple.partner_a, 1, read=False)[0]  # sent, not read yet
    old_exercise = factory.assign(couple, "empathy-exchange")  # given by hand, never sent: still open
    history = weeks_of_check_ins(couple, couple.partner_a, 60)  # sent and read, a week at a time
    counselor = signed_in(app, couple.counselor)
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    rows = _homework_rows(page)
    assert len(rows) == 15 + 2  # the newest fifteen, the open exercise and the unread check-in
    assert f"/counselor/assignments/{old_exercise.id}\"" in page
    assert f"/counselor/assignments/{unread.id}\"" in page
    assert f"/counselor/assignments/{history[-1].id}\"" not in page  # read long ago
    assert "Showing 17 of 62" in page
    everything = counselor.get(f"/counselor/couples/{couple.id}?homework=all").get_data(as_text=True)
    assert len(_homework_rows(everything)) == 62 and "Showing" not in everything


def test_an_older_exercise_read_just_now_is_on_the_short_couple_page_and_its_timeline(app, factory):
    couple = factory.couple()
    older = factory.assign(couple, "empathy-exchange")
    both_partners_submit(app, couple, older)
    weeks_of_check_ins(couple, couple.partner_a, 20)  # twenty newer assignments
    counselor = signed_in(app, couple.counselor)
    for response_id in db_session.scalars(select(Response.id).where(Response.assignment_id == older.id)):
        assert counselor.post(f"/counselor/responses/{response_id}/reviewed",
                              data={"csrf_token": csrf_token(counselor)}).status_code == 302
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert f"/counselor/assignments/{older.id}\"" in page  # read, but just now: the latest timeline tells of it
    timeline = page[page.index('id="timeline-heading"'):]
    title = definition_of(older.worksheet_version).title
    assert f"“{title}”" in timeline and "Showing" in page
    assert "Show the whole timeline</a>" in " ".join(timeline.split())  # not counted: the short page has not all


def test_the_timeline_tells_when_shared_answers_waited_for_release_and_when_they_were_released(app, factory):
    """Disclosure work released after review read "Both submitted: shared answers shown" on the day both
    submitted, though nothing was shown until the counselor released it, and the release was never told.
    Released long after, among twenty newer check-ins, the release is still among the latest events."""
    couple = factory.couple(hurt="a")
    disclosure = factory.assign(couple, "honest-conversation")
    both_partners_submit(app, couple, disclosure)
    counselor = signed_in(app, couple.counselor)
    for response_id in db_session.scalars(select(Response.id).where(Response.assignment_id == disclosure.id)):
        assert counselor.post(f"/counselor/responses/{response_id}/reviewed",
                              data={"csrf_token": csrf_token(counselor)}).status_code == 302
    waiting = " ".join(counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True).split())
    title = definition_of(disclosure.worksheet_version).title
    assert f"Both submitted “{title}”</li>" in waiting and "shared answers shown" not in waiting
    assert "shared answers wait for your release" in waiting  # the homework table's tag
    # Half a year on, twenty check-ins later, the counselor releases it.
    long_ago = utcnow() - timedelta(days=200)
    db_session.execute(update(Assignment).where(Assignment.id == disclosure.id)
                       .values(created_at=long_ago, revealed_at=long_ago))
    db_session.execute(update(Response).where(Response.assignment_id == disclosure.id)
                       .values(submitted_at=long_ago, reviewed_at=long_ago))
    db_session.commit()
    weeks_of_check_ins(couple, couple.partner_a, 20)
    released = counselor.post(f"/counselor/assignments/{disclosure.id}/release",
                              data={"csrf_token": csrf_token(counselor), "action": "all"}, follow_redirects=True)
    assert "shared answers." in released.get_data(as_text=True)
    timeline = _card(counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True), "timeline-heading")
    assert f"You released shared answers of “{title}”" in " ".join(timeline.split())


def _card(page: str, heading_id: str) -> str:
    card = page[page.index(f'id="{heading_id}"'):]
    return card[:card.index("</section>")]


def test_after_thirty_weeks_of_sessions_the_couple_page_lists_the_latest_and_the_rest_is_a_link_away(app, factory):
    couple = factory.couple()
    weeks_of_sessions(couple, 30, topic_text="TALKED-ABOUT-ALREADY")
    db_session.add(SessionTopic(couple_id=couple.id, author_id=couple.partner_a_id, text="STILL-TO-TALK-ABOUT"))
    for week in range(1, 13):  # a term booked ahead: sessions 31 to 42
        db_session.add(Appointment(couple_id=couple.id, starts_at=datetime.now(timezone.utc) + timedelta(weeks=week)))
    db_session.commit()
    counselor = signed_in(app, couple.counselor)
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    listed = _card(page, "sessions-heading")
    # The next five booked, then the last ten held.
    assert re.findall(r">Session (\d+)</a>", listed) == [str(n) for n in range(35, 20, -1)]
    assert "Show all 42 sessions" in " ".join(listed.split())
    topics = _card(page, "topics-heading")
    assert "STILL-TO-TALK-ABOUT" in topics and "TALKED-ABOUT-ALREADY" not in page
    timeline = " ".join(_card(page, "timeline-heading").split())
    # What has happened, newest first: the open topic, the last session's summary, the session. The
    # twelve booked ahead are the list's, not the timeline's: they pushed the latest events off it.
    events = re.findall(r'<li class="event-(\w+)">', timeline)
    assert events[:3] == ["topic", "summary", "session"] and events.count("session") == 4, events
    assert "Show the whole timeline</a>" in timeline
    everything = counselor.get(f"/counselor/couples/{couple.id}?sessions=all").get_data(as_text=True)
    listed = _card(everything, "sessions-heading")
    assert listed.count("/counselor/sessions/") == 42
    assert "Show only the next and the latest 10" in " ".join(listed.split())
    # Each list's link keeps the other as the counselor left it.
    assert f'href="/counselor/couples/{couple.id}?timeline=all&amp;sessions=all#timeline-heading"' in everything
    whole = counselor.get(f"/counselor/couples/{couple.id}?timeline=all").get_data(as_text=True)
    events = re.findall(r'<li class="event-(\w+)">', _card(whole, "timeline-heading"))
    assert events.count("topic") == 61 and events.count("summary") == 30 and events.count("session") == 30


def test_the_short_couple_page_numbers_and_tells_what_the_whole_one_does_without_loading_every_session(app, factory):
    """The short page loads only the sessions it lists; numbers, the last session begun and a summary
    published late must still be those of the whole history."""
    couple = factory.couple()
    held = weeks_of_sessions(couple, 20, topic_text="TALKED-ABOUT-ALREADY")  # 1 to 20, the last a week ago
    now = datetime.now(timezone.utc)
    for step in range(15):  # the next fifteen all called off: the latest begun, and the newest, are cancelled
        db_session.add(Appointment(couple_id=couple.id, starts_at=now - timedelta(days=5) + timedelta(hours=8 * step),
                                   status="cancelled"))
    for week in (1, 2):  # 21 and 22 booked ahead
        db_session.add(Appointment(couple_id=couple.id, starts_at=now + timedelta(weeks=week)))
    db_session.add(SessionTopic(couple_id=couple.id, author_id=couple.partner_b_id, text="STILL-TO-TALK-ABOUT"))
    first_summary = db_session.scalar(select(SessionSummary).filter_by(appointment_id=held[0].id))
    first_summary.published_at = now  # the first session's summary, sent only today
    db_session.commit()
    counselor = signed_in(app, couple.counselor)
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    names = re.findall(r">(Session \d+|Cancelled session)</a>", _card(page, "sessions-heading"))
    assert names == ["Session 22", "Session 21"] + ["Cancelled session"] * 10
    assert "Show all 37 sessions" in " ".join(_card(page, "sessions-heading").split())
    # "Since the last session" starts at session 20, older than every session listed.
    topics = _card(page, "topics-heading")
    assert "STILL-TO-TALK-ABOUT" in topics and "TALKED-ABOUT-ALREADY" not in topics
    timeline = _card(page, "timeline-heading")
    assert f'href="/counselor/sessions/{held[0].id}">Session summary published' in timeline
    everything = counselor.get(f"/counselor/couples/{couple.id}?sessions=all").get_data(as_text=True)
    names = re.findall(r">(Session \d+|Cancelled session)</a>", _card(everything, "sessions-heading"))
    assert names == (["Session 22", "Session 21"] + ["Cancelled session"] * 15
                     + [f"Session {n}" for n in range(20, 0, -1)])
    assert "<h1>Session 20</h1>" in counselor.get(f"/counselor/sessions/{held[-1].id}").get_data(as_text=True)


def test_the_short_couple_page_counts_its_timeline_when_every_topic_is_loaded(app, factory):
    couple = factory.couple()
    weeks_of_sessions(couple, 2)  # 2 sessions, 2 summaries and 4 topics talked about
    for _ in range(12):  # still open; with the 4 before, the newest 16: the short page loads them all
        db_session.add(SessionTopic(couple_id=couple.id, author_id=couple.partner_b_id, text="For next time"))
    db_session.commit()
    page = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    timeline = " ".join(_card(page, "timeline-heading").split())
    assert "Show the whole timeline (20 events)</a>" in timeline and 'reversed start="20"' in timeline
