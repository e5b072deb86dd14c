"""The counselor's pages: caseload, couples, homework, the library and builder, sessions and summaries, end of care.

One blueprint, defined here; each view module below adds its own routes to it.
"""
from flask import Blueprint

bp = Blueprint("ta_counselor", __name__)

from . import views, invitation_views, library_views, series_views, session_views, summary_views, care_views  # noqa: E402,F401  (their routes join bp; they import it from here)
