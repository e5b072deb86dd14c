"""Two-factor sign-in for counselors and admins: who needs it, enrolment, and checking a code."""
from ..extensions import session
from ..models import User
from ..models.base import utcnow
from ..roles import role_of
from ..security import two_factor
from ..security.audit import record

WRONG_CODE = "That code didn't work. Check the time on your phone, wait for a new code, and try again."


def applies_to(user: User) -> bool:
    return role_of(user).staff


def is_enabled(user: User) -> bool:
    return user.totp_enabled_at is not None and user.totp_secret is not None


def must_enrol(user: User) -> bool:
    """Staff of a practice that requires two-factor sign-in who have not set it up yet."""
    return applies_to(user) and not is_enabled(user) and user.practice.require_two_factor


def start_enrolment(user: User) -> tuple[str, object]:
    """A secret, kept (sealed) but not active until a code from it is confirmed. Showing the page
    again shows the same one, so a reload never invalidates a phone that already scanned it."""
    if is_enabled(user):  # never a new secret without a code from the current one
        raise RuntimeError("two-factor sign-in is already set up")
    if user.totp_secret is None:
        user.totp_secret, user.totp_enabled_at, user.totp_last_step = two_factor.new_secret(), None, None
        session.commit()
    return user.totp_secret, qr_for(user)


def qr_for(user: User):
    """The QR code of the secret being set up (shown again after a mistyped code)."""
    account = user.email or user.sign_in_name or f"user-{user.id}"
    return two_factor.qr_svg(two_factor.provisioning_uri(user.totp_secret, account))


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turns two-factor sign-in on when the code matches; returns the recovery codes (shown once)."""
    step = two_factor.matching_step(user.totp_secret or "", code, None) if user.totp_secret else None
    if step is None:
        return None
    codes, hashes = two_factor.new_recovery_codes()
    user.totp_enabled_at, user.totp_last_step, user.recovery_codes = utcnow(), step, hashes
    record(user.id, "two_factor_enabled", user)
    session.commit()
    return codes


def check_code(user: User, code: str) -> bool:
    """A code from the app (used once) or a recovery code (crossed off)."""
    step = two_factor.matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        session.commit()
        return True
    hashed = two_factor.recovery_hash(code)
    if hashed in (user.recovery_codes or []):
        user.recovery_codes = [h for h in user.recovery_codes if h != hashed]
        record(user.id, "recovery_code_used", user)
        session.commit()
        return True
    if (code or "").strip():  # the sign-in dialog first asks without a code, to learn one is needed
        record(None, "login_code_failed", user)
        session.commit()
    return False


def new_recovery_codes(user: User) -> list[str]:
    codes, hashes = two_factor.new_recovery_codes()
    user.recovery_codes = hashes
    record(user.id, "recovery_codes_renewed", user)
    session.commit()
    return codes


def turn_off(user: User) -> None:
    """Only where the practice does not require it (the caller checks)."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = user.recovery_codes = None
    record(user.id, "two_factor_disabled", user)
    session.commit()
