"""Recurring homework: one series, and the scheduler makes one assignment per period from it."""
from datetime import date, datetime, timedelta

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, and_, exists
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from ..security.sealing import EncryptedJSON
from .assignment import STATUS_OPEN, Assignment
from .base import NEVER_REUSE_IDS, Base, TimestampMixin, UTCDateTime
from .couple import Couple
from .worksheet import WorksheetVersion

SERIES_ACTIVE = "active"
SERIES_CANCELLED = "cancelled"
SERIES_ENDED = "ended"
# Each instance appears this long before its due date (never more than one period ahead).
LEAD = timedelta(days=7)


class AssignmentSeries(TimestampMixin, Base):
    __tablename__ = "ta_assignment_series"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("ta_couple.id", ondelete="CASCADE"), index=True)
    worksheet_version_id: Mapped[int] = mapped_column(ForeignKey("ta_worksheet_version.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("ta_user.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("ta_user.id"))
    note: Mapped[str | None] = mapped_column(EncryptedJSON("assignment_series.note"))
    visibility_overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    # The counselor's choice of release mode for every instance (None: the worksheet's own default).
    release_mode: Mapped[str | None] = mapped_column(String(20))
    interval_weeks: Mapped[int] = mapped_column(Integer, default=1)
    # The first instance's due date; it fixes the weekday of every later one.
    first_due: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    max_count: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=SERIES_ACTIVE, index=True)
    # The next period to create and the day it may be created: the scheduler reads only these.
    next_period: Mapped[int] = mapped_column(Integer, default=0)
    next_create_on: Mapped[date | None] = mapped_column(Date, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    couple: Mapped[Couple] = relationship()
    worksheet_version: Mapped[WorksheetVersion] = relationship()

    def due_on(self, period: int) -> date:
        return self.first_due + timedelta(weeks=self.interval_weeks * period)

    def has_period(self, period: int) -> bool:
        if self.max_count is not None and period >= self.max_count:
            return False
        return self.until is None or self.due_on(period) <= self.until

    @property
    def is_active(self) -> bool:
        return self.status == SERIES_ACTIVE

    def __repr__(self) -> str:
        return f"<AssignmentSeries {self.id} {self.status}>"


def _passed_instance():
    # Two periods on (each instance appears LEAD, a week, before it is due): the next one is due too.
    later = aliased(Assignment)
    return and_(Assignment.series_id.is_not(None),
                exists().where(later.series_id == Assignment.series_id, later.period >= Assignment.period + 2,
                               later.status == STATUS_OPEN))


# An instance of repeating homework whose time has passed: the one after it is due as well. Not begun,
# it is a missed week, not work still waiting: it leaves the partner's list (a partner who lets the
# check-in go for months is not met by a column of them) and the caseload's "not started" and
# "overdue"; the couple page's whole list still shows it.
PASSED_INSTANCE = _passed_instance()
