"""Every exercise of the library, for every role, through the portal: each part renders, takes answers
and the whole can be submitted."""
import re

import pytest
from sqlalchemy import select

from helpers import sample_answer, save_section, submit
from support import LIBRARY, csrf_token, signed_in
from therapist_app.engine.presentation import definition_of, field_by_id
from therapist_app.extensions import session as db_session
from therapist_app.models import Response

SLUGS = sorted(p.stem for p in LIBRARY.glob("*.yaml"))


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("role", [None, "hurt", "involved"])
def test_every_exercise_renders_and_accepts_answers_for_every_role(app, factory, slug, role):
    couple = factory.couple()
    partner = couple.partner_a
    if role:
        couple.hurt_partner_id = partner.id if role == "hurt" else couple.partner_b_id
    couple.intimacy_unlocked = True
    db_session.commit()
    assignment = factory.assign(couple, slug, assignee=partner)
    definition = definition_of(assignment.worksheet_version)
    client = signed_in(app, partner)
    if definition.readiness_check:
        client.post(f"/my/homework/{assignment.id}/readiness",
                    data={"csrf_token": csrf_token(client), "ready": "yes"})
    section = 0
    while True:
        page = client.get(f"/my/homework/{assignment.id}?section={section}&edit=1")
        html = page.get_data(as_text=True)
        assert page.status_code == 200, html[:500]
        answers = {}
        for field_id in re.findall(r'class="question[^"]*" id="q-[^"]+" data-field="([^"]+)"', html):
            answers.update(sample_answer(field_by_id(definition, field_id)))
        assert answers, f"part {section} asks nothing"
        assert save_section(client, assignment.id, answers, section=section).status_code == 302
        if 'value="review"' in html:
            break
        section += 1
    client.post(f"/my/homework/{assignment.id}/skip-unanswered", data={"csrf_token": csrf_token(client)})
    assert submit(client, assignment.id).status_code == 302
    db_session.expire_all()
    assert db_session.scalar(select(Response).where(Response.assignment_id == assignment.id)).is_submitted
