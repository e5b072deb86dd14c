"""Every answer is shown under the words its author was asked, wherever it appears.

Some questions are worded differently for the hurt and the involved partner. An answer shown under
the other partner's wording reads as an answer to a question its author never saw.
"""
import json

from helpers import answer_everything, submit
from support import csrf_token, pdf_text, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Response

FIELD = "what_would_make_it_worthwhile"
HURT_WORDING = "What would make this conversation feel worthwhile for you, even if it is hard? For example"
INVOLVED_WORDING = "What would you like your partner to come away with from this conversation"


def _both_submit_honest_conversation(app, factory):
    couple = factory.couple(hurt="a")  # partner A was hurt, partner B was involved
    assignment = factory.assign(couple, "honest-conversation")
    for partner, text in ((couple.partner_a, "Hurt wrote"), (couple.partner_b, "Involved wrote")):
        browser = signed_in(app, partner)
        browser.partner_id = partner.id
        answer_everything(browser, assignment, text=text)
        assert submit(browser, assignment.id).status_code == 302
    # This exercise is released after review: the counselor releases everything before partners read it.
    counselor = signed_in(app, couple.counselor)
    counselor.post(f"/counselor/assignments/{assignment.id}/release",
                   data={"csrf_token": csrf_token(counselor), "action": "all"})
    return couple, assignment


def _label_before(html: str, answer: str) -> str:
    """The question text shown nearest before an answer in a page."""
    before = html[: html.index(answer)]
    return before[max(before.rfind(INVOLVED_WORDING[:40]), before.rfind(HURT_WORDING[:40])):][:120]


def test_the_hurt_partner_reads_the_involved_partners_answer_under_the_involved_wording(app, factory):
    couple, assignment = _both_submit_honest_conversation(app, factory)
    page = signed_in(app, couple.partner_a).get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    theirs = page[page.index("What your partner shared"):page.index("My answers")]
    assert f"Involved wrote: {FIELD}" in theirs
    assert _label_before(theirs, f"Involved wrote: {FIELD}").startswith(INVOLVED_WORDING[:40])
    assert HURT_WORDING not in theirs


def test_the_involved_partner_reads_the_hurt_partners_answer_under_the_hurt_wording(app, factory):
    couple, assignment = _both_submit_honest_conversation(app, factory)
    page = signed_in(app, couple.partner_b).get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    theirs = page[page.index("What your partner shared"):page.index("My answers")]
    assert _label_before(theirs, f"Hurt wrote: {FIELD}").startswith(HURT_WORDING[:40])


def test_side_by_side_shows_what_each_partner_was_asked(app, factory):
    couple, assignment = _both_submit_honest_conversation(app, factory)
    page = signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    assert "worded for each partner" in page
    assert _label_before(page, f"Hurt wrote: {FIELD}").startswith(HURT_WORDING[:40])
    assert _label_before(page, f"Involved wrote: {FIELD}").startswith(INVOLVED_WORDING[:40])


def test_the_prep_packet_prints_what_each_partner_was_asked(app, factory):
    couple, assignment = _both_submit_honest_conversation(app, factory)
    text = pdf_text(signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}/prep.pdf").data)
    assert "worded for each partner" in text
    # A table cell wraps wherever the page needs: compare with the spaces folded away.
    squeezed = text.replace(" ", "")
    hurt, involved = HURT_WORDING[:40].replace(" ", ""), INVOLVED_WORDING[:40].replace(" ", "")
    for answer, wording in ((f"Hurtwrote:{FIELD}", hurt), (f"Involvedwrote:{FIELD}", involved)):
        before = squeezed[: squeezed.index(answer)]
        assert before.rfind(wording) > before.rfind(hurt if wording == involved else involved)


def test_the_fhir_export_carries_the_authors_wording(app, factory):
    couple, assignment = _both_submit_honest_conversation(app, factory)
    response_id = db_session.query(Response.id).filter_by(assignment_id=assignment.id,
                                                          partner_id=couple.partner_b_id).scalar()
    exported = signed_in(app, couple.counselor).get(f"/counselor/responses/{response_id}/fhir.json").json
    items = [item for group in exported["item"] for item in group["item"] if item["linkId"] == FIELD]
    assert items[0]["text"].startswith(INVOLVED_WORDING)
    assert HURT_WORDING not in json.dumps(exported)


def test_the_partners_answer_is_said_to_answer_the_words_put_to_the_partner(app, factory):
    """The hurt partner's question speaks to them ("your pain"); shown to the involved partner, it is
    marked as what their partner was asked, so that its "you" does not read as said to the reader."""
    couple, assignment = _both_submit_honest_conversation(app, factory)
    page = signed_in(app, couple.partner_b).get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    theirs = page[page.index("What your partner shared"):page.index("My answers")]
    asked = theirs[: theirs.index(HURT_WORDING[:40])]
    assert asked.rstrip().endswith('<span class="asked-of">Your partner was asked:</span>')
