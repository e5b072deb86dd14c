"""One page's cost in-process, through Flask's test client: no server, no network, the demo practice.

    .venv/bin/python bench/page_bench.py                       # every benchmarked page, once each
    .venv/bin/python bench/page_bench.py /my/ --profile        # one page, and where its time goes
    .venv/bin/python bench/page_bench.py /my/ --profile --ours # the same, our functions by cumulative time
    BENCH_ROOT=/tmp/old-tree .venv/bin/python bench/page_bench.py   # another checkout, for an A/B
    .venv/bin/python bench/page_bench.py /my/ --weeks 104      # after two more years of check-ins
    .venv/bin/python bench/page_bench.py --packet --weeks 104  # the demo couple's prep packet: data, layout, pages

Prints the best of 5 rounds per page, in ms per request, beside Flask hello world measured the same
way in the same run. For an A/B, run two trees in turns (A B A B) on a quiet machine and compare
only the same run's ratios. The demo database is built once per tree, in its own temporary folder."""
import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this bench's own helpers, whatever ROOT is
from bench.demo import COUNSELOR, PARTNER, csrf_token, scratch_folder, seeded_env  # noqa: E402

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parent.parent)
DEMO_COUPLE = 2  # Riley (PARTNER) and Jordan, counselor Rivera's (COUNSELOR)
PAGES = {"/session/alive": PARTNER, "/my/": PARTNER, "/counselor/": COUNSELOR,
         f"/counselor/couples/{DEMO_COUPLE}": COUNSELOR}


def demo_app():
    os.environ.update(seeded_env(ROOT, scratch_folder(), dict(os.environ)))
    sys.path.insert(0, str(ROOT))
    from wsgi import app  # only now: the app reads its database from the environment as it loads
    return app


def add_weeks_of_check_ins(app, weeks: int) -> None:
    """The demo partner submits a weekly trust check-in of a repeating series for `weeks` more weeks,
    the latest two weeks ago, and the counselor reads each: a couple two years in care has some hundred
    of them. Through the app's own models, so the answers are sealed to their rows as real ones are."""
    from therapist_app.extensions import session
    from therapist_app.models import Assignment, AssignmentSeries, Couple, Response, User
    from therapist_app.models.base import utcnow
    from therapist_app.services.worksheets import version_by_slug
    with app.app_context():
        partner = session.query(User).filter_by(email=PARTNER[0]).one()
        couple = session.query(Couple).filter(
            (Couple.partner_a_id == partner.id) | (Couple.partner_b_id == partner.id)).one()
        version = version_by_slug("weekly-trust-check-in")
        now = utcnow()
        series = AssignmentSeries(couple_id=couple.id, worksheet_version_id=version.id, created_by_id=couple.counselor_id,
                                  first_due=(now - timedelta(weeks=weeks + 1)).date(), status="ended", next_period=weeks)
        session.add(series)
        session.flush()
        for week in reversed(range(weeks)):  # the oldest first, as the weeks went by
            when = now - timedelta(weeks=week + 2)
            assignment = Assignment(couple_id=couple.id, worksheet_version_id=version.id, created_by_id=couple.counselor_id,
                                    due_date=when.date(), series_id=series.id, period=weeks - 1 - week,
                                    created_at=when - timedelta(days=3))
            session.add(assignment)
            session.flush()
            answers = {"values": {f"{m}_rating": week % 11 for m in ("trust", "safety", "communication", "closeness")},
                       "states": {}}
            session.add(Response(assignment_id=assignment.id, partner_id=partner.id, status="submitted",
                                 draft=answers, submitted=answers, revision=1, submitted_at=when,
                                 reviewed_at=when + timedelta(days=1)))
        session.commit()


def add_weeks_of_sessions(app, weeks: int) -> None:
    """`weeks` more weekly sessions for the demo couple, held before the demo's own began: each with a
    topic from each partner and a published summary (a copy of the demo's latest, sealed to its new
    row): two years of sessions, as the couple page, the partners' summaries and the packet meet them."""
    from therapist_app.extensions import session
    from therapist_app.models import Appointment, Couple, SessionSummary, SessionTopic
    with app.app_context():
        couple = session.get(Couple, DEMO_COUPLE)
        first = session.query(Appointment).filter_by(couple_id=couple.id).order_by(Appointment.starts_at).first()
        model = (session.query(SessionSummary).filter(SessionSummary.published_at.is_not(None))
                 .join(Appointment).filter(Appointment.couple_id == couple.id)
                 .order_by(SessionSummary.published_at.desc()).first())
        for week in range(weeks, 0, -1):  # the oldest first, as the weeks went by
            starts = first.starts_at - timedelta(weeks=week)
            appointment = Appointment(couple_id=couple.id, starts_at=starts, status="held")
            session.add(appointment)
            session.flush()
            for partner in couple.partners:
                session.add(SessionTopic(couple_id=couple.id, author_id=partner.id, text="Something from the week",
                                         created_at=starts - timedelta(days=2)))
            session.add(SessionSummary(appointment_id=appointment.id, per_partner=model.per_partner,
                                       draft=model.draft, published=model.published,
                                       published_at=starts + timedelta(days=1)))
        session.commit()


