"""Keeps the README's pictures current: the demo practice, as its people see it.

    .venv/bin/python scripts/demo_screenshots.py

Seeds the demo practice into a temporary SQLite database, serves the app on 127.0.0.1 (a free port)
in a thread, and photographs with Debian's Chromium: the counselor's dashboard, a partner's homework
on a 360 px phone, and the first page of tomorrow's prep packet (through pdftoppm).
"""
import subprocess
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo import scratch_folder  # noqa: E402
from therapist_app import create_app  # noqa: E402
from therapist_app.extensions import session  # noqa: E402
from therapist_app.models import Appointment, Base, Couple, User  # noqa: E402
from therapist_app.services.demo import DEMO_LOGINS, seed_demo  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORDS = {login.login: login.password for login in DEMO_LOGINS}


def seeded_app(workdir: Path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/demo.db",
                      "THERAPIST_PDF_CACHE_DIR": str(workdir / "pdf-cache"), "RATELIMIT_ENABLED": False})
    with app.app_context():
        Base.metadata.create_all(app.extensions["sqlalchemy"].engine)
        seed_demo()
        riley = session.scalar(select(User).where(User.email == "riley@demo.example"))
        couple = session.scalar(select(Couple).where(Couple.partner_a_id == riley.id))
        tomorrow = session.scalars(select(Appointment.id).where(Appointment.couple_id == couple.id)
                                   .order_by(Appointment.starts_at.desc())).first()
        session.remove()
    return app, tomorrow


def sign_in(browser, base, login, viewport):
    context = browser.new_context(viewport=viewport, base_url=base, accept_downloads=True)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email or sign-in name").fill(login)
    page.get_by_label("Password").fill(PASSWORDS[login])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    return page


def photograph(base: str, tomorrow: int, workdir: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = sign_in(browser, base, "counselor@demo.example", {"width": 1280, "height": 900})
        page.goto("/counselor/")
        page.screenshot(path=str(OUT / "demo-dashboard.png"))
        pdf = page.request.get(f"/counselor/sessions/{tomorrow}/prep.pdf").body()
        phone = sign_in(browser, base, "riley@demo.example", {"width": 360, "height": 1100})
        phone.goto("/my/")
        phone.get_by_role("link", name="New boundaries for us").click()  # revealed: Jordan's shared answers too
        phone.wait_for_load_state("networkidle")
        phone.screenshot(path=str(OUT / "demo-partner-homework.png"))
        browser.close()
    (workdir / "packet.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(workdir / "packet.pdf"),
                    str(workdir / "page")], check=True)
    (OUT / "demo-prep-packet.png").write_bytes(next(workdir.glob("page-*.png")).read_bytes())


def main():
    workdir = Path(scratch_folder())
    app, tomorrow = seeded_app(workdir)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        photograph(f"http://127.0.0.1:{server.server_port}", tomorrow, workdir)
    finally:
        server.shutdown()
        thread.join(5)
    for name in ("demo-dashboard.png", "demo-partner-homework.png", "demo-prep-packet.png"):
        print(f"wrote docs/screenshots/{name}")


if __name__ == "__main__":
    main()
