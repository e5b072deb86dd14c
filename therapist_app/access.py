"""The one place that decides who may see what. Pages, PDFs, exports and emails all ask here (and,
for what partners see of homework and of each other's answers, visibility.py)."""
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .errors import CoupleArchivedError, NotFoundError
from .extensions import session
from .models import (Appointment, Assignment, AuditEvent, Couple, Response, SessionSummary, SessionTopic, User,
                     Worksheet)
from .models.assignment import STATUS_CANCELLED
from .models.couple import STATUS_ACTIVE
from .models.session_topic import TOPIC_SHARED
from .models.user import ROLE_ADMIN, ROLE_CLIENT, ROLE_COUNSELOR
from .models.worksheet import SOURCE_LIBRARY, SOURCE_PRACTICE


# The busiest pages' statements are built once, with named parameters (docs/architecture.md, "Where
# things go"): each rule is one function of values, used both ways; `*_params` give a person's values.

def couples_for(counselor: User):
    """The counselor's own couples, and no one else's."""
    return _couples_for(counselor.id, counselor.practice_id)


def _couples_for(counselor_id, practice_id):
    return select(Couple).where(Couple.counselor_id == counselor_id, Couple.practice_id == practice_id)


COUNSELORS_COUPLES = _couples_for(bindparam("counselor_id"), bindparam("practice_id"))


def counselor_params(counselor: User) -> dict:
    return {"counselor_id": counselor.id, "practice_id": counselor.practice_id}


def _counselors_own(counselor: User, query, what: str, params: dict | None = None):
    """The one object of `query` (already scoped to this counselor), or not found: for anyone who is
    not a counselor, and for what is not theirs, alike."""
    if counselor.role != ROLE_COUNSELOR:
        raise NotFoundError(what)
    found = session.scalar(query, params)
    if found is None:
        raise NotFoundError(what)
    return found


# Nearly every page about a couple names both partners: they come in the couple's own query.
WITH_PARTNERS = (joinedload(Couple.partner_a), joinedload(Couple.partner_b))
_COUNSELORS_COUPLE = COUNSELORS_COUPLES.where(Couple.id == bindparam("couple_id")).options(*WITH_PARTNERS)


def couple_for_counselor(counselor: User, couple_id: int) -> Couple:
    return _counselors_own(counselor, _COUNSELORS_COUPLE, "couple",
                           {**counselor_params(counselor), "couple_id": couple_id})


def counsels(counselor: User, couple: Couple) -> bool:
    """Whether a couple already in hand is this counselor's own (the rule of `couples_for`)."""
    return (counselor.role == ROLE_COUNSELOR and couple.counselor_id == counselor.id
            and couple.practice_id == counselor.practice_id)


def require_counsels(counselor: User, couple: Couple) -> None:
    if not counsels(counselor, couple):
        raise NotFoundError("couple")


def couple_for_admin(admin: User, couple_id: int) -> Couple:
    """A couple of the admin's own practice. Admins manage care (archive, transfer, delete); they do
    not read answers: no answer page asks this function."""
    if admin.role != ROLE_ADMIN:
        raise NotFoundError("couple")
    couple = session.scalar(select(Couple).where(Couple.id == couple_id, Couple.practice_id == admin.practice_id))
    if couple is None:
        raise NotFoundError("couple")
    return couple


def couple_for_steward(user: User, couple_id: int) -> Couple:
    """The couple, for the two people who may end its care: its own counselor, or the practice admin."""
    if user.role == ROLE_ADMIN:
        return couple_for_admin(user, couple_id)
    return couple_for_counselor(user, couple_id)


# ---- the one rule for changing a couple's records ---------------------------------------------------

ARCHIVED_FOR_PARTNER = ("Your counselling here has come to an end, so nothing can be changed or added now. "
                        "Everything you wrote is kept: you can still read it, and download your own answers "
                        "from My homework.")
ARCHIVED_FOR_STAFF = ("This couple is archived, so their records are read-only. Reactivate the couple on their "
                      "page to work with them again.")


