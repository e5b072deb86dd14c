"""The counselor's morning digest: counts since the last digest and a link. Never names or answers."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from .. import access
from ..extensions import session
from ..mail.messages import Message
from ..mail.outbox import enqueue
from ..models import Assignment, Couple, Response, User
from ..models.response import STATUS_SUBMITTED, needs_attention_clause
from ..models.user import ROLE_COUNSELOR
from ..timezones import to_local
from .links import login_link


@dataclass(frozen=True)
class DigestCounts:
    submissions: int
    reveals: int
    check_ins_needing_attention: int

    @property
    def empty(self) -> bool:
        return not (self.submissions or self.reveals or self.check_ins_needing_attention)


def counts_for(counselor: User, since: datetime) -> DigestCounts:
    # Couples in care only: an archived couple's records no longer change, and need no morning count.
    couple_ids = access.couples_for(counselor).where(access.writable_couples_clause()).with_only_columns(Couple.id)
    submissions = session.scalar(
        select(func.count(Response.id)).join(Assignment, Assignment.id == Response.assignment_id)
        .where(Assignment.couple_id.in_(couple_ids), Response.status == STATUS_SUBMITTED,
               Response.submitted_at >= since)) or 0
    reveals = session.scalar(
        select(func.count(Assignment.id)).where(Assignment.couple_id.in_(couple_ids),
                                                Assignment.revealed_at >= since)) or 0
    flags = session.scalar(
        select(func.count(Response.id)).join(Assignment, Assignment.id == Response.assignment_id)
        .where(Assignment.couple_id.in_(couple_ids), needs_attention_clause())) or 0
    return DigestCounts(submissions, reveals, flags)


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def digest_message(counselor: User, counts: DigestCounts) -> Message:
    """Only the counts that are not zero, each in plain words ("1 homework submission(s)" and "0 ..."
    lines read like a machine's)."""
    lines = [f"Good morning {counselor.display_name},", ""]
    if counts.check_ins_needing_attention:
        lines += [_counted(counts.check_ins_needing_attention, "private check-in or answer needs",
                           "private check-ins or answers need") + " your attention.", ""]
    news = [text for count, text in (
        (counts.submissions, _counted(counts.submissions, "homework submission", "homework submissions")),
        (counts.reveals, _counted(counts.reveals, "exercise", "exercises") + " where both partners have now submitted"),
    ) if count]
    if news:
        lines += ["Since yesterday morning:", *(f"- {text}" for text in news), ""]
    lines.append(f"Sign in to read them: {login_link()}")
    return Message(subject="Your morning summary", body="\n".join(lines) + "\n")


DIGEST_HOUR = 7
DIGEST_LAST_HOUR = 21  # a digest missed while the scheduler was down goes out late, never at night


def queue_digests(now: datetime) -> int:
    """One digest per active counselor per day, from 07:00 in the counselor's own time zone (the
    outbox key `digest:<counselor>:<local date>` makes every later run that day a no-op)."""
    since = now - timedelta(days=1)
    queued = 0
    for counselor in session.scalars(select(User).where(User.role == ROLE_COUNSELOR,
                                                        User.is_active_account.is_(True))):
        local = to_local(now, counselor.timezone)
        if not DIGEST_HOUR <= local.hour < DIGEST_LAST_HOUR:
            continue
        counts = counts_for(counselor, since)
        if counts.empty:
            continue
        if enqueue(counselor, f"digest:{counselor.id}:{local.date().isoformat()}", digest_message(counselor, counts)):
            queued += 1
    session.commit()
    return queued
