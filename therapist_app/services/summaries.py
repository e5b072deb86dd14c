"""Session summaries for the couple: drafted by the counselor, previewed per partner, then published.

A summary holds only what both partners (or, per partner, that partner) may see: the counselor's
words written for them, agreements recorded on their joint exercises, homework they were given, and
the next session's date. Never session notes, answers of any kind, or anything from a check-in.
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import defer, joinedload

from .. import access
from ..engine.fields import kind_of
from ..engine.presentation import definition_of
from ..errors import RuleError
from ..extensions import session
from ..models import Appointment, Assignment, Response, SessionSummary, User
from ..models.appointment import STATUS_CANCELLED, STATUS_HELD
from ..models.assignment import STATUS_OPEN
from ..models.base import utcnow
from ..models.response import STATUS_SUBMITTED
from ..pdf.summary import summary_pdf as render_summary_pdf
from ..security.audit import record
from ..timezones import format_local, to_local
from .notices import SUMMARY, notify_something_new
from .sessions import NUMBERED, number_of, on_a_later_day

BOTH = "both"
MAX_TEXT = 5000


@dataclass
class AgreementChoice:
    key: str          # "<assignment id>:<field id>"
    exercise: str
    question: str
    wording: str


@dataclass
class SummaryDraft:
    per_partner: bool = False
    parts: dict = field(default_factory=dict)          # "both" | partner id (str) -> {"worked_on", "note"}
    agreements: list[str] | None = None                # chosen keys; None = all (the prefill)
    extra_agreements: str = ""

    def part(self, key) -> dict:
        return self.parts.get(str(key)) or {"worked_on": "", "note": ""}


def _summary_appointment(counselor: User, appointment_id: int) -> Appointment:
    appointment = access.appointment_for_counselor(counselor, appointment_id)
    if appointment.status == STATUS_CANCELLED:
        raise RuleError("This session was cancelled, so it has no summary.")
    return appointment


def summary_of(appointment: Appointment) -> SessionSummary | None:
    """The session's summary, if one was started (the caller has checked access)."""
    return session.scalar(select(SessionSummary).where(SessionSummary.appointment_id == appointment.id))


def _visible_assignments(appointment: Appointment, partner_ids: list[int]) -> list[Assignment]:
    """Assignments every one of these partners may see, check-ins left out entirely."""
    assignments = session.scalars(
        select(Assignment).where(Assignment.couple_id == appointment.couple_id, Assignment.status == STATUS_OPEN)
        .order_by(Assignment.id).options(joinedload(Assignment.worksheet_version))
    ).all()
    return [a for a in assignments
            if all(a.assigned_to(p) for p in partner_ids)
            and definition_of(a.worksheet_version).policy.is_homework]


def agreement_choices(appointment: Appointment, partner_ids: list[int] | None = None) -> list[AgreementChoice]:
    """Agreed wordings recorded on exercises the partners share (both partners, unless narrowed)."""
    partner_ids = partner_ids or list(_partner_ids(appointment))
    choices = []
    for assignment in _visible_assignments(appointment, partner_ids):
        definition = definition_of(assignment.worksheet_version)
        for spec in definition.all_fields():
            wording = (assignment.agreements or {}).get(spec.id)
            if kind_of(spec).records_agreement and wording:
                choices.append(AgreementChoice(f"{assignment.id}:{spec.id}", definition.title, spec.label, wording))
    return choices


def _partner_ids(appointment: Appointment) -> tuple[int, int]:
    return (appointment.couple.partner_a_id, appointment.couple.partner_b_id)


def draft_for(counselor: User, appointment_id: int) -> tuple[Appointment, SessionSummary | None, SummaryDraft]:
    appointment = _summary_appointment(counselor, appointment_id)
    summary = summary_of(appointment)
    if summary is None:
        return appointment, None, SummaryDraft()
    data = summary.draft
    return appointment, summary, SummaryDraft(summary.per_partner, data.get("parts", {}), data.get("agreements"),
                                              data.get("extra_agreements", ""))


