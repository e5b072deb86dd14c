"""What a person meets once their session has ended: the sign-in page, a 401 for scripts, or a calm
page that shows back the text they had just posted."""
from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, render_template, request, url_for

from ..negotiation import wants_json
from . import host_bridge


def signed_out_response(expired: bool):
    if wants_json():
        return jsonify(error="signed_out", message="Your session has ended. Sign in again to save."), 401
    if expired:
        flash("You were signed out after a quiet spell, to keep things private. "
              "Everything you saved is still here.", "info")
    next_path = request.full_path if request.method == "GET" else None
    return redirect(host_bridge.host_login_url(next_path) if host_bridge.paused() else
                    url_for("ta_auth.login", next=next_path))


# Posted fields never shown back: secrets, and the machinery of the form (an exercise's "s__" fields are
# each question's hidden "answer it or skip it" choice, whose value "answer" a person never typed).
_NOT_SHOWN_BACK = ("csrf_token", "password", "revision", "action", "next", "s__")


def session_ended_page(form, status: int = 401):
    """What a form post meets when its session has ended (signed out while idle, or the cookie gone):
    a calm page that shows the text that was posted, so it can be copied back after signing in."""
    if wants_json():
        return jsonify(error="signed_out", message="Your session has ended. Sign in again to save."), status
    return render_template("therapist_app/errors/session_ended.html", kept=kept_text(form),
                           back=_same_site_referrer()), status


def kept_text(form) -> list[tuple[str, str]]:
    """The free text of a post, to show back to its author: never secrets or the form's machinery."""
    return [(name, value) for name in form for value in form.getlist(name)
            if not name.startswith(_NOT_SHOWN_BACK) and isinstance(value, str) and len(value.strip()) > 2]


def _same_site_referrer() -> str | None:
    """The page the form was on, as a path, if it is one of ours: where to come back after signing in."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")
