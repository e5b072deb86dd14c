"""The security headers: on plugin pages, and standalone on every response of the app."""
from support import signed_in


def test_pages_are_sent_with_privacy_headers(app, factory):
    browser = signed_in(app, factory.counselor())
    response = browser.get("/counselor/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    cookie = browser.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_every_response_of_the_standalone_app_carries_the_security_headers(client):
    for path in ("/", "/no-such-page", "/assets/static/app.css", "/login"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "This page isn't available" in missing.get_data(as_text=True)
