"""A couple in care: two partners, one counselor, and the counselor's pacing decisions."""
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..security.sealing import EncryptedJSON
from .base import NEVER_REUSE_IDS, Base, TimestampMixin
from .user import User

STAGES = {
    1: "Impact and atonement",
    2: "Meaning, understanding and attunement",
    3: "Moving on and attachment",
}

ROLE_HURT = "hurt"
ROLE_INVOLVED = "involved"

# In care, or archived (discharged): an archived couple's records are kept, read-only, until deleted.
STATUS_ACTIVE = "active"
STATUS_ARCHIVED = "archived"


class Couple(TimestampMixin, Base):
    __tablename__ = "ta_couple"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("ta_practice.id"), index=True)
    counselor_id: Mapped[int] = mapped_column(ForeignKey("ta_user.id"), index=True)
    partner_a_id: Mapped[int] = mapped_column(ForeignKey("ta_user.id"), unique=True)
    partner_b_id: Mapped[int] = mapped_column(ForeignKey("ta_user.id"), unique=True)
    # Which partner was hurt, when the counselor chooses to say; None = not set (no assumption).
    # Sealed to the row like the answers (never queried); so it is no foreign key.
    hurt_partner_id: Mapped[int | None] = mapped_column(EncryptedJSON("couple.hurt_partner"))
    stage: Mapped[int] = mapped_column(Integer, default=1)
    intimacy_unlocked: Mapped[bool] = mapped_column(Boolean, default=False)
    joint_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_ACTIVE)

    counselor: Mapped[User] = relationship(foreign_keys=[counselor_id])
    partner_a: Mapped[User] = relationship(foreign_keys=[partner_a_id])
    partner_b: Mapped[User] = relationship(foreign_keys=[partner_b_id])

    @property
    def partners(self) -> tuple[User, User]:
        return (self.partner_a, self.partner_b)

    @property
    def label(self) -> str:
        return f"{self.partner_a.display_name} & {self.partner_b.display_name}"

    @property
    def is_archived(self) -> bool:
        return self.status == STATUS_ARCHIVED

    def has_partner(self, user_id: int) -> bool:
        return user_id in (self.partner_a_id, self.partner_b_id)

    def other_partner_id(self, user_id: int) -> int:
        return self.partner_b_id if user_id == self.partner_a_id else self.partner_a_id

    def role_of(self, user_id: int) -> str | None:
        """hurt / involved / None, used to pick a worksheet's variant for this partner."""
        if self.hurt_partner_id is None:
            return None
        return ROLE_HURT if user_id == self.hurt_partner_id else ROLE_INVOLVED
