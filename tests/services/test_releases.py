"""Release after review: on disclosure work nothing shared reaches the other partner until the
counselor has read it and released it. Proven with planted markers."""
from sqlalchemy import select

from helpers import answer_everything, submit
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Assignment, OutboxMessage, Response
from therapist_app.services.worksheets import version_by_slug

AWAITING = "Your counselor will share this with you after your session."


def _both_submit(app, couple, assignment, hold_back_for_a=()):
    for partner, marker in ((couple.partner_a, "MARKER-ROBIN"), (couple.partner_b, "MARKER-KAI")):
        browser = signed_in(app, partner)
        browser.partner_id = partner.id
        answer_everything(browser, assignment, text=marker)
        held = hold_back_for_a if partner is couple.partner_a else ()
        assert submit(browser, assignment.id, hold_back=held).status_code == 302


def _everything_partner_a_can_reach(app, couple, assignment) -> str:
    browser = signed_in(app, couple.partner_a)
    pages = [browser.get(path).get_data(as_text=True)
             for path in ("/my/", f"/my/homework/{assignment.id}", f"/my/homework/{assignment.id}/review",
                          f"/my/homework/{assignment.id}?edit=1")]
    emails = [m.body + m.subject for m in db_session.scalars(select(OutboxMessage))]
    return "\n".join(pages + emails)


def _release(app, couple, assignment, **form):
    counselor = signed_in(app, couple.counselor)
    path = f"/counselor/assignments/{assignment.id}"
    return counselor.post(f"{path}/release", data={"csrf_token": csrf_token(counselor), **form})


def test_nothing_shared_reaches_the_partner_before_release(app, factory):
    couple = factory.couple(hurt="a")
    assignment = factory.assign(couple, "honest-conversation")
    assert assignment.release_mode == "after_review"  # the library's default for this exercise
    _both_submit(app, couple, assignment)
    reachable = _everything_partner_a_can_reach(app, couple, assignment)
    assert "MARKER-KAI" not in reachable
    assert AWAITING in reachable
    page = signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    assert "shared answers wait for you to release them" in page and "shared answers are revealed" not in page


def test_the_counselor_previews_exactly_what_each_partner_will_read_then_releases_it(app, factory):
    couple = factory.couple(hurt="a")
    assignment = factory.assign(couple, "honest-conversation")
    _both_submit(app, couple, assignment, hold_back_for_a=("what_would_make_it_worthwhile",))
    page = signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    preview = page[page.index("Released after your review"):page.index("Release everything shown")]
    assert f"What {couple.partner_b.display_name} will read of {couple.partner_a.display_name}" in preview
    assert "MARKER-KAI: what_would_make_it_worthwhile" in preview     # shared, not held back
    assert "MARKER-ROBIN: what_would_make_it_worthwhile" not in preview  # held back by Robin
    assert "MARKER-KAI: feelings_now" not in preview  # counselor-only answers are never offered

    response = _release(app, couple, assignment, action="all")
    assert response.status_code == 302
    reachable = _everything_partner_a_can_reach(app, couple, assignment)
    assert "MARKER-KAI: what_would_make_it_worthwhile" in reachable and AWAITING not in reachable
    b_reads = signed_in(app, couple.partner_b).get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    assert "MARKER-ROBIN: what_would_make_it_worthwhile" not in b_reads  # held back stays held back
    # Afterwards both sides say so: the counselor's page, and each partner's own answers.
    page = signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    assert "Everything shared in this exercise has been released" in page and "Release everything shown" not in page
    assert "Your partner can see this." in b_reads and "will share this with your partner after" not in b_reads


