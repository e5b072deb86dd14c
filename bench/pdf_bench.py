"""Session-prep packet rendering against bare WeasyPrint on the same HTML, measured in one run.

    .venv/bin/python bench/pdf_bench.py
Prints medians of 5 runs and their ratio; the target is <= 1.15 (our work on top of WeasyPrint).
"""
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from bench.fixtures import build_couple  # noqa: E402
from therapist_app import create_app  # noqa: E402
from therapist_app.pdf.render import ASSET_SCHEME, AppAssetsOnly  # noqa: E402
from therapist_app.services import packets  # noqa: E402

RUNS = 5


def interleaved_medians(*works) -> list[float]:
    """Runs the works in turn, RUNS rounds, so that warm-up and machine noise fall on all alike."""
    times = [[] for _ in works]
    for _ in range(RUNS):
        for index, work in enumerate(works):
            start = time.perf_counter()
            work()
            times[index].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main():
    workdir = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.db"})
    with app.app_context(), app.test_request_context():
        counselor, couple = build_couple(app)
        pdf = packets.prep_packet_pdf(counselor, couple.id)
        html = render_template("therapist_app/pdf/prep_packet.html", packet=packets.prep(counselor, couple.id),
                               asset_base=f"{ASSET_SCHEME}:///")
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        ours, bare, data_only = interleaved_medians(
            lambda: packets.prep_packet_pdf(counselor, couple.id),
            lambda: HTML(string=html, base_url=f"{ASSET_SCHEME}:///", url_fetcher=AppAssetsOnly()).write_pdf(),
            lambda: packets.prep(counselor, couple.id),
        )
    print(f"prep packet: 10 exercises + 12 check-ins, both partners, long answers: {pages} pages")
    print(f"  gathering the data (queries, decryption): {data_only * 1000:.0f} ms")
    print(f"  our render (data + template + WeasyPrint): {ours:.2f} s median of {RUNS}")
    print(f"  bare WeasyPrint on the same HTML:          {bare:.2f} s median of {RUNS}")
    print(f"  ratio: {ours / bare:.2f} (target <= 1.15)")


if __name__ == "__main__":
    main()
