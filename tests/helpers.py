"""Steps a partner takes through the portal, for tests that read like a person's actions."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from support import csrf_token, signed_in
from therapist_app.engine.fields import kind_of
from therapist_app.engine.presentation import definition_of, sections_for
from therapist_app.extensions import session as db_session
from therapist_app.models import Appointment, Assignment, AssignmentSeries, PendingSave, Response, SessionTopic
from therapist_app.models.base import utcnow
from therapist_app.models.response import STATUS_SUBMITTED
from therapist_app.models.series import SERIES_ENDED
from therapist_app.services import assignments, summaries
from therapist_app.services.checkins import METRICS
from therapist_app.services.worksheets import version_by_slug

REVISION = re.compile(r'name="revision"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="revision"')


def page_revision(html: str) -> int:
    """The revision the page's form posts back (the answer form's and the review page's), 0 if none."""
    match = REVISION.search(html)
    return int(match.group(1) or match.group(2)) if match else 0


def save_section(client, assignment_id, answers: dict, section=0, action="save", revision=None):
    """Posts one section of the answer form as the browser would without JavaScript."""
    path = f"/my/homework/{assignment_id}?section={section}&edit=1"
    html = client.get(path).get_data(as_text=True)
    data = {"csrf_token": csrf_token(client), "action": action,
            "revision": str(page_revision(html) if revision is None else revision)}
    data.update({f"a__{key}" if not key.startswith(("a__", "s__")) else key: value for key, value in answers.items()})
    return client.post(f"/my/homework/{assignment_id}?section={section}", data=data)


def submit(client, assignment_id, hold_back=()):
    path = f"/my/homework/{assignment_id}/review"
    html = client.get(path).get_data(as_text=True)
    data = {"csrf_token": csrf_token(client), "revision": str(page_revision(html)),
            "hold_back": list(hold_back)}
    return client.post(f"/my/homework/{assignment_id}/submit", data=data)


def both_partners_submit(app, couple, assignment, text="My answer", text_b=None) -> dict:
    """Each partner, in their own browser, answers every question of `assignment` and submits it
    (partner B with `text_b`, when the two answers should differ). {partner id: that browser}."""
    browsers = {}
    for partner, words in ((couple.partner_a, text), (couple.partner_b, text if text_b is None else text_b)):
        browsers[partner.id] = browser = signed_in(app, partner)
        browser.partner_id = partner.id  # questions asked only of the hurt, or only of the other partner
        answer_everything(browser, assignment, text=words)
        submit(browser, assignment.id)
    return browsers


def answer_everything(client, assignment, text="My answer"):
    """Fills every visible field of every section: text where text goes, the first option elsewhere,
    and skip where a field cannot take plain text."""
    definition = definition_of(assignment.worksheet_version)
    role = assignment.couple.role_of(client.partner_id) if hasattr(client, "partner_id") else None
    for view in sections_for(definition, role):
        answers = {}
        for field in view.fields:
            answers.update(sample_answer(field, text))
        response = save_section(client, assignment.id, answers, section=view.index)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def sample_answer(field, text="My answer") -> dict:
    """The field kind's sample answer as the page posts it: a table one box per cell, the rest as text."""
    key, value = f"a__{field.id}", kind_of(field).sample_answer(field, text)
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return {f"{key}-{n}-{column}": cell for n, row in enumerate(value) for column, cell in row.items()}
    return {key: value if isinstance(value, list) else str(value)}


def answer_check_in_with_risk(app, couple):
    """Partner A is given the private check-in and answers it with a risk answer."""
    counselor = couple.counselor
    version = version_by_slug("safety-check-in")
    check_in = assignments.assign(counselor, couple.id, version.id, assignee_id=couple.partner_a_id).assignments[0]
    a = signed_in(app, couple.partner_a)
    definition = definition_of(version)
    risky = {}
    for field in definition.all_fields():
        if getattr(field, "risk_values", None):
            risky[f"a__{field.id}"] = field.risk_values[0]
    for index, section in enumerate(definition.sections):
        answers = {k: v for k, v in risky.items() if k[3:] in {f.id for f in section.fields}}
        answers.update({f"s__{f.id}": "skipped" for f in section.fields if f"a__{f.id}" not in risky})
        save_section(a, check_in.id, answers, section=index)
    submit(a, check_in.id)
    db_session.expire_all()
    return check_in


def check_in_of(couple, partner):
    """`partner`'s private check-in, the one adding the couple gave them."""
    version = version_by_slug("safety-check-in")
    return db_session.scalar(select(Assignment).where(Assignment.couple_id == couple.id,
                                                      Assignment.assignee_id == partner.id,
                                                      Assignment.worksheet_version_id == version.id))