def test_answers_are_released_one_at_a_time(app, factory):
    couple = factory.couple(hurt="a")
    assignment = factory.assign(couple, "honest-conversation")
    _both_submit(app, couple, assignment)
    key = f"{couple.partner_b_id}:what_would_make_it_worthwhile"
    assert _release(app, couple, assignment, action="selected", answer=key).status_code == 302
    reachable = signed_in(app, couple.partner_a).get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    assert "MARKER-KAI: what_would_make_it_worthwhile" in reachable
    assert reachable.count("MARKER-KAI") == 1  # only the one released answer
    assert "so more may follow" in reachable
    b_reads = signed_in(app, couple.partner_b).get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    assert "MARKER-ROBIN" not in b_reads  # nothing of Robin's was released
    # Nothing released to Kai yet: the same words as for answers kept back, never "didn't share".
    assert "Nothing from this exercise is shared with you right now" in b_reads and "share answers" not in b_reads
    # Then the rest: the message says how many this press released, and how many the partners see.
    counselor = signed_in(app, couple.counselor)
    page = counselor.post(f"/counselor/assignments/{assignment.id}/release",
                          data={"csrf_token": csrf_token(counselor), "action": "all"},
                          follow_redirects=True).get_data(as_text=True)
    db_session.expire_all()
    in_all = len(db_session.get(Assignment, assignment.id).released_fields)
    assert f"Released {in_all - 1} more shared answers ({in_all} in all)." in page