def save_draft(counselor: User, appointment_id: int, draft: SummaryDraft) -> SessionSummary:
    appointment = _summary_appointment(counselor, appointment_id)
    access.require_writable(appointment.couple, counselor)
    for key, part in draft.parts.items():
        for name in ("worked_on", "note"):
            if len((part.get(name) or "").strip()) > MAX_TEXT:
                raise RuleError(f"Please keep this under {MAX_TEXT:,} characters.", field=name)
    if len(draft.extra_agreements or "") > MAX_TEXT:
        raise RuleError(f"Please keep this under {MAX_TEXT:,} characters.", field="extra_agreements")
    allowed = {c.key for c in agreement_choices(appointment)}
    content = {
        "parts": {str(k): {n: (p.get(n) or "").strip() for n in ("worked_on", "note")} for k, p in draft.parts.items()},
        "agreements": [key for key in (draft.agreements or []) if key in allowed],
        "extra_agreements": (draft.extra_agreements or "").strip(),
    }
    summary = summary_of(appointment) or SessionSummary(appointment_id=appointment.id)
    summary.per_partner, summary.draft = draft.per_partner, content
    session.add(summary)
    session.flush()
    record(counselor.id, "save_session_summary", summary)
    session.commit()
    return summary


def _homework(appointment: Appointment, partner: User, partner_ids: list[int], counselor: User,
              following: Appointment | None) -> list[dict]:
    """The homework this partner has until next time, with due dates (no check-ins): what was given on
    or after the session's day, and what is still open that they have not sent yet. Whether the other
    partner has sent theirs plays no part: a summary says nothing of the other's progress. Homework
    given after the following session began belongs to that session's summary, not this one."""
    day = to_local(appointment.starts_at, counselor.timezone).date()
    sent = set(session.scalars(select(Response.assignment_id).where(Response.partner_id == partner.id,
                                                                    Response.status == STATUS_SUBMITTED)))
    listed = [a for a in _visible_assignments(appointment, partner_ids)
              if (to_local(a.created_at, counselor.timezone).date() >= day or a.id not in sent)
              and (following is None or a.created_at < following.starts_at)]
    listed.sort(key=lambda a: (a.due_date is None, a.due_date or 0, a.id))  # soonest due first
    return [{"title": definition_of(a.worksheet_version).title,
             "due": a.due_date.strftime("%A %-d %B") if a.due_date else None} for a in listed]


def _following_session(appointment: Appointment) -> Appointment | None:
    return session.scalar(
        select(Appointment).where(Appointment.couple_id == appointment.couple_id,
                                  Appointment.status != STATUS_CANCELLED,
                                  Appointment.starts_at > appointment.starts_at)
        .order_by(Appointment.starts_at).limit(1))


def _schedule(appointment: Appointment, following: Appointment | None, partner: User) -> dict:
    """Where the session stands among the couple's, and what comes after it, in the partner's time zone."""
    return {"number": number_of(appointment),
            "next_session": format_local(following.starts_at, partner.timezone) if following else None}


def partner_view(appointment: Appointment, summary: SessionSummary, partner: User, counselor: User) -> dict:
    """Exactly what this partner will read, in their own time zone, as plain data."""
    data = summary.draft
    audience = [partner.id] if summary.per_partner else list(_partner_ids(appointment))
    part = (data["parts"].get(str(partner.id)) if summary.per_partner else data["parts"].get(BOTH)) or {}
    chosen = set(data.get("agreements") or [])
    agreements = [c.wording for c in agreement_choices(appointment, audience) if c.key in chosen]
    agreements += [line.strip() for line in (data.get("extra_agreements") or "").splitlines() if line.strip()]
    following = _following_session(appointment)
    return {
        **_schedule(appointment, following, partner),
        "session_date": format_local(appointment.starts_at, partner.timezone, "date"),
        "worked_on": part.get("worked_on", ""),
        "agreements": agreements,
        "homework": _homework(appointment, partner, audience, counselor, following),
        "note": part.get("note", ""),
        "counselor": counselor.display_name,
        "paper_size": counselor.practice.paper_size,
    }


def preview(counselor: User, appointment_id: int) -> tuple[Appointment, SessionSummary, list[tuple[User, dict]]]:
    appointment, summary, _ = draft_for(counselor, appointment_id)
    if summary is None:
        raise RuleError("Write the summary first, then preview it.")
    couple = appointment.couple
    return appointment, summary, [(p, partner_view(appointment, summary, p, counselor)) for p in couple.partners]


