"""A partner's answers to one assignment: the autosaved draft, the submitted copy, and their history."""
import copy
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..security.sealing import EncryptedJSON
from .assignment import Assignment
from .base import NEVER_REUSE_IDS, Base, TimestampMixin, UTCDateTime, utcnow

STATUS_DRAFT = "draft"
STATUS_SUBMITTED = "submitted"

READY = "ready"
NOT_YET = "not_yet"


def note_unread(reviewed_at: datetime | None, addendum_at: datetime | None) -> bool:
    """Whether a partner added a note to their sent check-in that the counselor has not read yet:
    added before the answers were read (it is read with them) or after (it needs reading again)."""
    return addendum_at is not None and (reviewed_at is None or addendum_at > reviewed_at)


class ResponseStateRules:
    """What a response's state means, for the whole row (`Response`) and for the state alone that lists
    load (`services.response_states.ResponseState`): both have status, reviewed_at and addendum_at."""

    @property
    def is_submitted(self) -> bool:
        return self.status == STATUS_SUBMITTED

    @property
    def has_unread_note(self) -> bool:
        return note_unread(self.reviewed_at, self.addendum_at)

    @property
    def unread_by_counselor(self) -> bool:
        """Submitted and not read yet, or read before a note the partner added since."""
        return self.is_submitted and (self.reviewed_at is None or self.has_unread_note)


def empty_answers() -> dict:
    """The shape of every answer set: values by field id, and the skip/not-ready choices."""
    return {"values": {}, "states": {}}


def merged_answers(answers: dict, values: dict, states: dict) -> dict:
    """`answers` with these values and states laid over it (a new dict; `answers` is left as it is)."""
    merged = copy.deepcopy(answers)
    merged["values"].update(values)
    # An emptied answer is no answer: opening and leaving a page must not look like progress.
    merged["values"] = {k: v for k, v in merged["values"].items() if v not in (None, "", [])}
    for field_id, state in states.items():
        if state:
            merged["states"][field_id] = state
        else:
            merged["states"].pop(field_id, None)
    return merged


class Response(ResponseStateRules, TimestampMixin, Base):
    __tablename__ = "ta_response"
    # One response per partner per assignment: a double submit can never create a second one.
    __table_args__ = (UniqueConstraint("assignment_id", "partner_id", name="uq_ta_response_assignment_partner"),
                      NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("ta_assignment.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("ta_user.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_DRAFT)
    # The working copy, saved by autosave; only its author and the counselor ever see it.
    draft: Mapped[dict] = mapped_column(EncryptedJSON("response.draft"), default=empty_answers)
    # The last submitted copy: what the counselor reviews and what a reveal shows.
    submitted: Mapped[dict | None] = mapped_column(EncryptedJSON("response.submitted"))
    # Shared fields the author chose to keep for the counselor only (ids, no content).
    held_back: Mapped[list] = mapped_column(EncryptedJSON("response.held_back"), default=list)
    # Bumped by every save; a save based on an older revision is a conflict, never an overwrite.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # The open page whose save wrote the draft last, and that save's number (services/page_saves.py):
    # a page's later save is its own newer text, never a conflict. A random id, nothing about anyone.
    saved_by_page: Mapped[str | None] = mapped_column(String(16))
    saved_by_page_number: Mapped[int | None] = mapped_column(Integer)
    readiness: Mapped[str | None] = mapped_column(String(20))
    # The wording the partner answered in ("hurt", "involved" or "none"), fixed at the first save, so
    # that changing "who was hurt" later never rewrites which questions they were asked.
    answered_as: Mapped[str | None] = mapped_column(EncryptedJSON("response.answered_as"))
    risk_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    counselor_comment: Mapped[str | None] = mapped_column(EncryptedJSON("response.comment"))
    # A scored measure's score, worked out at submit: {"name", "value"} (engine/scoring.py).
    score: Mapped[dict | None] = mapped_column(EncryptedJSON("response.score"))
    # What a partner added to a submitted private check-in: [{"at", "text"}], counselor-only.
    addenda: Mapped[list | None] = mapped_column(EncryptedJSON("response.addenda"))
    addendum_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the latest, for "new note"

    assignment: Mapped[Assignment] = relationship()

    def new_revision(self) -> None:
        """Every change of the draft counts here. A change that no page's save made (a skip on the
        review page) forgets the last page, so that page's next save is checked by its revision."""
        self.revision += 1
        self.saved_by_page = self.saved_by_page_number = None

    def note_is_new(self, note: dict) -> bool:
        """Whether one of the addenda was added after the counselor last read this check-in."""
        at = datetime.fromisoformat(note["at"])
        return self.reviewed_at is not None and at > self.reviewed_at


ROLE_NOT_SET = "none"


def answering_role(couple, partner_id: int, response: "Response | None") -> str | None:
    """The partner's role for this response: as first answered, else the couple's current setting."""
    if response is not None and response.answered_as:
        return None if response.answered_as == ROLE_NOT_SET else response.answered_as
    return couple.role_of(partner_id)


class ResponseRevision(TimestampMixin, Base):
    """Earlier submitted versions, and stale saves from a second device, kept for the counselor."""

    __tablename__ = "ta_response_revision"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("ta_response.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "submitted" | "conflict"
    content: Mapped[dict] = mapped_column(EncryptedJSON("response_revision.content"))


def note_unread_clause():
    """note_unread, as SQL."""
    return and_(Response.addendum_at.is_not(None),
                or_(Response.reviewed_at.is_(None), Response.addendum_at > Response.reviewed_at))


def unread_by_counselor_clause():
    """ResponseStateRules.unread_by_counselor, as SQL: submitted and not read yet, or read before a note."""
    return and_(Response.status == STATUS_SUBMITTED, or_(Response.reviewed_at.is_(None), note_unread_clause()))


def needs_attention_clause():
    """SQL for a response whose counselor has something unread that needs attention: a risk answer
    not read yet, or a note added to a private check-in since it was last read."""
    return or_(and_(Response.risk_flagged.is_(True), Response.reviewed_at.is_(None)), note_unread_clause())
