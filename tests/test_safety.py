"""Clinical safety: the private check-in leaves no trace, risk alerts the counselor only, locks hold."""
import difflib
import re

import pytest
from sqlalchemy import select

from helpers import answer_check_in_with_risk, answer_everything
from support import csrf_token, pdf_text, signed_in
from therapist_app.engine.presentation import definition_of
from therapist_app.extensions import session as db_session
from therapist_app.models import Assignment, OutboxMessage, Response
from therapist_app.services.worksheets import version_by_slug

VOLATILE = [
    (re.compile(r'name="csrf_token"[^>]*value="[^"]*"'), "csrf"),
    (re.compile(r'value="[^"]*"[^>]*name="csrf_token"'), "csrf"),
    (re.compile(r'data-csrf="[^"]*"'), "csrf"),
    (re.compile(r"/homework/\d+"), "/homework/N"),
    (re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4}"), "DATE"),
]


def _normalised(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _everything_partner_b_can_reach(app, couple, joint):
    """Every page, JSON answer and PDF-free path partner B can open, plus B's emails."""
    b = signed_in(app, couple.partner_b)
    seen = {}
    pages = ["/my/", f"/my/homework/{joint.id}", f"/my/homework/{joint.id}?edit=1",
             f"/my/homework/{joint.id}/review"]
    for path in pages:
        seen[path] = _normalised(b.get(path).get_data(as_text=True))
    token = csrf_token(b)
    autosave = b.post(f"/my/homework/{joint.id}/draft?section=0",
                      data={"csrf_token": token, "revision": "0"}, headers={"Accept": "application/json"}).json
    autosave.pop("csrf_token", None)
    autosave.pop("saved_at", None)
    seen["autosave"] = autosave
    db_session.expire_all()
    seen["emails"] = sorted(
        (m.subject, _normalised(m.body)) for m in db_session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address == couple.partner_b.email))
    )
    seen["email_count"] = len(seen["emails"])
    return seen


@pytest.mark.parametrize("gate", ["block", "warn", "off"])
def test_the_private_check_in_leaves_no_trace_that_the_other_partner_could_see(app, factory, gate):
    couple = factory.couple(counselor=factory.counselor(factory.practice(joint_homework_gate=gate)),
                            with_check_ins=False)
    joint = factory.assign(couple, "empathy-exchange")
    before = _everything_partner_b_can_reach(app, couple, joint)
    # the same reach, now that A has a check-in answered with a risk answer on every screening
    # question and its follow-ups (self-harm included, which shows A crisis resources), and has added
    # an addendum after sending it
    db_session.execute(select(Assignment))  # keep the session alive across the two looks
    check_in = answer_check_in_with_risk(app, couple)
    assert check_in_has_every_new_item(check_in)
    a = signed_in(app, couple.partner_a)
    added = a.post(f"/my/homework/{check_in.id}/addendum",
                   data={"csrf_token": csrf_token(a), "text": "An addendum"})
    assert added.status_code == 302
    _assert_same(before, _everything_partner_b_can_reach(app, couple, joint))
    # the counselor reads it; A adds a note after that, which counts for the counselor again (never
    # for B); the counselor reads that too: B's reach is unchanged at every step
    counselor = signed_in(app, couple.counselor)
    response_id = db_session.scalar(select(Response.id).where(Response.assignment_id == check_in.id))

    def mark_read():
        token = csrf_token(counselor)
        assert counselor.post(f"/counselor/responses/{response_id}/reviewed",
                              data={"csrf_token": token}).status_code == 302
    mark_read()
    _assert_same(before, _everything_partner_b_can_reach(app, couple, joint))
    later = a.post(f"/my/homework/{check_in.id}/addendum",
                   data={"csrf_token": csrf_token(a), "text": "A later note"})
    assert later.status_code == 302
    assert "including 1 new note" in counselor.get("/counselor/").get_data(as_text=True)
    _assert_same(before, _everything_partner_b_can_reach(app, couple, joint))
    mark_read()
    _assert_same(before, _everything_partner_b_can_reach(app, couple, joint))


def _assert_same(before: dict, after: dict) -> None:
    for key in before:
        if before[key] != after[key]:
            diff = "\n".join(difflib.unified_diff(str(before[key]).splitlines(), str(after[key]).splitlines(), lineterm=""))
            raise AssertionError(f"{key} differs:\n{diff}")
    assert before == after


