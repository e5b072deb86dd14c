"""The practice admin's pages: counselors, practice settings, couples' care, undelivered email, the audit log.

One blueprint, defined here; each view module below adds its own routes to it.
"""
from flask import Blueprint

bp = Blueprint("ta_admin", __name__)

from . import views, care_views  # noqa: E402,F401  (their routes join bp; they import it from here)
