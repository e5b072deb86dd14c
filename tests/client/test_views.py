"""The couple's portal through HTTP: drafts, submission, reveal, and what each partner may see."""
import html
import re
from datetime import datetime, timedelta, timezone

import time_machine
from sqlalchemy import func, select

from helpers import (answer_check_in_calmly, answer_everything, check_in_of, sample_answer, save_section, submit,
                     weeks_of_check_ins, weeks_of_sessions)
from support import Auth, csrf_token, signed_in
from therapist_app.engine.presentation import definition_of, field_by_id, sections_for
from therapist_app.extensions import session as db_session
from therapist_app.models import OutboxMessage, Response, ResponseRevision
from therapist_app.models.base import utcnow


def _text(response):
    return response.get_data(as_text=True)


def test_a_draft_is_kept_on_the_server_and_comes_back_on_another_device(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    phone = signed_in(app, couple.partner_a)
    save_section(phone, assignment.id, {_first_two_text_fields(assignment)[0]: "Words I typed on my phone"})
    laptop = signed_in(app, couple.partner_a)
    page = _text(laptop.get(f"/my/homework/{assignment.id}?edit=1"))
    assert "Words I typed on my phone" in page


def test_homework_list_shows_due_date_status_and_the_counselors_note(app, factory):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange", note="Go gently with each other this week.")
    page = _text(signed_in(app, couple.partner_a).get("/my/"))
    assert "Understanding each other" in page or "mpathy" in page
    assert "Not started yet" in page and "due" in page
    assert "Go gently with each other this week." in page


def test_an_answer_over_the_length_limit_is_refused_at_the_field_and_the_rest_is_kept(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    first_field = _first_two_text_fields(assignment)
    limit = _limit_of(assignment, first_field[0])
    too_long = "x" * (limit + 1)
    response = save_section(partner, assignment.id, {first_field[0]: too_long, first_field[1]: "kept answer"})
    assert response.status_code == 422
    page = _text(response)
    assert f"up to {limit:,} characters" in page and f"It is {limit + 1:,} now" in page
    assert too_long in page  # still on the page, nothing typed is lost
    saved = _text(partner.get(f"/my/homework/{assignment.id}?edit=1"))
    assert "kept answer" in saved


def test_an_answer_over_the_limit_survives_a_reload_beside_its_message_and_is_sent_only_once_shortened(app, factory):
    """The autosave of a pasted answer too long for its question: the rest saves, and the long text is
    kept as typed, so that a reload (or another device) shows it again with the limit beside it; the
    review says so and Submit waits until it is shortened."""
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    long_field, other_field = _first_two_text_fields(assignment)
    limit = _limit_of(assignment, long_field)
    pasted = "A long paste about the evening in the kitchen. " * (limit // 40)
    answer_everything(partner, assignment)
    first_part = {}
    for field in sections_for(definition_of(assignment.worksheet_version), None)[0].fields:
        first_part.update(sample_answer(field))
    first_part.update({f"a__{long_field}": pasted, f"a__{other_field}": "kept answer"})
    saved = partner.post(f"/my/homework/{assignment.id}/draft?section=0", headers={"Accept": "application/json"},
                         data={"csrf_token": csrf_token(partner), **first_part}).get_json()
    assert saved["ok"] is False and f"up to {limit:,} characters" in saved["errors"][long_field][0]

    reloaded = _text(partner.get(f"/my/homework/{assignment.id}?section=0&edit=1"))
    assert pasted.strip() in html.unescape(reloaded) and "kept answer" in reloaded
    assert f"It is {len(pasted):,} now; please shorten it by {len(pasted) - limit:,}." in reloaded

    review = _text(partner.get(f"/my/homework/{assignment.id}/review"))
    assert "1 answer is longer than it can be. Everything you typed is kept" in review
    assert re.search(r'<button type="submit" class="primary"\s+disabled>Submit</button>', review)
    submit(partner, assignment.id)
    db_session.expire_all()
    assert _status_of(assignment, couple.partner_a) != "submitted"

    assert save_section(partner, assignment.id, {**first_part, f"a__{long_field}": pasted[:limit]}).status_code == 302
    assert submit(partner, assignment.id).status_code == 302
    assert _status_of(assignment, couple.partner_a) == "submitted"


def test_text_far_past_its_limit_is_refused_and_a_skipped_question_never_blocks_submitting(app, factory):
    """Kept as typed only up to five times the limit: a long paste, not anything at all. And a question
    the partner chose to skip is not answered, whatever text it still holds."""
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment)
    first_part = {}
    for field in sections_for(definition_of(assignment.worksheet_version), None)[0].fields:
        first_part.update(sample_answer(field))
    optional = next(f for f in sections_for(definition_of(assignment.worksheet_version), None)[0].fields
                    if not f.required and f.type == "long_text")
    far_past = "x" * (5 * optional.max_length + 1)
    assert save_section(partner, assignment.id, {**first_part, f"a__{optional.id}": far_past}).status_code == 422
    assert far_past not in _text(partner.get(f"/my/homework/{assignment.id}?section=0&edit=1"))

    just_past = "y" * (optional.max_length + 1)
    skipped = {**first_part, f"a__{optional.id}": just_past, f"s__{optional.id}": "skipped"}
    save_section(partner, assignment.id, skipped)
    assert submit(partner, assignment.id).status_code == 302
    assert _status_of(assignment, couple.partner_a) == "submitted"


def _status_of(assignment, partner):
    db_session.expire_all()
    return db_session.scalar(select(Response.status).where(Response.assignment_id == assignment.id,
                                                           Response.partner_id == partner.id))


def _first_two_text_fields(assignment):
    fields = [f.id for f in sections_for(definition_of(assignment.worksheet_version), None)[0].fields
              if f.type in ("long_text", "short_text")]
    assert len(fields) >= 2
    return fields[:2]


def _limit_of(assignment, field_id):
    return field_by_id(definition_of(assignment.worksheet_version), field_id).max_length


def test_submitting_with_an_unanswered_question_is_refused_and_nothing_typed_is_lost(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "weekly-trust-check-in")
    partner = signed_in(app, couple.partner_a)
    save_section(partner, assignment.id, {"trust_rating": "6"})
    review = _text(partner.get(f"/my/homework/{assignment.id}/review"))
    # nothing in the weekly check-in is required any more, but an unanswered question still needs an
    # answer or a deliberate skip before submitting
    assert "unanswered" in review and "Skip the unanswered questions" in review
    response = submit(partner, assignment.id)
    assert response.status_code == 302
    db_session.expire_all()
    stored = db_session.scalar(select(Response).where(Response.assignment_id == assignment.id))
    assert stored.status == "draft" and stored.draft["values"]["trust_rating"] == 6


def test_double_submit_creates_one_response(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "weekly-trust-check-in")
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment)
    first = submit(partner, assignment.id)
    second = submit(partner, assignment.id)
    assert first.status_code == second.status_code == 302
    assert db_session.scalar(select(func.count(Response.id)).where(Response.assignment_id == assignment.id)) == 1
    assert db_session.scalar(select(func.count(ResponseRevision.id))) == 0
    assert "You submitted this" in _text(partner.get(f"/my/homework/{assignment.id}"))


def test_shared_answers_reveal_only_after_both_submit_and_counselor_only_answers_never(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    answer_everything(a, assignment, text="Robin wrote")
    submit(a, assignment.id)
    waiting = _text(a.get(f"/my/homework/{assignment.id}"))
    assert "Waiting for your partner" in waiting

    b_page = _text(b.get(f"/my/homework/{assignment.id}?edit=1"))
    assert "Robin wrote" not in b_page
    answer_everything(b, assignment, text="Kai wrote")
    submit(b, assignment.id)

    definition = definition_of(assignment.worksheet_version)
    shared = [f.id for f in definition.all_fields() if f.visibility == "shared"]
    private = [f.id for f in definition.all_fields() if f.visibility == "counselor"]
    assert shared and private
    a_page, b_page = _text(a.get(f"/my/homework/{assignment.id}")), _text(b.get(f"/my/homework/{assignment.id}"))
    for field_id in shared:
        assert f"Kai wrote: {field_id}" in a_page and f"Robin wrote: {field_id}" in b_page
    for field_id in private:
        assert f"Kai wrote: {field_id}" not in a_page and f"Robin wrote: {field_id}" not in b_page


def test_a_held_back_answer_never_reaches_the_partner_but_the_counselor_sees_it_marked(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    shared = [f.id for f in definition_of(assignment.worksheet_version).all_fields() if f.visibility == "shared"]
    kept = shared[0]
    answer_everything(a, assignment, text="Robin wrote")
    submit(a, assignment.id, hold_back=[kept])
    answer_everything(b, assignment, text="Kai wrote")
    submit(b, assignment.id)

    b_page = _text(b.get(f"/my/homework/{assignment.id}"))
    assert f"Robin wrote: {kept}" not in b_page
    assert f"Robin wrote: {shared[1]}" in b_page
    assert "kept private" not in b_page.lower() and "held back" not in b_page.lower()

    counselor_page = _text(signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}"))
    assert f"Robin wrote: {kept}" in counselor_page and "held back from partner" in counselor_page


def test_a_stale_save_from_a_second_device_is_kept_aside_not_written_over_the_newer_one(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = _first_two_text_fields(assignment)[0]
    phone, laptop = signed_in(app, couple.partner_a), signed_in(app, couple.partner_a)
    save_section(phone, assignment.id, {field_id: "first version"})
    save_section(laptop, assignment.id, {field_id: "newer version from the laptop"})
    stale = save_section(phone, assignment.id, {field_id: "phone edit based on the old page"}, revision=1)
    assert stale.status_code == 409
    assert "A newer version of some answers was saved" in _text(stale)
    db_session.expire_all()
    response = db_session.scalar(select(Response).where(Response.assignment_id == assignment.id))
    assert response.draft["values"][field_id] == "newer version from the laptop"
    conflict = db_session.scalar(select(ResponseRevision).where(ResponseRevision.kind == "conflict"))
    assert conflict.content["values"][field_id] == "phone edit based on the old page"
    assert conflict.content["newer"][field_id] == "newer version from the laptop"  # both versions kept


def test_autosave_answers_in_json_and_a_signed_out_autosave_gets_401_not_a_redirect(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = _first_two_text_fields(assignment)[0]
    partner = signed_in(app, couple.partner_a)
    token = csrf_token(partner)
    saved = partner.post(f"/my/homework/{assignment.id}/draft?section=0",
                         data={"csrf_token": token, "revision": "0", f"a__{field_id}": "autosaved words"},
                         headers={"Accept": "application/json"})
    assert saved.status_code == 200 and saved.json["ok"] and saved.json["revision"] == 1

    with time_machine.travel(utcnow() + timedelta(minutes=31)):
        expired = partner.post(f"/my/homework/{assignment.id}/draft?section=0",
                               data={"csrf_token": token, "revision": "1", f"a__{field_id}": "more words"},
                               headers={"Accept": "application/json"})
    assert expired.status_code == 401 and expired.json["error"] == "signed_out"


def test_after_submitting_a_partner_can_change_answers_until_reviewed_and_the_old_version_is_kept(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "weekly-trust-check-in", assignee=couple.partner_a)
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment)
    submit(partner, assignment.id)
    save_section(partner, assignment.id, {"trust_rating": "9"})
    submit(partner, assignment.id)
    db_session.expire_all()
    response = db_session.scalar(select(Response).where(Response.assignment_id == assignment.id))
    assert response.submitted["values"]["trust_rating"] == 9
    old = db_session.scalar(select(ResponseRevision).where(ResponseRevision.kind == "submitted"))
    assert old.content["values"]["trust_rating"] == 7

    counselor = signed_in(app, couple.counselor)
    counselor.post(f"/counselor/responses/{response.id}/reviewed",
                   data={"csrf_token": csrf_token(counselor),
                         "comment": "Thank you"})
    locked = save_section(partner, assignment.id, {"trust_rating": "2"})
    assert locked.status_code == 409 and "already reviewed" in _text(locked)
    assert "Your comment to" in _text(counselor.get(f"/counselor/assignments/{assignment.id}"))  # and what it said
    assert "“Thank you”" in _text(counselor.get(f"/counselor/assignments/{assignment.id}"))
    # An edit page from the history (Back) opens as the submitted page: no form to type into in vain.
    edit_page = _text(partner.get(f"/my/homework/{assignment.id}?section=0&edit=1"))
    assert "<textarea" not in edit_page and 'name="a__' not in edit_page and "Thank you" in edit_page


def test_a_closed_assignment_refuses_posts_with_a_message_and_keeps_the_answers(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "weekly-trust-check-in")
    partner = signed_in(app, couple.partner_a)
    save_section(partner, assignment.id, {"trust_rating": "5"})
    open_page_token = csrf_token(partner)  # the partner's page stays open with this token
    counselor = signed_in(app, couple.counselor)
    counselor.post(f"/counselor/assignments/{assignment.id}/cancel",
                   data={"csrf_token": csrf_token(counselor)})
    response = partner.post(f"/my/homework/{assignment.id}?section=0",
                            data={"csrf_token": open_page_token, "revision": "1", "a__trust_rating": "1"})
    assert response.status_code == 404
    assert "isn't available" in _text(response)
    db_session.expire_all()
    assert db_session.scalar(select(Response).where(Response.assignment_id == assignment.id)).draft["values"]["trust_rating"] == 5


def test_the_weekly_check_in_chart_shows_only_my_own_ratings(app, factory):
    couple = factory.couple()
    first = factory.assign(couple, "weekly-trust-check-in")
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    assert "My weekly check-ins" not in _text(a.get("/my/"))
    for partner, rating in ((a, "3"), (b, "9")):
        save_section(partner, first.id, {**{f"{m}_rating": rating for m in ("trust", "safety", "communication", "closeness")},
                                         "painful_reminders": "once_or_twice"})
        save_section(partner, first.id, {"helped_this_week": "a walk"}, section=1)
        submit(partner, first.id)
    page = _text(a.get("/my/"))
    assert "My weekly check-ins" in page and "<svg" in page and 'role="img"' in page
    table = page[page.index("The ratings as a table"):]
    assert "<td>3</td>" in table and "<td>9</td>" not in table


def _rows_of_ratings_table(page: str) -> int:
    table = page[page.index("The ratings as a table"):]
    return table[:table.index("</table>")].count("<tr>") - 1  # less the heading's row


def test_after_two_years_of_check_ins_my_homework_is_still_short_and_the_rest_is_a_link_away(app, factory):
    couple = factory.couple()
    to_do = factory.assign(couple, "empathy-exchange")
    weeks_of_check_ins(couple, couple.partner_a, 104)
    a = signed_in(app, couple.partner_a)
    page = _text(a.get("/my/"))
    # What is still to do first; then the latest five done, each with the day it was sent.
    assert page.count('class="homework-item') == 1 + 5
    assert page.index(f"/my/homework/{to_do.id}") < page.index("Done lately")
    assert "Everything I&#39;ve finished (104)" in page or "Everything I've finished (104)" in page
    # The chart and its table: the latest twelve check-ins, and a link to them all.
    assert _rows_of_ratings_table(page) == 12 and 'href="/my/check-ins"' in page
    everything = _text(a.get("/my/check-ins"))
    assert _rows_of_ratings_table(everything) == 104 and "<svg" in everything
    # Twenty a page, newest first; a page past the end goes to the last one.
    assert _text(a.get("/my/done")).count('class="homework-item') == 20
    last = a.get("/my/done?page=99")
    assert last.status_code == 302 and last.headers["Location"].endswith("/my/done?page=6")
    assert _text(a.get("/my/done?page=6")).count('class="homework-item') == 4
    assert a.get("/my/done?page=99999999999999999999").headers["Location"].endswith("/my/done?page=6")


def test_my_partners_finished_homework_and_check_ins_are_not_mine_to_see(app, factory):
    couple = factory.couple(with_check_ins=True)
    a = signed_in(app, couple.partner_a)
    private = check_in_of(couple, couple.partner_a)
    answer_check_in_calmly(a, private)
    assert submit(a, private.id).status_code == 302
    weeks_of_check_ins(couple, couple.partner_a, 3, ratings={"trust": 7})
    assert f"/my/homework/{private.id}" in _text(a.get("/my/done"))
    b = signed_in(app, couple.partner_b)
    for path in ("/my/", "/my/done"):
        assert f"/my/homework/{private.id}" not in _text(b.get(path))
    assert "Nothing finished yet" in _text(b.get("/my/done"))
    assert "No check-ins yet" in _text(b.get("/my/check-ins"))
    assert "Done lately" not in _text(b.get("/my/"))


def test_a_partner_turns_reminder_emails_off_and_gets_no_new_homework_email(app, factory):
    couple = factory.couple()
    partner = signed_in(app, couple.partner_a)
    response = partner.post("/my/settings", data={"csrf_token": csrf_token(partner),
                                                   "reminder_hour": "19", "timezone": "Europe/Berlin"})
    assert response.status_code == 302
    db_session.expire_all()
    factory.assign(couple, "empathy-exchange")
    db_session.expire_all()
    new_homework = db_session.scalars(select(OutboxMessage).where(OutboxMessage.unique_key.like("assigned:%"))).all()
    assert [m.to_address for m in new_homework] == [couple.partner_b.email]
    page = _text(partner.get("/my/settings"))
    assert '<option selected value="Europe/Berlin">' in page
    # The switch says what it turns off: every email about the portal, not only "reminders".
    assert "Email me about my portal" in page and "something new for you" in page and "if an appointment moves" in page


def test_without_javascript_an_answer_posted_after_the_session_ended_is_saved_at_the_next_sign_in(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = _first_two_text_fields(assignment)[0]
    partner = signed_in(app, couple.partner_a)
    token = csrf_token(partner)
    long_answer = "Everything I typed over a long, quiet hour. " * 40
    with time_machine.travel(utcnow() + timedelta(minutes=45)):
        response = partner.post(f"/my/homework/{assignment.id}?section=0",
                                data={"csrf_token": token, "revision": "0", "action": "save",
                                      f"a__{field_id}": long_answer})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    signed_in_again = Auth(partner).login(couple.partner_a)
    assert signed_in_again.status_code == 302
    page = _text(partner.get(f"/my/homework/{assignment.id}?edit=1"))
    assert long_answer.strip() in page.replace("&#39;", "'")
    assert "What you typed before you were signed out has been saved." in page


def test_an_answer_kept_from_a_sign_out_never_replaces_newer_words_saved_since_on_another_device(app, factory):
    """The laptop's post is kept when its session ends; the phone saves newer words; the laptop signs
    in again. The kept post is older than the draft: the newer words stay, the older are kept aside,
    and the partner is told."""
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = _first_two_text_fields(assignment)[0]
    laptop, phone = signed_in(app, couple.partner_a), signed_in(app, couple.partner_a)
    token = csrf_token(laptop)
    start = utcnow()
    with time_machine.travel(start + timedelta(minutes=20)):
        assert phone.get("/my/").status_code == 200  # the phone is in use; the laptop sits idle
    with time_machine.travel(start + timedelta(minutes=40)):
        kept = laptop.post(f"/my/homework/{assignment.id}?section=0",
                           data={"csrf_token": token, "revision": "0", "action": "save",
                                 f"a__{field_id}": "Typed on the laptop, earlier"})
        assert "/login" in kept.headers["Location"]
        save_section(phone, assignment.id, {field_id: "Typed on the phone since, the newer words"})
        Auth(laptop).login(couple.partner_a)
        page = _text(laptop.get(f"/my/homework/{assignment.id}?edit=1"))
    assert "Typed on the phone since, the newer words" in page and "Typed on the laptop, earlier" not in page
    assert "older than answers you saved since" in page.replace("&#39;", "'")
    assert "has been saved" not in page
    db_session.expire_all()
    aside = db_session.scalar(select(ResponseRevision).where(ResponseRevision.kind == "conflict"))
    assert aside.content["values"][field_id] == "Typed on the laptop, earlier"


def test_an_answer_kept_from_a_sign_out_fills_in_what_was_blank_beside_newer_words_saved_since(app, factory):
    """The laptop's kept post has its first question typed and its second blank; the phone has since
    answered the second. Both stay: the laptop's words go where nothing was, and its blank clears nothing."""
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    first, second = _first_two_text_fields(assignment)
    laptop, phone = signed_in(app, couple.partner_a), signed_in(app, couple.partner_a)
    token = csrf_token(laptop)
    start = utcnow()
    with time_machine.travel(start + timedelta(minutes=20)):
        assert phone.get("/my/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=40)):
        kept = laptop.post(f"/my/homework/{assignment.id}?section=0",
                           data={"csrf_token": token, "revision": "0", "action": "save",
                                 f"a__{first}": "Typed on the laptop", f"a__{second}": ""})
        assert "/login" in kept.headers["Location"]
        save_section(phone, assignment.id, {second: "Typed on the phone since"})
        Auth(laptop).login(couple.partner_a)
        page = _text(laptop.get(f"/my/homework/{assignment.id}?section=0&edit=1"))
    assert "Typed on the laptop" in page and "Typed on the phone since" in page
    assert "has been saved" in page and "older than answers" not in page


def test_the_counselor_never_sees_a_draft_nor_a_save_kept_aside_from_a_conflict(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = _first_two_text_fields(assignment)[0]
    phone, laptop = signed_in(app, couple.partner_a), signed_in(app, couple.partner_a)
    save_section(phone, assignment.id, {field_id: "draft words only I have seen"})
    save_section(laptop, assignment.id, {field_id: "newer draft from the laptop"})
    assert save_section(phone, assignment.id, {field_id: "kept-aside words from the phone"},
                        revision=1).status_code == 409
    counselor = signed_in(app, couple.counselor)
    answers_page = _text(counselor.get(f"/counselor/assignments/{assignment.id}"))
    for words in ("draft words only I have seen", "newer draft from the laptop", "kept-aside words from the phone"):
        assert words not in answers_page
    response_id = db_session.scalar(select(Response.id).where(Response.assignment_id == assignment.id))
    assert counselor.get(f"/counselor/responses/{response_id}/fhir.json").status_code == 404
    # Once submitted, the counselor reads the submitted answers, still without the kept-aside save.
    answer_everything(laptop, assignment, text="Submitted words")
    assert submit(laptop, assignment.id).status_code == 302
    answers_page = _text(counselor.get(f"/counselor/assignments/{assignment.id}"))
    assert "Submitted words" in answers_page and "kept-aside words from the phone" not in answers_page
    assert counselor.get(f"/counselor/responses/{response_id}/fhir.json").status_code == 200


def test_submitted_dates_are_the_partners_own_day_not_utcs(app, factory):
    """Submitted at 23:30 on Friday in New York, which is Saturday in UTC: the partner's page and the
    counselor's say Friday, the partner's and the counselor's own day."""
    couple = factory.couple()
    for person in (couple.partner_a, couple.counselor):
        person.timezone = "America/New_York"
    db_session.commit()
    assignment = factory.assign(couple, "weekly-trust-check-in", assignee=couple.partner_a)
    with time_machine.travel(datetime(2026, 11, 28, 4, 30, tzinfo=timezone.utc)):
        partner = signed_in(app, couple.partner_a)
        answer_everything(partner, assignment)
        submit(partner, assignment.id)
        page = _text(partner.get(f"/my/homework/{assignment.id}?safe=1"))
        counselor_page = _text(signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}"))
    assert "You submitted this on Friday 27 November 2026." in page
    assert "submitted 27 Nov" in counselor_page and "submitted 28 Nov" not in counselor_page


def test_coming_back_to_a_started_exercise_opens_the_part_where_the_partner_stopped(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    definition = definition_of(assignment.worksheet_version)
    partner = signed_in(app, couple.partner_a)
    assert "Part 1 of" in _text(partner.get(f"/my/homework/{assignment.id}"))  # new: the start
    first = sections_for(definition, None)[0]
    answers = {}
    for field in first.fields:
        answers.update(sample_answer(field))
    save_section(partner, assignment.id, answers, section=0)
    assert "Part 2 of" in _text(partner.get(f"/my/homework/{assignment.id}"))  # the next with questions left
    answer_everything(partner, assignment)
    last = len(sections_for(definition, None))
    assert f"Part {last} of {last}" in _text(partner.get(f"/my/homework/{assignment.id}"))  # Review is there
    assert "Part 1 of" in _text(partner.get(f"/my/homework/{assignment.id}?section=0"))  # asked for, given


def test_none_of_these_ticked_with_another_choice_is_refused_next_to_the_question(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "self-care-and-self-worth", assignee=couple.partner_a)
    definition = definition_of(assignment.worksheet_version)
    section = next(view.index for view in sections_for(definition, None)
                   if any(f.id == "basics_that_are_hard" for f in view.fields))
    partner = signed_in(app, couple.partner_a)
    refused = save_section(partner, assignment.id, {"basics_that_are_hard": ["sleep", "none_of_these"]},
                           section=section)
    assert refused.status_code == 422
    assert "“None of these” can't go with other choices." in _text(refused).replace("&#39;", "'")
    kept = save_section(partner, assignment.id, {"basics_that_are_hard": ["sleep", "eating"]}, section=section)
    assert kept.status_code == 302


def test_none_for_now_and_not_sure_stand_alone_in_the_closeness_question_of_new_boundaries(app, factory):
    """"None for now, Holding hands" was saved and printed for the counselor: an answer that says two things."""
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    definition = definition_of(assignment.worksheet_version)
    section = next(view.index for view in sections_for(definition, None)
                   if any(f.id == "closeness_ok_now" for f in view.fields))
    partner = signed_in(app, couple.partner_a)
    for alone in ("none_for_now", "not_sure"):
        refused = save_section(partner, assignment.id, {"closeness_ok_now": [alone, "holding_hands"]}, section=section)
        assert refused.status_code == 422 and "can't go with other choices." in _text(refused).replace("&#39;", "'")


def test_after_25_weeks_of_sessions_the_summaries_come_twenty_a_page_newest_first(app, factory):
    couple = factory.couple()
    weeks_of_sessions(couple, 25)
    for partner in couple.partners:  # both partners were sent every summary
        browser = signed_in(app, partner)
        first = _text(browser.get("/my/summaries"))
        titles = re.findall(r'<span class="hw-title">([^<]+)</span>', first)
        assert titles[:2] == ["Session 25", "Session 24"] and len(titles) == 20
        assert "25 in all" in first and 'href="/my/summaries?page=2"' in first
        second = _text(browser.get("/my/summaries?page=2"))
        assert re.findall(r'<span class="hw-title">([^<]+)</span>', second) == [f"Session {n}" for n in range(5, 0, -1)]
        assert 'href="/my/summaries?page=1"' in second and "page=3" not in second
        assert browser.get("/my/summaries?page=99").headers["Location"].endswith("/my/summaries?page=2")
        assert browser.get("/my/summaries?page=0").headers["Location"].endswith("/my/summaries")
    other = factory.couple()
    assert "hasn't shared a summary yet" in _text(signed_in(app, other.partner_a).get("/my/summaries"))


def test_after_sending_each_answer_says_who_reads_it_counselor_only_ones_too(app, factory):
    """Shared answers were labelled after sending and counselor-only ones were not: an anxious partner
    could not tell whether the other would read them."""
    couple = factory.couple(hurt="a")
    assignment = factory.assign(couple, "honest-conversation")
    definition = definition_of(assignment.worksheet_version)
    partner = signed_in(app, couple.partner_a)
    partner.partner_id = couple.partner_a_id
    role = couple.role_of(couple.partner_a_id)
    private = next(f for view in sections_for(definition, role) for f in view.fields
                   if f.visibility == "counselor" and f.type == "long_text")
    answer_everything(partner, assignment, text="PRIVATE-WORDS")
    submit(partner, assignment.id)
    page = _text(partner.get(f"/my/homework/{assignment.id}"))
    item = page[page.index(f"PRIVATE-WORDS: {private.id}"):]
    assert item.index("Only your counselor sees this.") < item.index("</dd>")


def test_the_skip_choice_of_a_question_ending_in_a_question_mark_is_read_out_with_one(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    partner = signed_in(app, couple.partner_a)
    pages = "".join(_text(partner.get(f"/my/homework/{assignment.id}?edit=1&section={n}")) for n in range(4))
    assert "How would you like to answer “" in pages and "?”?" not in pages
