"""Homework given to a couple (or to one partner): which worksheet version, when it is due, what is shared."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..security.sealing import EncryptedJSON
from .base import NEVER_REUSE_IDS, Base, TimestampMixin, UTCDateTime
from .couple import Couple
from .worksheet import WorksheetVersion

STATUS_OPEN = "open"
STATUS_CANCELLED = "cancelled"

RELEASE_WHEN_BOTH_SUBMITTED = "when_both_submitted"
RELEASE_AFTER_REVIEW = "after_review"


class Assignment(TimestampMixin, Base):
    __tablename__ = "ta_assignment"
    # Exactly one instance per period of a recurring series, however many schedulers run.
    # The reminder scan reads open homework by due date.
    __table_args__ = (UniqueConstraint("series_id", "period", name="uq_ta_assignment_series_period"),
                      Index("ix_ta_assignment_status_due_date", "status", "due_date"),
                      # A couple's (open) homework: the couple page, My homework, the caseload's counts. With
                      # the couple alone, SQLite took every open assignment of the practice by status.
                      Index("ix_ta_assignment_couple_status", "couple_id", "status"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("ta_couple.id", ondelete="CASCADE"))  # indexed with status
    worksheet_version_id: Mapped[int] = mapped_column(ForeignKey("ta_worksheet_version.id"))
    # None: both partners complete their own copy. Otherwise only this partner sees it at all.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("ta_user.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("ta_user.id"))
    due_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(EncryptedJSON("assignment.note"))
    status: Mapped[str] = mapped_column(String(20), default=STATUS_OPEN)
    # field id -> "counselor" | "shared": the counselor's per-assignment override of the default.
    visibility_overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    # field id -> the couple's agreed wording, recorded by the counselor.
    agreements: Mapped[dict | None] = mapped_column(EncryptedJSON("assignment.agreements"))
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "when_both_submitted", or "after_review": shared answers then reach the other partner only as
    # the counselor releases them (released_fields: field ids, no content).
    release_mode: Mapped[str] = mapped_column(String(20), default=RELEASE_WHEN_BOTH_SUBMITTED,
                                              server_default=RELEASE_WHEN_BOTH_SUBMITTED)
    released_fields: Mapped[list | None] = mapped_column(JSON, default=list)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the counselor's first release
    # Some shared answer waits for the counselor's release (services.releases.note_what_waits keeps it):
    # a column, so that the caseload counts it in SQL without opening anyone's sealed answers.
    release_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set for an instance of a recurring series: which series, and which period (0, 1, 2…).
    series_id: Mapped[int | None] = mapped_column(ForeignKey("ta_assignment_series.id", ondelete="SET NULL"))
    period: Mapped[int | None] = mapped_column(Integer)

    couple: Mapped[Couple] = relationship()
    worksheet_version: Mapped[WorksheetVersion] = relationship()

    @property
    def is_joint(self) -> bool:
        return self.assignee_id is None

    def assigned_to(self, user_id: int) -> bool:
        return self.assignee_id is None or self.assignee_id == user_id

    @property
    def waits_for_release(self) -> bool:
        return self.release_mode == RELEASE_AFTER_REVIEW

    @property
    def is_open(self) -> bool:
        return self.status == STATUS_OPEN

