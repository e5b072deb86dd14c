"""Prep packets made ahead: every packet for a day's sessions, laid out on several cores at once,
so that a counselor opening tomorrow's packet gets it from the cache.

`flask pdf prep --date` runs it by hand; the scheduler runs it each night for the next day. Beyond
one machine the same work would fan out through a PostgreSQL job queue (docs/architecture.md).
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import access
from ..extensions import session
from ..models import Appointment, Couple
from ..models.appointment import STATUS_SCHEDULED
from ..pdf import cache
from ..pdf import prep_packet
from ..pdf.worker import render_many
from ..timezones import to_local
from . import packets


@dataclass
class BatchResult:
    sessions: int = 0
    rendered: int = 0
    already_cached: int = 0
    failed: int = 0


def sessions_on(day: date) -> list[Appointment]:
    """Scheduled sessions on this day, as each counselor's own calendar has it (couples in care only)."""
    start = datetime.combine(day, time.min, tzinfo=timezone.utc)
    window = (select(Appointment).join(Couple, Couple.id == Appointment.couple_id)
              .where(access.writable_couples_clause(), Appointment.status == STATUS_SCHEDULED,
                     Appointment.starts_at >= start - timedelta(hours=14),
                     Appointment.starts_at < start + timedelta(hours=38))
              .options(selectinload(Appointment.couple).selectinload(Couple.counselor))
              .order_by(Appointment.starts_at))
    return [a for a in session.scalars(window)
            if to_local(a.starts_at, a.couple.counselor.timezone).date() == day]


def prepare_day(day: date, processes: int = 1, progress=None) -> BatchResult:
    """Lays out every packet of the day's sessions not already in the cache. `progress(n)` is told
    how many documents will be laid out, then called once per finished one (a progress bar)."""
    appointments = sessions_on(day)
    result = BatchResult(sessions=len(appointments))
    todo = []  # (couple id, cache key, html)
    for appointment in appointments:
        packet = packets.prep(appointment.couple.counselor, appointment.couple_id, appointment)
        html = prep_packet.packet_html(packet)
        key = cache.key_for(html)
        if cache.get(appointment.couple_id, key) is not None:
            result.already_cached += 1
        else:
            todo.append((appointment.couple_id, key, html))
    tick = progress(len(todo)) if progress else None
    for (couple_id, key, _), pdf in zip(todo, render_many([html for *_, html in todo], processes, tick), strict=True):
        if pdf is None:
            result.failed += 1
        else:
            cache.put(couple_id, key, pdf)
            result.rendered += 1
    return result
