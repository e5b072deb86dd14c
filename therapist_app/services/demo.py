"""A demo practice for `make run`: created once, found again on every later run."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import session
from ..models import Practice, User
from ..models.user import ROLE_ADMIN, ROLE_COUNSELOR
from ..security.passwords import hash_password
from . import assignments, couples, worksheets

DEMO_PRACTICE = "Riverside Counseling (demo)"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    password: str


DEMO_LOGINS = (
    DemoLogin("admin", "admin@demo.example", "demo-admin-passphrase"),
    DemoLogin("counselor", "counselor@demo.example", "demo-counselor-passphrase"),
    DemoLogin("partner (Sam)", "sam@demo.example", "demo-partner-passphrase"),
    DemoLogin("partner (Alex)", "alex@demo.example", "demo-partner-passphrase"),
)


def seed_demo() -> tuple[bool, tuple[DemoLogin, ...]]:
    """Creates the demo practice unless it exists. Returns (created, logins)."""
    worksheets.sync_library(current_app.config["THERAPIST_WORKSHEETS_DIR"])
    if session.scalar(select(Practice.id).where(Practice.name == DEMO_PRACTICE)):
        return False, DEMO_LOGINS
    # The demo starts with two-factor sign-in off, so that `make run` signs in in one step; every staff
    # page then says so in a banner. Real practices start with it required.
    practice = Practice(name=DEMO_PRACTICE, country="US", require_two_factor=False)
    session.add(practice)
    session.flush()
    admin = User(practice_id=practice.id, role=ROLE_ADMIN, display_name="Demo Admin",
                 email=DEMO_LOGINS[0].login, password_hash=hash_password(DEMO_LOGINS[0].password))
    counselor = User(practice_id=practice.id, role=ROLE_COUNSELOR, display_name="Dr. Rivera",
                     email=DEMO_LOGINS[1].login, password_hash=hash_password(DEMO_LOGINS[1].password))
    session.add_all([admin, counselor])
    session.flush()
    created = couples.add_couple(
        counselor,
        couples.PartnerDetails("Sam", DEMO_LOGINS[2].login),
        couples.PartnerDetails("Alex", DEMO_LOGINS[3].login),
    )
    for partner in created.couple.partners:  # demo partners skip the invitation step
        partner.password_hash = hash_password(DEMO_LOGINS[2].password)
    session.flush()
    for slug in ("honest-conversation", "weekly-trust-check-in"):
        assignments.assign(counselor, created.couple.id, worksheets.version_by_slug(slug).id,
                           due_date=date.today() + timedelta(days=6),
                           note="Take your time with this. We will talk it through next session.")
    session.commit()
    return True, DEMO_LOGINS
