"""Two-factor sign-in: TOTP codes (RFC 6238, pyotp), the enrolment QR code (segno) and recovery codes.

A code signs in once: the time step it belongs to is remembered, and an older or equal step is
refused. Recovery codes are random, used once, and kept only as keyed hashes.
"""
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup

ISSUER = "Secure portal"  # what the authenticator app shows: neutral, like the browser tab
RECOVERY_CODES = 10


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG: drawn here, fetched from nowhere."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#1f2a30", light="#ffffff",
                                                  title="QR code for your authenticator app")
    return Markup(svg)


def matching_step(secret: str, code: str, last_step: int | None, now: float | None = None) -> int | None:
    """The time step a code belongs to (this one, or one either side for a slow phone), or None
    when the code is wrong or its step was already used."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp, now = pyotp.TOTP(secret), now or time.time()
    current = int(now) // totp.interval
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and (last_step is None or step > last_step):
            return step
    return None


def new_recovery_codes() -> tuple[list[str], list[str]]:
    """(the codes to show once, their hashes to keep)."""
    codes = ["-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(RECOVERY_CODES)]
    return codes, [recovery_hash(code) for code in codes]


def recovery_hash(code: str) -> str:
    normalised = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    key = current_app.secret_key.encode() if isinstance(current_app.secret_key, str) else current_app.secret_key
    return hmac.new(key, b"recovery:" + normalised.encode(), hashlib.sha256).hexdigest()
