"""The link in every reminder: turns reminders off without signing in (RFC 8058 one-click)."""
from flask import render_template, request

from ..extensions import csrf
from ..services import unsubscribe
from . import bp
from .layouts import page_for


@bp.route("/reminders/off/<token>", methods=["GET", "POST"])
@csrf.exempt  # a mail client's one-click POST carries no CSRF token; the signed link is the proof
def reminders_off(token):
    """GET asks (link scanners open links and must not turn anything off); POST turns them off.
    Mail clients POST `List-Unsubscribe=One-Click` here directly."""
    if request.method == "POST":
        page_for(unsubscribe.turn_off_reminders(token, request.remote_addr))
        return render_template("therapist_app/auth/reminders_off.html", done=True)
    page_for(unsubscribe.person_for(token))  # an unknown link is "not found", like any other
    return render_template("therapist_app/auth/reminders_off.html", done=False)
