"""What a person meets once their session has ended: the sign-in page, a 401 for scripts, or a calm
page that shows back the text they had just posted."""
from urllib.parse import urlsplit

from flask import flash, g, jsonify, redirect, render_template, request, url_for

from ..negotiation import wants_json
from . import host_bridge

# Why this browser is signed out, as its pages tell it (the sign-in dialog words each one): a quiet spell
# ("idle"); the account's sessions ended from elsewhere, by a new password or "sign out everywhere"
# ("ended_elsewhere": a person typing would otherwise read "after a quiet spell" and never learn that
# their password was changed, which may not have been them); the account deactivated by the practice
# ("account_closed": told "your password was changed", a counselor would reset a password that can't
# open anything); or simply no session ("signed_out"). The reason lives in `g` for this request only.
SESSION_ENDED_WHY_KEY = "ta_session_ended_why"
ENDED_ELSEWHERE_FLASH = ("You were signed out because this account's password was changed or it was signed out on "
                         "every device. If that wasn't you, choose “Forgot your password?” below.")
ACCOUNT_CLOSED = ("This account has been deactivated by your practice, so it can't sign in any more. "
                  "If you need it again, please ask your practice's administrator.")
_TOLD_ON_SIGN_IN_PAGE = {"ended_elsewhere": ENDED_ELSEWHERE_FLASH, "account_closed": ACCOUNT_CLOSED}


def signed_out_json(expired: bool, status: int = 401):
    reason = g.get(SESSION_ENDED_WHY_KEY) or ("idle" if expired else "signed_out")
    return jsonify(error="signed_out", reason=reason, message="Your session has ended. Sign in again to save."), status


def signed_out_response(expired: bool):
    if wants_json():
        return signed_out_json(expired)
    why = g.get(SESSION_ENDED_WHY_KEY)
    if why:
        flash(_TOLD_ON_SIGN_IN_PAGE[why], "info")
    elif expired:
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
        return signed_out_json(expired=True, status=status)
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
