"""The saves one open exercise page sends, in order: its autosaves and the save it sends as it unloads.

Each page names itself with a random id and numbers its saves. Two of them can be on the wire at once:
a reload a moment after typing sends the leaving save while an autosave is still on its way, and the
server may get them in either order. The numbers settle it:
- the page's later save carries everything its earlier one did, so it is written even though its
  revision is out of date (it is the same page's newer text, not a second device's);
- an earlier save that arrives after a later one from the same page is old news and changes nothing.
A save from any other page or device is checked against the revision as before, and a conflict is
kept aside, never written over newer answers. The id names a browser tab for a few minutes; it holds
nothing about the person or what they wrote."""
import re
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from .. import access
from ..extensions import session
from ..models import Response, ResponseRevision, User

_PAGE_ID = re.compile(r"^[0-9a-f]{16}$")
_NUMBER = re.compile(r"^\d{1,9}$")

# The order of one page's saves against the response's last writer.
NEWER, STALE, OTHER = "newer", "stale", "other"


@dataclass(frozen=True)
class PageSave:
    page: str
    number: int


def page_save_of(page: str | None, number: str | None) -> PageSave | None:
    """The page id and save number a request carries, if both are well formed (else the save is
    treated like any other: checked against its revision)."""
    if page and number and _PAGE_ID.match(page) and _NUMBER.match(number):
        return PageSave(page, int(number))
    return None


def naming(page_save: PageSave | None) -> dict:
    """The page and number a kept-aside save is recorded with, for the page's reload to find it."""
    return {"page": page_save.page if page_save else None, "number": page_save.number if page_save else None}


def posted(form) -> PageSave | None:
    return page_save_of(form.get("page"), form.get("page_save"))


def order_of(response: Response, page_save: PageSave | None) -> str:
    if page_save is None or response.saved_by_page != page_save.page:
        return OTHER
    return NEWER if page_save.number > (response.saved_by_page_number or 0) else STALE


class MovedMeanwhile(Exception):
    """Another save of this answer landed between reading it and writing it: read it again."""


def would_record(response: Response, page_save: PageSave | None) -> bool:
    page, number = (page_save.page, page_save.number) if page_save else (None, None)
    return (response.saved_by_page, response.saved_by_page_number) != (page, number)


def claim(response: Response) -> None:
    """Takes the answer's row for this transaction, if it is still as it was read: its revision and the
    page that wrote it last unchanged. The same page's saves can arrive together (a phone's stalled
    requests go out at once); without this, both would pass `order_of` on what they read, and the one
    that happened to commit last would win, the earlier text included. A save that finds the row taken
    waits for the other's commit (a row lock, or SQLite's one writer), then finds it moved."""
    taken = session.execute(
        update(Response)
        .where(Response.id == response.id, Response.revision == response.revision,
               Response.saved_by_page.is_not_distinct_from(response.saved_by_page),
               Response.saved_by_page_number.is_not_distinct_from(response.saved_by_page_number))
        .values(revision=Response.revision)
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise MovedMeanwhile()


def record(response: Response, page_save: PageSave | None) -> None:
    """Marks the response as last written by this page's save (or by no page: a plain form post)."""
    if would_record(response, page_save):
        response.saved_by_page, response.saved_by_page_number = (
            (page_save.page, page_save.number) if page_save else (None, None))


_LAST_WRITE = select(Response.id, Response.revision, Response.saved_by_page, Response.saved_by_page_number).where(
    Response.assignment_id == bindparam("assignment_id"), Response.partner_id == bindparam("partner_id"))


def await_save_in_flight(partner: User, assignment_id: int, seen_revision: int,
                         leaving: PageSave | None = None, timeout: float = 6.0) -> None:
    """Waits, briefly, for the save a page sent as it unloaded (a reload, the Back button) to land, so
    that the page it reloads into shows the last words typed. Browsers send the save and request the
    next page at nearly the same moment; the two may be served in either order. `leaving`: that save's
    page and number; without it, any save newer than `seen_revision` ends the wait."""
    access.assignment_for_partner(partner, assignment_id)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = session.execute(_LAST_WRITE, {"assignment_id": assignment_id, "partner_id": partner.id}).first()
        if row is not None and _landed(row, seen_revision, leaving):
            return
        session.rollback()  # a fresh snapshot for the next look
        time.sleep(0.05)


def _landed(row, seen_revision: int, leaving: PageSave | None) -> bool:
    response_id, revision, page, number = row
    if leaving is None:
        return revision > seen_revision
    if page == leaving.page:  # the page's own earlier autosave may land first: wait for the leaving one
        return (number or 0) >= leaving.number
    # Another page or device wrote since: the leaving save will meet that newer answer and be kept
    # aside. Wait for it to be kept, so that the reloaded page can show its author those words.
    return revision > seen_revision and _kept_aside(response_id, leaving)


def _kept_aside(response_id: int, leaving: PageSave) -> bool:
    return any(r.content.get("page") == leaving.page and (r.content.get("number") or 0) >= leaving.number
               for r in _recent_conflicts(response_id))


def _recent_conflicts(response_id: int) -> list[ResponseRevision]:
    return list(session.scalars(select(ResponseRevision).where(
        ResponseRevision.response_id == response_id, ResponseRevision.kind == "conflict")
        .order_by(ResponseRevision.id.desc()).limit(5)))


def kept_aside_from(response: Response | None, leaving: PageSave | None) -> dict:
    """The values of the save the page that just left sent, if it was kept aside (it met a newer
    answer from another window): the reloaded page shows them to their author, who would otherwise
    never see them again."""
    if response is None or leaving is None:
        return {}
    revision = next((r for r in _recent_conflicts(response.id) if r.content.get("page") == leaving.page), None)
    if revision is None:
        return {}
    draft = response.draft["values"]
    return {k: v for k, v in revision.content["values"].items() if v not in (None, "", []) and draft.get(k) != v}
