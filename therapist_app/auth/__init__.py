"""Signing in and out, recovery, two-factor sign-in and the one-click unsubscribe.

One blueprint, defined here; each view module below adds its own routes to it, and `layouts` decides
the layout and footer of all its pages.
"""
from flask import Blueprint

bp = Blueprint("ta_auth", __name__)

from . import layouts, views, recovery_views, two_factor_views, unsubscribe_views  # noqa: E402,F401  (their routes join bp; they import it from here)