def check_in_has_every_new_item(check_in) -> bool:
    """The risk answers reached the new screening items and the follow-ups after a positive screen."""
    response = db_session.scalar(select(Response).where(Response.assignment_id == check_in.id))
    wanted = {"insulted_or_screamed_at", "put_down_or_humiliated", "jealous_or_monitored", "ever_hurt_or_afraid",
              "threatened_to_kill", "choked_or_strangled", "weapon", "getting_worse", "threats_about_children",
              "threats_of_self_harm_to_control", "own_behaviour", "cannot_say_in_joint_sessions",
              "thoughts_of_self_harm"}
    return response.risk_flagged and wanted <= set(response.submitted["values"])


def test_a_risk_answer_raises_the_counselor_badge_at_once_and_changes_nothing_partners_see(app, factory):
    couple = factory.couple(with_check_ins=False)
    counselor = signed_in(app, couple.counselor)
    assert "need your attention" not in counselor.get("/counselor/").get_data(as_text=True)
    a = signed_in(app, couple.partner_a)
    homework_before = a.get("/my/").get_data(as_text=True)
    answer_check_in_with_risk(app, couple)
    dashboard = counselor.get("/counselor/").get_data(as_text=True)
    assert re.search(r"<strong>1</strong> private check-in or answer needs your attention", dashboard)
    homework_after = a.get("/my/").get_data(as_text=True)
    assert "pause" not in homework_after.lower() and "next steps" not in homework_after
    assert homework_after.count("hw-title") == homework_before.count("hw-title") + 1  # only their own check-in


def test_the_check_in_opens_with_the_safety_question_and_no_leaves_at_once(app, factory):
    couple = factory.couple(with_check_ins=True)
    a = signed_in(app, couple.partner_a)
    homework = a.get("/my/").get_data(as_text=True)
    check_in_id = re.search(r'/my/homework/(\d+)"[^>]*>\s*<span class="hw-title">Check-in', homework).group(1)
    gate = a.get(f"/my/homework/{check_in_id}").get_data(as_text=True)
    assert "Is it safe for you to answer right now?" in gate
    assert f'href="{app.config["THERAPIST_QUICK_EXIT_URL"]}"' in gate and "No, leave now" in gate
    assert "<title>Secure portal</title>" in gate


def test_each_partners_check_in_is_invisible_to_the_other(app, factory):
    couple = factory.couple(with_check_ins=True)
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    a_ids = set(re.findall(r"/my/homework/(\d+)", a.get("/my/").get_data(as_text=True)))
    b_ids = set(re.findall(r"/my/homework/(\d+)", b.get("/my/").get_data(as_text=True)))
    assert len(a_ids) == len(b_ids) == 1 and not a_ids & b_ids
    assert b.get(f"/my/homework/{a_ids.pop()}").status_code == 404


