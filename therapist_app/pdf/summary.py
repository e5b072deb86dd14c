"""The session summary as a PDF: one partner's frozen view, on the practice's paper size."""
from .render import render_pdf


def summary_pdf(view: dict) -> bytes:
    """`view` is what a service already filtered for one partner (see services.summaries.partner_view)."""
    return render_pdf("therapist_app/pdf/session_summary.html", view=view)
