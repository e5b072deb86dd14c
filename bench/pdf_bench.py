"""Session-prep packets against bare WeasyPrint on the same HTML, measured in one run.

    .venv/bin/python bench/pdf_bench.py

Prints one figure per line: for the realistic packet (since the last session) and the 12-week worst
case, ours (data + template + layout in the worker process) and bare WeasyPrint in this process on
the same HTML, with `ratio: X` (target <= 1.15); then the cached download, and the batch speed-up of
2 worker processes over 1 (target >= 1.7). Medians of interleaved rounds.
"""
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import update  # noqa: E402

from bench.demo import scratch_folder  # noqa: E402
from bench.fixtures import build_couple  # noqa: E402
from therapist_app import create_app  # noqa: E402
from therapist_app.extensions import session  # noqa: E402
from therapist_app.models import Appointment, Assignment, Response  # noqa: E402
from therapist_app.models.base import utcnow  # noqa: E402
from therapist_app.pdf import prep_packet  # noqa: E402
from therapist_app.pdf.render import pdf_from_html  # noqa: E402
from therapist_app.pdf.worker import render_many, render_with_time_limit  # noqa: E402
from therapist_app.services import packets  # noqa: E402

RUNS = 5
BATCH = 16  # a practice day: 16 sessions


def interleaved_medians(*works, runs=RUNS) -> list[float]:
    """Runs the works in turn, `runs` rounds, so that warm-up and machine noise fall on all alike."""
    times = [[] for _ in works]
    for _ in range(runs):
        for index, work in enumerate(works):
            start = time.perf_counter()
            work()
            times[index].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def six_weeks_ago_but_the_last_week(couple) -> Appointment:
    """Backdates all homework but the last exercise and the last check-in, and puts a held session
    a week ago and the next one tomorrow: the packet a counselor actually prints each week."""
    ids = session.scalars(Assignment.__table__.select().with_only_columns(Assignment.id)
                          .where(Assignment.couple_id == couple.id).order_by(Assignment.id)).all()
    keep = {ids[9], ids[-1]}  # the tenth exercise and the twelfth check-in are this week's
    older = [i for i in ids if i not in keep]
    for weeks_ago, assignment_id in zip(_weeks_back(older), older):  # one exercise and one check-in a week
        moment = utcnow() - timedelta(weeks=weeks_ago, days=1)
        session.execute(update(Assignment).where(Assignment.id == assignment_id).values(created_at=moment))
        session.execute(update(Response).where(Response.assignment_id == assignment_id).values(submitted_at=moment))
    session.add(Appointment(couple_id=couple.id, starts_at=utcnow() - timedelta(days=7), status="held"))
    upcoming = Appointment(couple_id=couple.id, starts_at=utcnow() + timedelta(days=1), status="scheduled")
    session.add(upcoming)
    session.commit()
    return upcoming


def _weeks_back(older: list[int]) -> list[int]:
    """How many weeks ago each older assignment was done: the exercises and the check-ins each
    counted back from last week, in the order they were assigned."""
    exercises, check_ins = older[:9], older[9:]
    return [len(exercises) - i for i in range(len(exercises))] + [len(check_ins) - i for i in range(len(check_ins))]


def measure(name, counselor, couple_id, appointment):
    packet = packets.prep(counselor, couple_id, appointment)
    html = prep_packet.packet_html(packet)
    from pypdf import PdfReader
    import io
    pages = len(PdfReader(io.BytesIO(pdf_from_html(html))).pages)
    ours, bare = interleaved_medians(
        lambda: render_with_time_limit(prep_packet.packet_html(packets.prep(counselor, couple_id, appointment)), 600),
        lambda: pdf_from_html(html))
    print(f"{name} ({pages} pages): ours {ours:.2f} s, bare WeasyPrint {bare:.2f} s, ratio: {ours / bare:.2f}")
    return html


def main():
    workdir = scratch_folder()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.db", "THERAPIST_PDF_CACHE_DIR": f"{workdir}/cache"})
    with app.app_context(), app.test_request_context():
        counselor, couple = build_couple(app)
        appointment = six_weeks_ago_but_the_last_week(couple)
        render_with_time_limit("<p>warm-up</p>", 60)  # the worker's one-time start, outside the timings
        realistic = measure("realistic packet, since the last session", counselor, couple.id, appointment)
        measure("worst case, 12 weeks of history", counselor, couple.id, None)

        packets.session_packet_pdf(counselor, appointment.id)  # fills the cache
        (cached,) = interleaved_medians(lambda: packets.session_packet_pdf(counselor, appointment.id))
        print(f"cached download: {cached:.3f} s")

        one, two = interleaved_medians(lambda: render_many([realistic] * BATCH, 1),
                                       lambda: render_many([realistic] * BATCH, 2), runs=3)
        print(f"batch of {BATCH} packets: 1 process {one:.2f} s, 2 processes {two:.2f} s")
        print(f"batch speed-up (2 vs 1 processes): {one / two:.2f}")


if __name__ == "__main__":
    main()
