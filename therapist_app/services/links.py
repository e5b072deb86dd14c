"""Absolute links for emails, built from config: the scheduler and the CLI have no request to use."""
from flask import current_app


def _base() -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + current_app.extensions["therapist_app"].url_prefix


def invitation_link(token: str) -> str:
    return f"{_base()}/welcome/{token}"


def login_link() -> str:
    return f"{_base()}/login"


def password_reset_link(token: str) -> str:
    return f"{_base()}/password/reset/{token}"


def unsubscribe_link(token: str) -> str:
    return f"{_base()}/reminders/off/{token}"