def test_a_locked_exercise_cannot_be_assigned_or_opened_before_it_is_unlocked(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    version = version_by_slug("mindful-reconnection")
    page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert version.title not in page  # not offered in the assign form
    forged = counselor.post(f"/counselor/couples/{couple.id}/assign", data={
        "csrf_token": csrf_token(counselor), "worksheet": version.id,
        "assignee": "both"})
    assert forged.status_code == 422
    db_session.expire_all()
    assert db_session.scalar(select(Assignment).where(Assignment.worksheet_version_id == version.id)) is None

    # unlocked, assigned, then locked again: partners can no longer open it, by list or by URL
    couple.intimacy_unlocked = True
    db_session.commit()
    assignment = factory.assign(couple, "mindful-reconnection")
    a = signed_in(app, couple.partner_a)
    assert version.title in a.get("/my/").get_data(as_text=True)
    couple.intimacy_unlocked = False
    db_session.commit()
    assert version.title not in a.get("/my/").get_data(as_text=True)
    assert a.get(f"/my/homework/{assignment.id}").status_code == 409
    token = csrf_token(a)
    assert a.post(f"/my/homework/{assignment.id}?section=0",
                  data={"csrf_token": token, "revision": "0"}).status_code == 409


def test_not_yet_from_one_partner_holds_the_exercise_for_both_and_only_the_counselor_sees_who(app, factory):
    couple = factory.couple()
    couple.intimacy_unlocked = True
    db_session.commit()
    assignment = factory.assign(couple, "mindful-reconnection")
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    gate = b.get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    assert "Not yet" in gate
    b.post(f"/my/homework/{assignment.id}/readiness",
           data={"csrf_token": csrf_token(b), "ready": "yes"})
    b.partner_id = couple.partner_b_id
    answer_everything(b, assignment, text="B-STARTED")  # a draft of B's, before A says "not yet"
    a.post(f"/my/homework/{assignment.id}/readiness",
           data={"csrf_token": csrf_token(a), "ready": "no"})
    b_list = b.get("/my/").get_data(as_text=True)
    # Neutral, and true: B's draft is not "not started", and nothing says whose "not yet" it is.
    assert "Not open right now" in b_list and "Not started yet" not in b_list and "not yet" not in b_list
    held = b.get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    assert "open right now. Anything you have written in it is kept" in held
    counselor_page = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "Said “not yet”" in counselor_page and "Waits: the other said “not yet”" in counselor_page
    # A can say "ready" later: the question is asked again (it was never asked again, and A was stuck).
    again = a.get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    assert "Last time you said “not yet”" in again and "I feel ready now" in again
    a.post(f"/my/homework/{assignment.id}/readiness", data={"csrf_token": csrf_token(a), "ready": "yes"})
    assert "In progress" in b.get("/my/").get_data(as_text=True)
    assert "B-STARTED" in b.get(f"/my/homework/{assignment.id}/review").get_data(as_text=True)  # kept


def test_a_paused_couple_sees_the_same_neutral_line_and_no_joint_homework(app, factory):
    couple = factory.couple()
    factory.assign(couple, "empathy-exchange")
    couple.joint_paused = True
    db_session.commit()
    pages = [signed_in(app, p).get("/my/").get_data(as_text=True) for p in couple.partners]
    for page in pages:
        assert "Your counselor will talk with you about next steps." in page
        assert "Understanding each other" not in page


@pytest.mark.parametrize("country, expected", [("US", "988"), ("GB", "116 123"), ("DE", "112")])
def test_the_crisis_footer_uses_the_practice_countrys_resources(app, factory, country, expected):
    practice = factory.practice(country=country)
    couple = factory.couple(counselor=factory.counselor(practice))
    page = signed_in(app, couple.partner_a).get("/my/").get_data(as_text=True)
    assert expected in page and "not watched in real time" in page


def test_every_field_says_who_will_see_it(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    page = signed_in(app, couple.partner_a).get(f"/my/homework/{assignment.id}?edit=1").get_data(as_text=True)
    questions = page.count('class="question')
    notes = page.count("Only your counselor sees this.") + page.count("Your partner sees this after you have both submitted.")
    assert questions and questions == notes


def test_stage_ahead_assignment_warns_but_is_allowed(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    version = version_by_slug("deciding-our-future")
    response = counselor.post(f"/counselor/couples/{couple.id}/assign", data={
        "csrf_token": csrf_token(counselor), "worksheet": version.id,
        "assignee": "both"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "belongs to stage 3; the couple is in stage 1" in page and "The exercise was assigned." in page


def test_private_check_ins_are_never_printed_only_flagged_for_reading(app, factory):
    couple = factory.couple(with_check_ins=False)
    answer_check_in_with_risk(app, couple)
    pdf = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf")
    text = pdf_text(pdf.data)
    assert "Read first" in text and "private check-ins are never printed" in text
    for field in definition_of(version_by_slug("safety-check-in")).all_fields():
        assert field.label[:40] not in text
    assert "Check-in" not in text.replace("private check-in", "")
    assert f"A private check-in needs reading before the session: {couple.partner_a.display_name}" in text


def test_the_practice_chooses_which_check_in_answers_alert_the_counselor(app, factory):
    practice = factory.practice()
    admin = signed_in(app, factory.admin(practice))
    couple = factory.couple(counselor=factory.counselor(practice))
    definition = definition_of(version_by_slug("safety-check-in"))
    page = admin.get("/admin/practice").get_data(as_text=True)
    first = next(f for f in definition.all_fields() if getattr(f, "risk_values", None))
    assert first.label.replace("'", "&#39;") in page
    # the practice decides that no answer of any question alerts: the same risky answers now raise nothing
    admin.post("/admin/practice/risk-answers", data={"csrf_token": csrf_token(admin)})
    answer_check_in_with_risk(app, couple)
    counselor = signed_in(app, couple.counselor)
    assert "need your attention" not in counselor.get("/counselor/").get_data(as_text=True)
    # and back to alerting on the worksheet's own choices
    admin.post("/admin/practice/risk-answers", data={"csrf_token": csrf_token(admin),
                                                     first.id: first.risk_values})
    answer_check_in_with_risk(app, couple)
    assert re.search(r"<strong>1</strong> private check-in or answer needs your attention",
                     counselor.get("/counselor/").get_data(as_text=True))


def test_the_counselor_sees_that_locked_intimacy_work_is_hidden_from_the_partners(app, factory):
    couple = factory.couple()
    couple.intimacy_unlocked = True
    db_session.commit()
    factory.assign(couple, "mindful-reconnection")
    couple.intimacy_unlocked = False
    db_session.commit()
    page = signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "locked: the partners can't see this now" in page
