"""One open page's saves crossing on the wire (services/page_saves.py), through the autosave route the
page's script posts to: a reload a moment after typing sends the leaving save while an autosave is
still on its way, and the server may get the two in either order."""
from sqlalchemy import func, select

from helpers import first_long_text_field
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Response, ResponseRevision

PAGE, OTHER_PAGE = "0123456789abcdef", "fedcba9876543210"
EARLIER, LATER = "I was afraid to say", "I was afraid to say it, and I am saying it now"


def _autosave(client, assignment, field_id, text, *, page, number, revision=0, leaving=False):
    return client.post(f"/my/homework/{assignment.id}/draft?section=0" + ("&beacon=1" if leaving else ""),
                       data={"csrf_token": csrf_token(client), "revision": str(revision), f"a__{field_id}": text,
                             "page": page, "page_save": str(number)},
                       headers={"Accept": "application/json"})


def _draft_and_conflicts(assignment, field_id):
    db_session.expire_all()
    response = db_session.scalar(select(Response).where(Response.assignment_id == assignment.id))
    kept_aside = db_session.scalar(select(func.count()).select_from(ResponseRevision)
                                   .where(ResponseRevision.kind == "conflict"))
    return response.draft["values"].get(field_id), kept_aside


def _partner_at_a_page(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    return signed_in(app, couple.partner_a), assignment, first_long_text_field(assignment)


def test_a_pages_leaving_save_that_lands_after_its_own_autosave_is_written_not_kept_aside(app, factory):
    partner, assignment, field_id = _partner_at_a_page(app, factory)
    assert _autosave(partner, assignment, field_id, EARLIER, page=PAGE, number=1).json["revision"] == 1
    # Sent before the autosave answered, so it still carries revision 0.
    leaving = _autosave(partner, assignment, field_id, LATER, page=PAGE, number=2, leaving=True)
    assert leaving.status_code == 200
    assert _draft_and_conflicts(assignment, field_id) == (LATER, 0)


def test_a_pages_autosave_that_lands_after_its_leaving_save_changes_nothing(app, factory):
    partner, assignment, field_id = _partner_at_a_page(app, factory)
    assert _autosave(partner, assignment, field_id, LATER, page=PAGE, number=2, leaving=True).status_code == 200
    late = _autosave(partner, assignment, field_id, EARLIER, page=PAGE, number=1)
    assert late.status_code == 200 and late.json["revision"] == 1
    assert _draft_and_conflicts(assignment, field_id) == (LATER, 0)


def test_another_pages_save_on_an_old_revision_is_still_kept_aside(app, factory):
    partner, assignment, field_id = _partner_at_a_page(app, factory)
    _autosave(partner, assignment, field_id, EARLIER, page=PAGE, number=1)
    other_tab = _autosave(partner, assignment, field_id, "Typed in another tab", page=OTHER_PAGE, number=7)
    assert other_tab.status_code == 409
    # A page id that is not one the script makes is no page at all: checked by its revision.
    forged = _autosave(partner, assignment, field_id, "Typed in another tab", page="../" + PAGE[3:], number=2)
    assert forged.status_code == 409
    assert _draft_and_conflicts(assignment, field_id) == (EARLIER, 2)


def test_after_another_tab_writes_a_pages_later_save_is_checked_again(app, factory):
    """Only the last writer counts as 'the same page': once another tab has written, this page's next
    save on its old revision is a conflict, even though this page wrote before."""
    partner, assignment, field_id = _partner_at_a_page(app, factory)
    _autosave(partner, assignment, field_id, EARLIER, page=PAGE, number=1)
    _autosave(partner, assignment, field_id, "Typed in another tab", page=OTHER_PAGE, number=1, revision=1)
    assert _autosave(partner, assignment, field_id, LATER, page=PAGE, number=2, revision=1).status_code == 409
    assert _draft_and_conflicts(assignment, field_id) == ("Typed in another tab", 1)


def test_after_skipping_on_the_review_page_a_pages_save_on_its_old_revision_is_checked_again(app, factory):
    """Skipping the unanswered questions (the review page, another tab) changes the draft without any
    page's save: the exercise page that wrote last is no longer 'the page that wrote last', and its
    save on the old revision is kept aside rather than written over the skips."""
    partner, assignment, field_id = _partner_at_a_page(app, factory)
    _autosave(partner, assignment, field_id, EARLIER, page=PAGE, number=1)
    partner.post(f"/my/homework/{assignment.id}/skip-unanswered", data={"csrf_token": csrf_token(partner)})
    db_session.expire_all()
    skipped = db_session.scalar(select(Response).where(Response.assignment_id == assignment.id))
    assert skipped.revision == 2 and "skipped" in skipped.draft["states"].values()
    assert _autosave(partner, assignment, field_id, LATER, page=PAGE, number=2, revision=1).status_code == 409
    assert _draft_and_conflicts(assignment, field_id) == (EARLIER, 1)
