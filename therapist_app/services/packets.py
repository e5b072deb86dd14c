"""Session-prep packets: everything the counselor reads before a session, as plain filtered data.

A packet belongs to a session. By default it covers "since the last session": homework assigned or
submitted since then (and, in its status table, any one-off homework still waiting for a partner,
however old), the topics the partners added for this session, and the check-in trend. The full
history comes only on request, as an appendix.
"""
from dataclasses import dataclass, field
from datetime import datetime

from .. import access
from ..extensions import session
from ..models import Appointment, User
from ..models.assignment import STATUS_CANCELLED
from ..models.base import utcnow
from ..charts import measure_svg
from ..pdf.prep_packet import cached_or_rendered, packet_html
from ..security.audit import record
from ..timezones import to_local
from . import checkins, measures, risk_language, sessions, topics
from .reviews import SideBySide, couple_homework, is_outstanding, sides_by_side


@dataclass
class PrepPacket:
    couple: object
    counselor: User
    generated_at: datetime
    next_session: Appointment | None
    homework: list                 # AssignmentRow: status per partner
    exercises: list[SideBySide]    # only those with at least one submission
    risk_flags: int
    trends: list = field(default_factory=list)  # MeasureTrend: one chart per measure, both partners
    scored: list = field(default_factory=list)  # measures.ScoredTrend: validated measures, with cutoff
    session_number: int | None = None
    since: datetime | None = None  # the previous session's start; None = the whole history
    topics: list = field(default_factory=list)
    appendix: list[SideBySide] = field(default_factory=list)  # the full history, on request
    check_ins_to_read: list = field(default_factory=list)  # partners whose private check-in needs reading
    answers_to_read: list = field(default_factory=list)    # (partner, exercise title): an alerting answer
    language_flags: list = field(default_factory=list)     # risk_language.RiskFlag, in what is printed
    full_history: bool = False  # asked for: the appendix and every day of the trends

    @property
    def has_responses(self) -> bool:
        return bool(self.exercises or self.trends or self.scored)

    @property
    def read_first(self) -> bool:
        return bool(self.check_ins_to_read or self.answers_to_read or self.language_flags)


# A packet's weekly check-in charts and tables show the latest this many days with a rating (three
# months of weekly check-ins when the partners answer on the same day, six weeks when on different
# days): two years in care would otherwise print some fifteen pages of numbers before a session. The
# packet printed with the full history shows every day.
TREND_DAYS_SHOWN = 12


@dataclass
class MeasureTrend:
    """One weekly check-in measure over time, both partners on one chart, with its numbers."""
    measure: str
    chart: object
    rows: list  # (day, [each partner's ratings that day]), oldest first
    earlier_days: int = 0  # days with a rating before the first row, left out of this packet
    first_day: object = None  # the first day with a rating, of all of them


def _is_new(row, since: datetime | None) -> bool:
    if since is None or row.assignment.created_at > since:
        return True
    return any(c.response is not None and c.response.submitted_at is not None and c.response.submitted_at > since
               for c in row.cells.values())


def _printable(counselor: User, rows) -> list[SideBySide]:
    """Side-by-side answers of exercises with a submission. Check-ins are never printed as answers:
    the private one because paper travels, the weekly one because it prints as a trend."""
    return sides_by_side(counselor, [row.assignment for row in rows
                          if row.definition.policy.printed_as_answers
                          and any(c.response is not None and c.response.is_submitted for c in row.cells.values())])


def _trends(counselor: User, couple, everything: bool = False) -> list[MeasureTrend]:
    """A chart and a table per measure: the latest TREND_DAYS_SHOWN days with a rating, or every day."""
    series = checkins.couple_trust_series(counselor, couple)
    zone_name = counselor.timezone
    names = [partner.display_name for partner in couple.partners]
    trends = []
    for measure in checkins.METRICS:
        lines = {partner.display_name: [(point.at, point.ratings[measure]) for point in series.get(partner.id, [])
                                        if measure in point.ratings] for partner in couple.partners}
        if not any(lines.values()):
            continue
        rows = _by_day(lines, names, zone_name)
        shown = rows if everything else rows[-TREND_DAYS_SHOWN:]
        if len(shown) < len(rows):
            first_shown = shown[0][0]
            lines = {name: [(at, value) for at, value in points if to_local(at, zone_name).date() >= first_shown]
                     for name, points in lines.items()}
        trends.append(MeasureTrend(measure, measure_svg(lines, f"{measure.title()}: weekly check-ins"), shown,
                                   earlier_days=len(rows) - len(shown), first_day=rows[0][0]))
    return trends