def couple_writable(couple: Couple) -> bool:
    """Whether anything may be added to or changed in this couple's records: answers, homework, sessions,
    notes, topics, summaries, reviews, pacing. Only a couple in care; an archived couple is read-only for
    everyone (ending care itself, export, transfer and deletion are not changes to the records)."""
    return couple.status == STATUS_ACTIVE


def writable_couples_clause():
    """couple_writable, as SQL, for queries over many couples (reminders, recurring homework, digests,
    the nightly packets): what the scheduler does for a couple is a change too."""
    return Couple.status == STATUS_ACTIVE


def require_writable(couple: Couple, user: User | None = None) -> None:
    """Every service that writes a couple's records calls this first. Refuses calmly, in words for
    whoever asked (a partner, or staff)."""
    if not couple_writable(couple):
        raise CoupleArchivedError(ARCHIVED_FOR_PARTNER if user is not None and user.role == ROLE_CLIENT
                                  else ARCHIVED_FOR_STAFF)


def writable_couple_for_counselor(counselor: User, couple_id: int) -> Couple:
    couple = couple_for_counselor(counselor, couple_id)
    require_writable(couple, counselor)
    return couple


_PARTNER = bindparam("partner_id")
_COUPLE_OF_PARTNER = (select(Couple).where(or_(Couple.partner_a_id == _PARTNER, Couple.partner_b_id == _PARTNER))
                      .options(*WITH_PARTNERS))


def couple_of_partner(partner: User) -> Couple:
    if partner.role != ROLE_CLIENT:
        raise NotFoundError("couple")
    couple = session.scalar(_COUPLE_OF_PARTNER, {"partner_id": partner.id})
    if couple is None:
        raise NotFoundError("couple")
    return couple


def assignments_for_partner(partner: User, couple: Couple):
    """Assignments this partner may see: joint ones and their own. A partner's individual
    assignments (such as the private check-in) do not exist for the other partner."""
    return _assignments_for_partner(partner.id, couple.id)


def _assignments_for_partner(partner_id, couple_id):
    return select(Assignment).where(
        Assignment.couple_id == couple_id,
        Assignment.status != STATUS_CANCELLED,
        or_(Assignment.assignee_id.is_(None), Assignment.assignee_id == partner_id),
    )


def partner_params(partner: User, couple: Couple) -> dict:
    return {"partner_id": partner.id, "couple_id": couple.id}


PARTNERS_ASSIGNMENTS = _assignments_for_partner(_PARTNER, bindparam("couple_id"))
# With its version: every page of one assignment reads it (its definition column stays deferred).
_PARTNERS_ASSIGNMENT = (PARTNERS_ASSIGNMENTS.where(Assignment.id == bindparam("assignment_id"))
                        .options(joinedload(Assignment.worksheet_version)))


def assignment_for_partner(partner: User, assignment_id: int) -> Assignment:
    couple = couple_of_partner(partner)
    assignment = session.scalar(_PARTNERS_ASSIGNMENT,
                                {**partner_params(partner, couple), "assignment_id": assignment_id})
    if assignment is None:
        raise NotFoundError("assignment")
    _attach_couple(assignment, couple)
    return assignment


def _attach_couple(assignment: Assignment, couple: Couple) -> None:
    # The couple just checked is this assignment's own: hand it over, so that `assignment.couple` asks
    # no second query (the session's identity map holds objects weakly, and the couple would be gone).
    if assignment.couple_id == couple.id:
        set_committed_value(assignment, "couple", couple)


