"""Adding couples to a counselor's caseload, and the counselor's pacing decisions for them."""
import secrets
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from .. import access
from ..errors import RuleError
from ..extensions import session
from ..models import Couple, User
from ..models.user import ROLE_CLIENT
from ..security.audit import record
from . import invitations
from .accounts import email_taken
from .assignments import assign_safety_check_ins


@dataclass
class PartnerDetails:
    display_name: str
    email: str | None  # None: invited on paper with a one-time link


@dataclass
class NewCouple:
    couple: Couple
    paper_links: dict[int, str]  # partner id -> invitation link, for partners without email


def _new_sign_in_name() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes: it is read off paper
    return "p-" + "".join(secrets.choice(alphabet) for _ in range(8))


def add_couple(counselor: User, a: PartnerDetails, b: PartnerDetails, hurt_partner: str | None = None,
               check_ins: bool | None = None) -> NewCouple:
    """Creates both partners' accounts and the couple, invites both, and assigns each their private
    check-in before any joint homework (`check_ins` overrides the practice-wide setting)."""
    _refuse_shared_or_taken_emails(counselor, a, b)
    partners = _new_partners(counselor, (a, b))

    couple = Couple(
        practice_id=counselor.practice_id, counselor_id=counselor.id,
        partner_a_id=partners[0].id, partner_b_id=partners[1].id,
    )
    if hurt_partner in ("a", "b"):
        couple.hurt_partner_id = partners[0 if hurt_partner == "a" else 1].id
    session.add(couple)
    session.flush()

    paper_links = {}
    for partner in partners:
        link = invitations.send_invitation(partner)
        if not partner.email:
            paper_links[partner.id] = link

    assign_safety_check_ins(counselor, couple, check_ins)
    record(counselor.id, "add_couple", couple)
    session.commit()
    return NewCouple(couple, paper_links)


def _refuse_shared_or_taken_emails(counselor: User, a: PartnerDetails, b: PartnerDetails) -> None:
    emails = [p.email.strip().lower() for p in (a, b) if p.email]
    if len(emails) == 2 and emails[0] == emails[1]:
        raise RuleError(
            "Each partner needs their own sign-in. If they share one address, add +1 and +2 before the @ "
            "(for example sam+1@example.com), or leave one email empty to invite them on paper.",
            field="b_email",
        )
    for details, field in ((a, "a_email"), (b, "b_email")):
        if details.email and email_taken(counselor.practice_id, details.email):
            raise RuleError("Someone in this practice already uses this email address.", field=field)


def _new_partners(counselor: User, details_of_both) -> list[User]:
    """Both partners' accounts, flushed: an email taken meanwhile (a race) is refused like any other."""
    partners = []
    for details in details_of_both:
        partner = User(
            practice_id=counselor.practice_id, role=ROLE_CLIENT, display_name=details.display_name.strip(),
            email=details.email.strip() if details.email else None,
            sign_in_name=None if details.email else _new_sign_in_name(),
        )
        session.add(partner)
        partners.append(partner)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise RuleError("Someone in this practice already uses this email address.", field="a_email") from None
    return partners


def couple_for(counselor: User, couple_id: int) -> Couple:
    return access.couple_for_counselor(counselor, couple_id)


def writable_couple_for(counselor: User, couple_id: int) -> Couple:
    """The couple, for a page that only changes their records (scheduling a session): refused calmly
    once the couple is archived."""
    return access.writable_couple_for_counselor(counselor, couple_id)


def set_pacing(counselor: User, couple_id: int, *, stage: int | None = None, intimacy_unlocked: bool | None = None,
               joint_paused: bool | None = None, hurt_partner_id: int | None | str = "unchanged") -> Couple:
    """The counselor's pacing and safety choices for their couple: stage, the intimacy unlock, the
    pause on joint homework, and who was hurt."""
    couple = access.couple_for_counselor(counselor, couple_id)
    access.require_writable(couple)
    if stage is not None:
        if stage not in (1, 2, 3):
            raise RuleError("Choose stage 1, 2 or 3.", field="stage")
        couple.stage = stage
    if intimacy_unlocked is not None:
        couple.intimacy_unlocked = intimacy_unlocked
    if joint_paused is not None:
        couple.joint_paused = joint_paused
    if hurt_partner_id != "unchanged":
        if hurt_partner_id is not None and not couple.has_partner(hurt_partner_id):
            raise RuleError("Choose one of the two partners.", field="hurt_partner")
        couple.hurt_partner_id = hurt_partner_id
    record(counselor.id, "change_pacing", couple)
    session.commit()
    return couple
