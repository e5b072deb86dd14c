"""Real Chromium (Debian's) driven by Playwright, against the app served on 127.0.0.1 in a thread."""
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
PHONE = {"width": 360, "height": 780}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["THERAPIST_PUBLIC_BASE_URL"] = base
    yield base
    server.shutdown()
    thread.join(5)


@pytest.fixture
def new_page(browser, live_server):
    """new_page(phone=True): a fresh browser context (its own cookies), phone-sized by default."""
    contexts = []

    def make(phone=True):
        context = browser.new_context(viewport=PHONE if phone else {"width": 1280, "height": 900},
                                      base_url=live_server, accept_downloads=True)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