def signed_in(app, login: str, password: str):
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    reply = client.post("/login", data={"login": login, "password": password, "csrf_token": token})
    if reply.status_code not in (302, 303):
        raise SystemExit(f"{login} could not sign in ({reply.status_code})")
    return client


def best_ms(client, path: str, count: int) -> float:
    reply = client.get(path)
    if reply.status_code != 200:  # a lost sign-in would time a redirect
        raise SystemExit(f"{path} answered {reply.status_code}, not the page")
    for _ in range(count // 4):  # warm: compiled templates, statement caches
        client.get(path)
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(count):
            client.get(path)
        rounds.append((time.perf_counter() - started) / count * 1000)
    return min(rounds)


def packet_cost(app) -> str:
    """The demo couple's prep packet for their next session: gathering its data (best of 5 x 20), laying
    it out (once, after a warm-up of the PDF worker) and its pages."""
    from pypdf import PdfReader
    from therapist_app.extensions import session
    from therapist_app.models import User
    from therapist_app.pdf.prep_packet import packet_html
    from therapist_app.pdf.worker import render_with_time_limit
    from therapist_app.services import packets, sessions
    with app.app_context(), app.test_request_context():
        counselor = session.query(User).filter_by(email=COUNSELOR[0]).one()
        appointment = sessions.next_session(DEMO_COUPLE)
        rounds = []
        for _ in range(6):
            started = time.perf_counter()
            for _ in range(20):
                packets.prep(counselor, DEMO_COUPLE, appointment)
                session.rollback()
            rounds.append((time.perf_counter() - started) / 20 * 1000)
        html = packet_html(packets.prep(counselor, DEMO_COUPLE, appointment))
        render_with_time_limit("<p>warm-up</p>", 60)
        started = time.perf_counter()
        pdf = render_with_time_limit(html, 120)
        layout = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return f"data {min(rounds[1:]):.1f} ms, layout {layout:.2f} s, {pages} pages"


def hello_ms(count: int) -> float:
    hello = Flask("hello")
    hello.get("/")(lambda: "Hello, World!")
    return best_ms(hello.test_client(), "/", count)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", help="one page (the default: every benchmarked page)")
    parser.add_argument("--count", type=int, default=200, help="requests per round")
    parser.add_argument("--weeks", type=int, default=0, help="the demo partner's weeks of check-ins to add first")
    parser.add_argument("--profile", action="store_true", help="cProfile one more round, by own time")
    parser.add_argument("--ours", action="store_true",
                        help="with --profile: our own functions and templates only, by time spent in each and below")
    parser.add_argument("--sessions", type=int, default=0, help="the demo couple's weeks of sessions to add first")
    parser.add_argument("--packet", action="store_true", help="the demo couple's prep packet instead of pages")
    args = parser.parse_args()
    app = demo_app()
    if args.weeks:
        add_weeks_of_check_ins(app, args.weeks)
    if args.sessions:
        add_weeks_of_sessions(app, args.sessions)
    if args.packet:
        print(f"prep packet, {ROOT}" + (f", {args.weeks} more weeks of check-ins" if args.weeks else "")
              + (f", {args.sessions} more weeks of sessions" if args.sessions else "") + f": {packet_cost(app)}")
        return
    paths = [args.path] if args.path else list(PAGES)
    baseline = hello_ms(args.count * 5)
    print(f"in-process, best of 5 x {args.count}, {ROOT}" + (f", {args.weeks} more weeks of check-ins" if args.weeks else "")
          + (f", {args.sessions} more weeks of sessions" if args.sessions else ""))
    print(f"  {'Flask hello world':<24} {baseline:7.3f} ms   ratio 1.00")
    for path in paths:
        client = signed_in(app, *PAGES.get(path, PARTNER))
        spent = best_ms(client, path, args.count)
        print(f"  {path:<24} {spent:7.3f} ms   ratio {baseline / spent:.3f}")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(lambda: [client.get(path) for _ in range(args.count)])
            if args.ours:
                pstats.Stats(profile).sort_stats("cumulative").print_stats(r"therapist_app|templates", 40)
            else:
                pstats.Stats(profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    sys.exit(main())