def assignment_for_counselor(counselor: User, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFoundError("assignment")
    _attach_couple(assignment, couple_for_counselor(counselor, assignment.couple_id))
    return assignment


def response_for_counselor(counselor: User, response_id: int) -> Response:
    response = session.get(Response, response_id)
    if response is None:
        raise NotFoundError("response")
    assignment_for_counselor(counselor, response.assignment_id)
    return response


def submitted_response_for_counselor(counselor: User, response_id: int) -> Response:
    """A response whose content the counselor may read: only once submitted. A draft, however far
    along, is seen by no one but its author."""
    response = response_for_counselor(counselor, response_id)
    if not response.is_submitted:
        raise NotFoundError("response")
    return response


# ---- sessions, topics and summaries ------------------------------------------------------------

def appointments_for(counselor: User):
    """Sessions of the counselor's own couples."""
    return select(Appointment).where(Appointment.couple_id.in_(couples_for(counselor).with_only_columns(Couple.id)))


def appointment_for_counselor(counselor: User, appointment_id: int) -> Appointment:
    return _counselors_own(counselor, appointments_for(counselor).where(Appointment.id == appointment_id),
                           "appointment")


def _topics_for_partner(partner_id, couple_id):
    """Topics this partner may see: their own, and those the other partner shared. A topic kept
    for the counselor does not exist for the other partner."""
    return select(SessionTopic).where(
        SessionTopic.couple_id == couple_id,
        or_(SessionTopic.author_id == partner_id, SessionTopic.visibility == TOPIC_SHARED),
    )


# With partner_params: the only way topics reach a partner's page.
PARTNERS_TOPICS = _topics_for_partner(_PARTNER, bindparam("couple_id"))


def own_topic(partner: User, topic_id: int) -> SessionTopic:
    couple = couple_of_partner(partner)
    topic = session.scalar(select(SessionTopic).where(
        SessionTopic.id == topic_id, SessionTopic.couple_id == couple.id, SessionTopic.author_id == partner.id))
    if topic is None:
        raise NotFoundError("topic")
    return topic


def summary_for_partner(partner: User, summary_id: int) -> SessionSummary:
    """A published summary of this partner's couple that was written for them (or for both)."""
    couple = couple_of_partner(partner)
    summary = session.scalar(
        select(SessionSummary).join(Appointment, Appointment.id == SessionSummary.appointment_id)
        .where(SessionSummary.id == summary_id, Appointment.couple_id == couple.id,
               SessionSummary.published_at.is_not(None))
    )
    if summary is None or str(partner.id) not in (summary.published or {}):
        raise NotFoundError("summary")
    return summary


# ---- the practice's people and worksheets ------------------------------------------------------------

def counselor_of_practice(admin: User, counselor_id: int) -> User:
    """A counselor of the admin's own practice; anyone else does not exist for this admin."""
    counselor = session.get(User, counselor_id)
    if (admin.role != ROLE_ADMIN or counselor is None or counselor.practice_id != admin.practice_id
            or counselor.role != ROLE_COUNSELOR):
        raise NotFoundError("counselor")
    return counselor


def worksheets_usable_by(counselor: User):
    """Which worksheets a counselor may assign (a where-clause): the library's, their own, and those
    shared within their practice."""
    return _worksheets_usable_by(counselor.id, counselor.practice_id)


def _worksheets_usable_by(counselor_id, practice_id):
    return or_(
        Worksheet.source == SOURCE_LIBRARY,
        Worksheet.owner_id == counselor_id,
        (Worksheet.practice_id == practice_id) & Worksheet.shared_with_practice,
    )


WORKSHEETS_USABLE = _worksheets_usable_by(bindparam("counselor_id"), bindparam("practice_id"))


def practice_worksheets_seen_by(counselor: User):
    """The practice's own worksheets a counselor sees in the builder's list: their own, and shared ones."""
    return select(Worksheet).where(
        Worksheet.source == SOURCE_PRACTICE, Worksheet.practice_id == counselor.practice_id,
        or_(Worksheet.owner_id == counselor.id, Worksheet.shared_with_practice.is_(True)))


def own_worksheet(counselor: User, worksheet_id: int) -> Worksheet:
    """A worksheet this counselor made, to edit: only its owner edits it, even when it is shared."""
    worksheet = session.get(Worksheet, worksheet_id)
    if (counselor.role != ROLE_COUNSELOR or worksheet is None or worksheet.source != SOURCE_PRACTICE
            or worksheet.owner_id != counselor.id):
        raise NotFoundError("worksheet")
    return worksheet


def audit_events_for(admin: User):
    """The audit events a practice admin may read: their own practice's (by the practice each event was
    filed under as it was written), and no one else's. Events filed under no practice (a sign-in to an
    account that does not exist) are read with `flask audit verify` and the database, not on a page."""
    if admin.role != ROLE_ADMIN:
        raise NotFoundError("audit log")
    return select(AuditEvent).where(AuditEvent.practice_id == admin.practice_id)