def answer_check_in_calmly(client, check_in, ever="never", extra=None):
    """Every screening question answered "never"/"no"; `ever` for the whole-relationship question."""
    definition = definition_of(check_in.worksheet_version)
    calm = {"ever_hurt_or_afraid": ever, **(extra or {})}
    index = 0
    while True:
        draft = db_session.scalar(select(Response).where(Response.assignment_id == check_in.id))
        db_session.expire_all()
        answers = draft.draft if draft else None
        views = sections_for(definition, None, answers or {"values": {}, "states": {}}, within=index)
        if index >= len(views):
            return
        posted = {}
        for field in views[index].fields:
            if field.id in calm:
                posted[f"a__{field.id}"] = calm[field.id]
            elif field.type == "single_choice":
                posted[f"a__{field.id}"] = field.options[0].value
            elif not field.show_if:
                posted[f"s__{field.id}"] = "skipped"
        assert save_section(client, check_in.id, posted, section=index).status_code == 302
        index += 1


# Answers posted as an idle sign-out happens (tests/client/test_kept_posts.py, tests/security/test_idle.py).
LONG_ANSWER = "Everything I typed over a long, quiet evening. " * 20


def answer_post(client, assignment, field_id, token, text=LONG_ANSWER):
    """The no-JavaScript save of one long answer, as the page posts it."""
    return client.post(f"/my/homework/{assignment.id}?section=0",
                       data={"csrf_token": token, "revision": "0", "action": "save", f"a__{field_id}": text})


def first_long_text_field(assignment):
    return next(f.id for f in definition_of(assignment.worksheet_version).all_fields() if f.type == "long_text")


def kept_saves_of(user) -> int:
    """How many posts are kept, sealed, for `user`'s next sign-in."""
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(PendingSave).where(PendingSave.user_id == user.id))


def weeks_of_check_ins(couple, partner, weeks: int, ratings=None, read=True) -> list[Assignment]:
    """`weeks` weekly trust check-ins of a repeating series that `partner` submitted (and, with `read`,
    the counselor read), one a week back from the week before last, the newest first: a couple long in
    care. Rows as the scheduler and submitting leave them (answers sealed to their rows), written
    directly, since what is under test is what the pages show of a long history."""
    version = version_by_slug("weekly-trust-check-in")
    now = utcnow()
    series = AssignmentSeries(couple_id=couple.id, worksheet_version_id=version.id, created_by_id=couple.counselor_id,
                              first_due=(now - timedelta(weeks=weeks + 1)).date(), status=SERIES_ENDED,
                              next_period=weeks)
    db_session.add(series)
    db_session.flush()
    made = []
    for week in reversed(range(weeks)):  # the oldest first, as the weeks went by (ids in that order)
        when = now - timedelta(weeks=week + 2)
        assignment = Assignment(couple_id=couple.id, worksheet_version_id=version.id, created_by_id=couple.counselor_id,
                                due_date=when.date(), series_id=series.id, period=weeks - 1 - week,
                                created_at=when - timedelta(days=3))  # sent a few days after it came
        db_session.add(assignment)
        db_session.flush()
        values = {f"{metric}_rating": (ratings or {}).get(metric, week % 11) for metric in METRICS}
        answers = {"values": values, "states": {}}
        db_session.add(Response(assignment_id=assignment.id, partner_id=partner.id, status=STATUS_SUBMITTED,
                                draft=answers, submitted=answers, revision=1, submitted_at=when,
                                reviewed_at=when + timedelta(days=1) if read else None))
        made.insert(0, assignment)
    db_session.commit()
    return made


def weeks_of_sessions(couple, weeks: int, topic_text: str = "Something from the week") -> list[Appointment]:
    """`weeks` weekly sessions, held, the last one a week ago, the oldest first: before each, a topic
    from each partner (their own words, for the counselor only); after each, a summary the counselor
    published through the service, as both partners received it. A couple long in care."""
    made = []
    for week in range(weeks, 0, -1):
        starts = utcnow() - timedelta(weeks=week)
        appointment = Appointment(couple_id=couple.id, starts_at=starts, status="held")
        db_session.add(appointment)
        db_session.flush()
        for partner in couple.partners:
            db_session.add(SessionTopic(couple_id=couple.id, author_id=partner.id, text=topic_text,
                                        created_at=starts - timedelta(days=2)))
        db_session.commit()
        summaries.save_draft(couple.counselor, appointment.id, summaries.SummaryDraft(
            parts={"both": {"worked_on": f"What we worked on in week {weeks - week + 1}", "note": ""}}))
        summary = summaries.publish(couple.counselor, appointment.id)
        summary.published_at = starts + timedelta(days=1)  # published the day after, not all today
        db_session.commit()
        made.append(appointment)
    return made