def publish(counselor: User, appointment_id: int) -> SessionSummary:
    """Freezes each partner's view and shows it in their portal; a neutral email says there is something new."""
    appointment, summary, views = preview(counselor, appointment_id)
    access.require_writable(appointment.couple, counselor)
    # The couple would read about a session that hasn't happened; later today, marked held, it has
    # (the counselor said so: it may have been moved earlier without its time being changed).
    if appointment.starts_at > utcnow() and (on_a_later_day(appointment, counselor) or appointment.status != STATUS_HELD):
        raise RuleError(f"This session hasn't taken place yet (it is on "
                        f"{format_local(appointment.starts_at, counselor.timezone, 'date')}). Its summary can be "
                        "sent once it has.")
    summary.published = {str(partner.id): view for partner, view in views}
    summary.published_at = utcnow()
    for partner, _ in views:
        notify_something_new(partner, SUMMARY, f"{summary.id}:{partner.id}:{int(summary.published_at.timestamp())}")
    record(counselor.id, "publish_session_summary", summary)
    session.commit()
    return summary


# ---- the partner's side -----------------------------------------------------------------------

@dataclass
class PublishedSummary:
    summary: SessionSummary
    view: dict
    published_at: datetime


# A couple's published summaries, as criteria over SessionSummary and Appointment (the couple page's
# timeline asks too); the couple is the parameter `couple_id`.
COUPLES_PUBLISHED = (SessionSummary.appointment_id == Appointment.id, Appointment.couple_id == bindparam("couple_id"),
                     SessionSummary.published_at.is_not(None))
# The partner's list of summaries, a page at a time, newest first: after two years of weekly sessions a
# hundred summaries, each sealed. Only the page's are opened, and of each only what the partner was
# sent (every summary is published to both partners), never the counselor's draft.
SUMMARIES_PER_PAGE = 20
_PUBLISHED_PAGE = (select(SessionSummary, func.count().over().label("total"), NUMBERED.c.number, Appointment.status)
                   .join(Appointment, Appointment.id == SessionSummary.appointment_id)
                   .join(NUMBERED, NUMBERED.c.id == Appointment.id)
                   .where(*COUPLES_PUBLISHED).options(defer(SessionSummary.draft))
                   .order_by(Appointment.starts_at.desc(), SessionSummary.id.desc())
                   .limit(bindparam("limit")).offset(bindparam("offset")))
_PUBLISHED_COUNT = select(func.count(SessionSummary.id)).where(*COUPLES_PUBLISHED)


@dataclass
class SummaryPage:
    items: list[PublishedSummary]
    total: int  # of every page


def partner_summaries(partner: User, page: int = 1) -> SummaryPage:
    """One page (from 1) of the summaries published to this partner, newest session first."""
    couple = access.couple_of_partner(partner)
    rows = session.execute(_PUBLISHED_PAGE, {"couple_id": couple.id, "limit": SUMMARIES_PER_PAGE,
                                             "offset": (page - 1) * SUMMARIES_PER_PAGE}).all()
    total = rows[0].total if rows else session.scalar(_PUBLISHED_COUNT, {"couple_id": couple.id})
    # A cancelled session has no number (the count beside it is the session before it's), as number_of says.
    return SummaryPage([PublishedSummary(s, {**s.published[str(partner.id)],
                                             "number": None if status == STATUS_CANCELLED else number}, s.published_at)
                        for s, _, number, status in rows if str(partner.id) in (s.published or {})], total)


def partner_summary(partner: User, summary_id: int) -> PublishedSummary:
    """A summary as it was sent, with the schedule as it stands now: a session recorded or cancelled
    since renumbers the sessions, and a next session moved or cancelled since is not what the summary
    said (the couple's own records keep what was sent)."""
    summary = access.summary_for_partner(partner, summary_id)
    as_it_stands = _schedule(summary.appointment, _following_session(summary.appointment), partner)
    return PublishedSummary(summary, {**summary.published[str(partner.id)], **as_it_stands}, summary.published_at)


def summary_pdf(view: dict) -> bytes:
    return render_summary_pdf(view)