def test_the_counselor_chooses_the_release_mode_when_assigning(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    page = f"/counselor/couples/{couple.id}"
    for slug, mode in (("empathy-exchange", "after_review"), ("new-boundaries", "when_both_submitted")):
        counselor.post(f"{page}/assign", data={"csrf_token": csrf_token(counselor), "assignee": "both",
                                              "worksheet": version_by_slug(slug).id, "release": mode})
    db_session.expire_all()
    modes = {a.worksheet_version.worksheet.slug: a.release_mode
             for a in db_session.scalars(select(Assignment).where(Assignment.couple_id == couple.id))}
    assert modes["empathy-exchange"] == "after_review" and modes["new-boundaries"] == "when_both_submitted"


def test_release_is_refused_before_both_submit_and_to_anyone_but_the_couples_counselor(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    counselor = signed_in(app, couple.counselor)
    path = f"/counselor/assignments/{assignment.id}"
    follow = counselor.post(f"{path}/release", data={"csrf_token": csrf_token(counselor), "action": "all"},
                            follow_redirects=True).get_data(as_text=True)
    assert "Both partners need to submit before anything can be released." in follow
    _both_submit(app, couple, assignment)
    stranger = signed_in(app, factory.counselor(couple.counselor.practice))
    assert stranger.post(f"/counselor/assignments/{assignment.id}/release",
                         data={"csrf_token": csrf_token(stranger), "action": "all"}).status_code == 404
    partner = signed_in(app, couple.partner_a)
    assert partner.post(f"/counselor/assignments/{assignment.id}/release",
                        data={"csrf_token": csrf_token(partner), "action": "all"}).status_code == 404
    db_session.expire_all()
    assert not db_session.get(Assignment, assignment.id).released_fields


def test_the_review_step_tells_the_partner_the_rule_that_applies(app, factory):
    couple = factory.couple(hurt="a")
    gated = factory.assign(couple, "honest-conversation")
    partner = signed_in(app, couple.partner_a)
    partner.partner_id = couple.partner_a_id
    answer_everything(partner, gated)
    review = partner.get(f"/my/homework/{gated.id}/review").get_data(as_text=True)
    assert "Your partner will see this after your counselor has read it with you." in review
    assert "Your partner will see this after you have both submitted." not in review


def test_keep_this_for_my_counselor_chosen_after_sending_is_kept_and_never_released(app, factory):
    """Back on the review page after sending, a partner ticked "Keep this for my counselor only" and
    was thanked, but nothing was stored: the same answers and revision counted as a double click, and
    the counselor's "Release everything" then sent the answer to the other partner."""
    couple = factory.couple(hurt="a")
    assignment = factory.assign(couple, "honest-conversation")
    _both_submit(app, couple, assignment)
    kai = signed_in(app, couple.partner_b)
    assert submit(kai, assignment.id, hold_back=["what_would_make_it_worthwhile"]).status_code == 302
    assert submit(kai, assignment.id, hold_back=["what_would_make_it_worthwhile"]).status_code == 302  # twice: no harm
    page = signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    assert "MARKER-KAI: what_would_make_it_worthwhile" not in page[page.index("Released after your review"):]
    assert _release(app, couple, assignment, action="all").status_code == 302
    reachable = _everything_partner_a_can_reach(app, couple, assignment)
    assert "MARKER-KAI: what_would_make_it_worthwhile" not in reachable


def test_an_answer_rewritten_after_its_release_waits_for_the_counselor_again(app, factory):
    """Released once, an answer went on to the other partner however it was rewritten, unread by the
    counselor: a partner could replace what was read together with something said in anger."""
    couple = factory.couple(hurt="a")
    assignment = factory.assign(couple, "honest-conversation")
    _both_submit(app, couple, assignment)
    assert _release(app, couple, assignment, action="all").status_code == 302
    kai = signed_in(app, couple.partner_b)
    kai.partner_id = couple.partner_b_id
    answer_everything(kai, assignment, text="REWRITTEN-IN-ANGER")
    assert submit(kai, assignment.id).status_code == 302
    robin_reads = signed_in(app, couple.partner_a).get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    assert "REWRITTEN-IN-ANGER" not in robin_reads
    page = signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    assert "REWRITTEN-IN-ANGER" in page[page.index("Released after your review"):page.index("Release everything shown")]
    assert _release(app, couple, assignment, action="all").status_code == 302
    assert "REWRITTEN-IN-ANGER" in signed_in(app, couple.partner_a).get(f"/my/homework/{assignment.id}").get_data(as_text=True)


def test_the_counselor_sees_what_waits_for_release_on_the_caseload_and_the_couple_page(app, factory):
    """Reviewed and never released (or released in part), disclosure work looked finished everywhere but
    deep in the whole timeline: the couple waited, and nothing told the counselor."""
    couple = factory.couple(hurt="a")
    assignment = factory.assign(couple, "honest-conversation")
    _both_submit(app, couple, assignment)
    counselor = signed_in(app, couple.counselor)
    couple_page = counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert "shared answers wait for your release" in couple_page
    caseload = counselor.get("/counselor/?show=review").get_data(as_text=True)
    assert "1 to release" in caseload and f"/counselor/couples/{couple.id}\"" in caseload
    for response_id in db_session.scalars(select(Response.id).where(Response.assignment_id == assignment.id)):
        counselor.post(f"/counselor/responses/{response_id}/reviewed", data={"csrf_token": csrf_token(counselor)})
    caseload = counselor.get("/counselor/?show=review").get_data(as_text=True)
    assert "1 to release" in caseload and f"/counselor/couples/{couple.id}\"" in caseload  # read, and still waiting
    # One answer released of several: the rest still wait, and both pages still say so.
    key = f"{couple.partner_b_id}:what_would_make_it_worthwhile"
    assert _release(app, couple, assignment, action="selected", answer=key).status_code == 302
    assert "1 to release" in counselor.get("/counselor/").get_data(as_text=True)
    assert "wait for your release" in counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert _release(app, couple, assignment, action="all").status_code == 302
    assert "to release" not in counselor.get("/counselor/").get_data(as_text=True)
    assert "wait for your release" not in counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)


def test_a_released_answer_rewritten_waits_for_release_again_and_the_counselor_is_told(app, factory):
    couple = factory.couple(hurt="a")
    assignment = factory.assign(couple, "honest-conversation")
    _both_submit(app, couple, assignment)
    assert _release(app, couple, assignment, action="all").status_code == 302
    counselor = signed_in(app, couple.counselor)
    assert "to release" not in counselor.get("/counselor/").get_data(as_text=True)
    kai = signed_in(app, couple.partner_b)
    kai.partner_id = couple.partner_b_id
    answer_everything(kai, assignment, text="MARKER-KAI-REWRITTEN")
    assert submit(kai, assignment.id).status_code == 302
    assert "1 to release" in counselor.get("/counselor/").get_data(as_text=True)
    assert "wait for your release" in counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