def _by_day(lines: dict, names: list[str], zone_name: str) -> list:
    """[(day, [each partner's ratings that day])], oldest first: both partners on one row when they
    answered on the same day, and no rating ever dropped."""
    days: dict = {}
    for name, points in lines.items():
        for at, value in points:
            days.setdefault(to_local(at, zone_name).date(), {}).setdefault(name, []).append(value)
    return [(day, [days[day].get(name, []) for name in names]) for day in sorted(days)]


def _unread_alerts(rows) -> list:
    return [(row, partner_id) for row in rows for partner_id, cell in row.cells.items()
            if cell.response is not None and cell.response.risk_flagged and cell.response.reviewed_at is None]


def _check_ins_to_read(couple, rows) -> list:
    """Partners with a private check-in whose risk answer the counselor has not yet marked read."""
    flagged = {partner_id for row, partner_id in _unread_alerts(rows) if row.definition.policy.screens_safety}
    return [partner for partner in couple.partners if partner.id in flagged]


def _answers_to_read(couple, rows) -> list:
    """(partner, exercise title) for each exercise with an alerting answer not yet marked read."""
    names = {partner.id: partner for partner in couple.partners}
    return [(names[partner_id], row.definition.title) for row, partner_id in _unread_alerts(rows)
            if not row.definition.policy.screens_safety]


def prep(counselor: User, couple_id: int, appointment: Appointment | None = None,
         full_history: bool = False) -> PrepPacket:
    homework = couple_homework(counselor, couple_id)
    couple, rows = homework.couple, homework.rows
    rows = [r for r in rows if r.assignment.status != STATUS_CANCELLED]
    risk_flags = sum(1 for row in rows for c in row.cells.values() if c.response is not None and c.response.risk_flagged)
    check_ins = _check_ins_to_read(couple, rows)
    answers_to_read = _answers_to_read(couple, rows)
    rows = [r for r in rows if r.definition.policy.printable]
    previous = sessions.previous_session(appointment) if appointment is not None else None
    since = previous.starts_at if previous is not None else None
    recent = [r for r in rows if _is_new(r, since)]
    exercises = _printable(counselor, recent)
    appendix = _printable(counselor, rows) if full_history and since is not None else []
    status_rows = [r for r in rows if _is_new(r, since) or is_outstanding(r)]  # asked about whenever assigned
    return PrepPacket(
        couple, counselor, utcnow(), appointment, status_rows, exercises, risk_flags,
        _trends(counselor, couple, everything=full_history),
        session_number=sessions.number_of(appointment) if appointment is not None else None, since=since,
        topics=topics.topics_for_session(appointment) if appointment is not None else [],
        appendix=appendix, check_ins_to_read=check_ins, answers_to_read=answers_to_read,
        scored=measures.couple_measures(counselor, couple),
        language_flags=risk_language.flags_in(exercises + appendix, risk_language.phrases_of(counselor.practice)),
        full_history=full_history,
    )


def _render(packet: PrepPacket) -> bytes:
    # The HTML is made before the audit entry is committed: a commit expires every loaded object, and
    # the template would then reload and decrypt them all again.
    pdf = cached_or_rendered(packet.couple.id, packet_html(packet))
    # The full history prints every answer: the audit log tells the two apart.
    record(packet.counselor.id, "print_prep_packet_full" if packet.full_history else "print_prep_packet",
           packet.next_session or packet.couple)
    session.commit()
    return pdf


def prep_packet_pdf(counselor: User, couple_id: int, full_history: bool = False) -> bytes:
    """The packet for the couple's next session, or their whole history when none is scheduled."""
    couple = access.couple_for_counselor(counselor, couple_id)
    return _render(prep(counselor, couple_id, sessions.next_session(couple.id), full_history))


def session_packet_pdf(counselor: User, appointment_id: int, full_history: bool = False) -> bytes:
    appointment = sessions.session_for(counselor, appointment_id)
    return _render(prep(counselor, appointment.couple_id, appointment, full_history))
