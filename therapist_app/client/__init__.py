"""The couple's portal: homework, answering, topics, sessions and summaries.

One blueprint, defined here; each view module below adds its own routes to it.
"""
from flask import Blueprint

bp = Blueprint("ta_client", __name__)

from . import views, saving_views, session_views  # noqa: E402,F401  (their routes join bp; they import it from here)
