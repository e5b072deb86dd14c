"""Release after review: on disclosure-heavy work, shared answers reach the other partner only when
the counselor has read them and releases them, question by question or all at once."""
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select

from .. import access, visibility
from ..engine.fields import kind_of
from ..engine.presentation import definition_of, field_by_id, fields_for, label_for
from ..errors import RuleError
from ..extensions import session
from ..models import Response, User
from ..models.base import utcnow
from ..models.response import answering_role
from ..security.audit import record

NOT_YET_BOTH = "Both partners need to submit before anything can be released."


@dataclass
class ReleasePreview:
    """What one partner will read of the other's answers once released."""
    reader: User
    author: User
    answers: list[tuple[str, str, object, bool]]  # (release key, question as its author asked it, text, released)


def previews(counselor: User, assignment) -> list[ReleasePreview]:
    """For each partner, exactly the other partner's answers they would read: the counselor's look
    before releasing. Empty unless the assignment waits for release and both have submitted."""
    if not assignment.waits_for_release or assignment.revealed_at is None:
        return []
    couple = assignment.couple
    definition = definition_of(assignment.worksheet_version)
    by_partner = {r.partner_id: r for r in session.scalars(select(Response).where(Response.assignment_id == assignment.id))}
    released = set(assignment.released_fields or ())
    result = []
    for reader, author in ((couple.partner_a, couple.partner_b), (couple.partner_b, couple.partner_a)):
        other = by_partner.get(author.id)
        role = answering_role(couple, author.id, other)
        shared = visibility.release_preview(counselor, assignment, reader, other, fields_for(definition, role))
        result.append(ReleasePreview(reader, author, [
            (visibility.released_key(author.id, field_id), label_for(field_by_id(definition, field_id), role),
             kind_of(field_by_id(definition, field_id)).display(value, field_by_id(definition, field_id)),
             visibility.released_key(author.id, field_id) in released)
            for field_id, value in shared.items()]))
    return result


class Released(NamedTuple):
    newly: int  # released by this press
    in_all: int  # released so far, this press included

    @property
    def message(self) -> str:
        answers = f"shared answer{'s' if self.newly != 1 else ''}"
        # Not "the partners now see": each released answer reaches only the other partner.
        if self.newly == self.in_all:
            return f"Released {self.newly} {answers}."
        return f"Released {self.newly} more {answers} ({self.in_all} in all)."


def release(counselor: User, assignment_id: int, keys: list[str] | None) -> Released:
    """Releases these answers (release keys: one partner's answer to one question) to the other
    partner; None releases every one. Held-back and counselor-only answers can't be released: they
    are never among the keys offered."""
    assignment = access.assignment_for_counselor(counselor, assignment_id)
    access.require_writable(assignment.couple, counselor)
    if not assignment.waits_for_release or not assignment.is_joint:
        raise RuleError("This exercise is shared as soon as both partners submit; there is nothing to release.")
    if assignment.revealed_at is None:
        raise RuleError(NOT_YET_BOTH)
    shareable = {key for preview in previews(counselor, assignment) for key, *_ in preview.answers}
    chosen = shareable if keys is None else shareable & set(keys)
    if keys is not None and not chosen:
        raise RuleError("Choose at least one answer to release.")
    before = set(assignment.released_fields or ())
    assignment.released_fields = sorted(before | chosen)
    assignment.released_at = assignment.released_at or utcnow()
    note_what_waits(assignment)
    record(counselor.id, "release_answers", assignment)
    session.commit()
    return Released(len(chosen - before), len(assignment.released_fields))


def note_what_waits(assignment) -> None:
    """Keeps `release_pending`: after both have sent it, after every send again (a rewritten released
    answer waits again) and after every release (one answer released of nine left eight waiting, and
    nothing said so)."""
    assignment.release_pending = _anything_waits(assignment)


def _anything_waits(assignment) -> bool:
    """Whether an answer the partners sent and share is not released yet."""
    if not assignment.waits_for_release or assignment.revealed_at is None:
        return False
    definition = definition_of(assignment.worksheet_version)
    released = set(assignment.released_fields or ())
    for response in session.scalars(select(Response).where(Response.assignment_id == assignment.id)):
        if not response.is_submitted:
            continue
        fields = fields_for(definition, answering_role(assignment.couple, response.partner_id, response))
        if any(visibility.released_key(response.partner_id, field_id) not in released
               for field_id in visibility.shareable_answers(assignment, response, fields)):
            return True
    return False
