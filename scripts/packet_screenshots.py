"""Keeps docs/screenshots current: one PNG per page type of the prep packet.

    .venv/bin/python scripts/packet_screenshots.py

Builds the benchmark couple (12 weeks of homework, a session last week and one tomorrow), plants a
risk phrase and a gap so that every part of the packet shows, renders the session's packet, and
turns the first page, an exercise page and a trends page into PNGs with pdftoppm.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo import scratch_folder  # noqa: E402
from bench.fixtures import build_couple  # noqa: E402
from bench.pdf_bench import six_weeks_ago_but_the_last_week  # noqa: E402
from therapist_app import create_app  # noqa: E402
from therapist_app.extensions import session  # noqa: E402
from therapist_app.models import Assignment, Response  # noqa: E402
from therapist_app.services import packets  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def plant_details(appointment) -> None:
    """A risk phrase in one answer and ratings 3+ apart on one scale, in this week's exercise."""
    this_week = session.scalars(Assignment.__table__.select().with_only_columns(Assignment.id)
                                .where(Assignment.couple_id == appointment.couple_id).order_by(Assignment.id)).all()[9]
    responses = session.scalars(session.query(Response).filter_by(assignment_id=this_week).statement).all()
    for index, response in enumerate(responses):
        answers = {"values": dict(response.submitted["values"]), "states": {}}
        for key, value in answers["values"].items():
            if isinstance(value, int):
                answers["values"][key] = 2 if index == 0 else 8
            elif isinstance(value, str) and index == 0 and len(value) > 100:
                answers["values"][key] = "Some nights I am afraid of him when he drinks. " + value
                break
        response.submitted = response.draft = answers
    session.commit()


def main():
    workdir = Path(scratch_folder())
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/shots.db"})
    with app.app_context(), app.test_request_context():
        counselor, couple = build_couple(app)
        appointment = six_weeks_ago_but_the_last_week(couple)
        plant_details(appointment)
        pdf = packets.session_packet_pdf(counselor, appointment.id)
    (workdir / "packet.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(workdir / "packet.pdf"), str(workdir / "page")], check=True)
    pages = sorted(workdir.glob("page-*.png"))
    OUT.mkdir(parents=True, exist_ok=True)
    for name, page in (("prep-packet-page1.png", pages[0]), ("prep-packet-exercise.png", pages[1]),
                       ("prep-packet-trends.png", pages[-2])):
        (OUT / name).write_bytes(page.read_bytes())
        print(f"wrote docs/screenshots/{name}")


if __name__ == "__main__":
    main()
