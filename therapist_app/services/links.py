"""Absolute links for emails, built from config: the scheduler and the CLI have no request to use."""
from flask import current_app


def public_base() -> str:
    """The plugin's address as people reach it (THERAPIST_PUBLIC_BASE_URL plus the mount prefix)."""
    base = current_app.config.get("THERAPIST_PUBLIC_BASE_URL")
    if not base:
        raise RuntimeError("Set THERAPIST_PUBLIC_BASE_URL: the address used in links inside emails.")
    return base.rstrip("/") + current_app.extensions["therapist_app"].url_prefix


_base = public_base


def invitation_link(token: str) -> str:
    return f"{_base()}/welcome/{token}"


def login_link() -> str:
    return f"{_base()}/login"


def password_reset_link(token: str) -> str:
    return f"{_base()}/password/reset/{token}"


def unsubscribe_link(token: str) -> str:
    return f"{_base()}/reminders/off/{token}"
