"""Session-prep packets: everything the counselor reads before a session, as plain filtered data."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..engine.schema import KIND_SAFETY_CHECK_IN, KIND_TRUST_CHECK_IN
from ..extensions import session
from ..models import Appointment, User
from ..models.assignment import STATUS_CANCELLED
from ..models.base import utcnow
from ..pdf.charts import trend_svg
from ..pdf.render import render_pdf
from ..security.audit import record
from . import checkins
from .reviews import SideBySide, couple_homework, side_by_side


@dataclass
class PrepPacket:
    couple: object
    counselor: User
    generated_at: datetime
    next_session: Appointment | None
    homework: list                 # AssignmentRow: status per partner
    exercises: list[SideBySide]    # only those with at least one submission
    risk_flags: int
    trends: list = field(default_factory=list)  # (partner, SVG chart, points) for the weekly check-ins

    @property
    def has_responses(self) -> bool:
        return bool(self.exercises or self.trends)


def prep(counselor: User, couple_id: int) -> PrepPacket:
    couple, rows = couple_homework(counselor, couple_id)
    rows = [r for r in rows if r.assignment.status != STATUS_CANCELLED]
    exercises = []
    risk_flags = 0
    for row in rows:
        risk_flags += sum(1 for c in row.cells.values() if c.response is not None and c.response.risk_flagged)
        if any(cell.response is not None and cell.response.is_submitted for cell in row.cells.values()):
            exercises.append(side_by_side(row.assignment))
    # Private check-ins are never printed: paper travels. The packet says only that one needs reading.
    # Weekly check-ins are shown as one trend per partner rather than one table a week.
    rows = [r for r in rows if r.definition.kind != KIND_SAFETY_CHECK_IN]
    exercises = [e for e in exercises if e.definition.kind not in (KIND_SAFETY_CHECK_IN, KIND_TRUST_CHECK_IN)]
    series = checkins.couple_trust_series(couple)
    trends = [(partner, trend_svg(series[partner.id], checkins.METRICS, f"Weekly check-ins: {partner.display_name}"),
               series[partner.id]) for partner in couple.partners if series.get(partner.id)]
    next_session = session.scalar(
        select(Appointment).where(Appointment.couple_id == couple.id, Appointment.starts_at >= utcnow())
        .order_by(Appointment.starts_at).limit(1)
    )
    return PrepPacket(couple, counselor, utcnow(), next_session, rows, exercises, risk_flags, trends)


def prep_packet_pdf(counselor: User, couple_id: int) -> bytes:
    packet = prep(counselor, couple_id)
    # Render before committing the audit entry: a commit expires every loaded object, and the
    # template would then reload and decrypt them all again.
    pdf = render_pdf("therapist_app/pdf/prep_packet.html", packet=packet)
    record(counselor.id, "print_prep_packet", packet.couple)
    session.commit()
    return pdf



