"""What a practice admin does: invite counselors and deactivate them."""
from sqlalchemy import func, select

from ..errors import NotFoundError, RuleError
from ..extensions import session
from ..models import User
from ..models.user import ROLE_COUNSELOR
from ..security.audit import record
from . import invitations
from .accounts import end_all_sessions


def counselors_of(admin: User) -> list[User]:
    return list(session.scalars(
        select(User).where(User.practice_id == admin.practice_id, User.role == ROLE_COUNSELOR).order_by(User.display_name)
    ))


def invite_counselor(admin: User, display_name: str, email: str) -> User:
    taken = session.scalar(select(User.id).where(User.practice_id == admin.practice_id,
                                                 func.lower(User.email) == email.strip().lower()))
    if taken:
        raise RuleError("Someone in this practice already uses this email address.", field="email")
    counselor = User(practice_id=admin.practice_id, role=ROLE_COUNSELOR, display_name=display_name.strip(),
                     email=email.strip())
    session.add(counselor)
    session.flush()
    invitations.send_invitation(counselor)
    record(admin.id, "invite_counselor", counselor)
    session.commit()
    return counselor


def set_active(admin: User, counselor_id: int, active: bool) -> User:
    counselor = session.get(User, counselor_id)
    if counselor is None or counselor.practice_id != admin.practice_id or counselor.role != ROLE_COUNSELOR:
        raise NotFoundError("counselor")
    counselor.is_active_account = active
    if not active:
        end_all_sessions(counselor)
    record(admin.id, "activate_counselor" if active else "deactivate_counselor", counselor)
    session.commit()
    return counselor
