"""A demo practice for `make run`: a practice six weeks in, built through the services like real use
(the steps: demo_couples; the machinery they use: demo_actions; the words: demo_story)."""
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import aliased

from ..extensions import session
from ..models import (Appointment, Assignment, AssignmentSeries, CalendarFeed, Couple, Invitation,
                      OutboxMessage, PendingSave, Practice, Response, ResponseRevision, SessionSummary,
                      SessionTopic, User, Worksheet, WorksheetVersion)
from ..models.base import utcnow
from ..timezones import to_local
from . import demo_story as story
from . import worksheets
from .demo_couples import DemoStory
from .demo_story import DEMO_LOGINS, DemoLogin

DEMO_PRACTICE = story.PRACTICE_NAME
DEMO_DOMAIN = "@demo.example"  # every demo login's (RFC 2606 reserves example domains)


class DemoNotSeeded(RuntimeError):
    """The demo can't be seeded here without touching real people's accounts."""


def seed_demo(reset: bool = False) -> tuple[bool, tuple[DemoLogin, ...]]:
    """Creates the demo practice unless it exists (`reset`: rebuilds it). Returns (created, logins)."""
    worksheets.sync_library(current_app.config["THERAPIST_WORKSHEETS_DIR"])
    existing = demo_practice_ids()
    if existing and not reset:
        return False, DEMO_LOGINS
    elsewhere = session.scalar(select(User.email).where(User.email.in_([login.login for login in DEMO_LOGINS]),
                                                        User.practice_id.not_in(existing)).limit(1))
    if elsewhere is not None:  # a real practice holds it: neither deleted nor given a second account
        raise DemoNotSeeded(f"{elsewhere} belongs to a practice with real people in it; the demo is not seeded.")
    # Every practice holding a demo login goes, so a database seeded twice by the old name lookup
    # is left with one set of demo logins again.
    for practice_id in existing:
        remove_demo(practice_id)
    # "Today" is Dr. Rivera's: her session tomorrow is tomorrow on her own calendar.
    DemoStory(to_local(utcnow(), story.COUNSELORS[0][2]).date()).tell()
    return True, DEMO_LOGINS


def demo_practice_ids() -> list[int]:
    """The practices holding a demo login. Found by its people, not by its name: an admin may rename
    the demo practice in its settings, and a second practice with the same logins would leave sign-in
    to pick either account. The logins are at demo.example, a domain reserved for examples (RFC 2606),
    so no real person's account holds one."""
    logins = [login.login for login in DEMO_LOGINS]
    # Never a practice with anyone else in it: a real practice that once invited a demo address to try it
    # would otherwise be deleted whole by `--reset`.
    someone = aliased(User)
    real_people = select(someone.id).where(someone.practice_id == Practice.id, someone.email.is_not(None),
                                           ~someone.email.endswith(DEMO_DOMAIN))
    return list(session.scalars(select(User.practice_id).join(Practice, Practice.id == User.practice_id)
                                .where(User.email.in_(logins), ~real_people.exists())
                                .distinct().order_by(User.practice_id)))


def remove_demo(practice_id: int) -> None:
    """Deletes the demo practice's own rows, children before parents. Nothing outside it is touched,
    and its audit events stay: the log is append-only (they name the old people by id only)."""
    users = select(User.id).where(User.practice_id == practice_id)
    couple_ids = select(Couple.id).where(Couple.practice_id == practice_id)
    assignment_ids = select(Assignment.id).where(Assignment.couple_id.in_(couple_ids))
    response_ids = select(Response.id).where(Response.assignment_id.in_(assignment_ids))
    appointment_ids = select(Appointment.id).where(Appointment.couple_id.in_(couple_ids))
    own_worksheets = select(Worksheet.id).where(Worksheet.practice_id == practice_id)
    for statement in (
        delete(ResponseRevision).where(ResponseRevision.response_id.in_(response_ids)),
        delete(PendingSave).where(PendingSave.user_id.in_(users)),
        delete(Response).where(Response.assignment_id.in_(assignment_ids)),
        delete(SessionSummary).where(SessionSummary.appointment_id.in_(appointment_ids)),
        delete(SessionTopic).where(SessionTopic.couple_id.in_(couple_ids)),
        delete(Appointment).where(Appointment.couple_id.in_(couple_ids)),
        delete(Assignment).where(Assignment.couple_id.in_(couple_ids)),
        delete(AssignmentSeries).where(AssignmentSeries.couple_id.in_(couple_ids)),
        delete(Couple).where(Couple.practice_id == practice_id),
        delete(WorksheetVersion).where(WorksheetVersion.worksheet_id.in_(own_worksheets)),
        delete(Worksheet).where(Worksheet.practice_id == practice_id),
        delete(Invitation).where(Invitation.user_id.in_(users)),
        delete(CalendarFeed).where(CalendarFeed.counselor_id.in_(users)),
        delete(OutboxMessage).where(OutboxMessage.user_id.in_(users)),
        delete(User).where(User.practice_id == practice_id),
        delete(Practice).where(Practice.id == practice_id),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    session.commit()
    session.expire_all()
