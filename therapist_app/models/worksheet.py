"""Worksheets and their immutable versions: a response always renders against the version it answered."""
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NEVER_REUSE_IDS, Base, TimestampMixin

SOURCE_LIBRARY = "library"
SOURCE_PRACTICE = "practice"


class Worksheet(TimestampMixin, Base):
    __tablename__ = "ta_worksheet"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    source: Mapped[str] = mapped_column(String(20), default=SOURCE_LIBRARY)
    # For counselor-made worksheets: who owns it, and whether the whole practice may use it.
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("ta_practice.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("ta_user.id"))
    shared_with_practice: Mapped[bool] = mapped_column(Boolean, default=False)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # A counselor's working copy in the builder; publishing stores it as the next version.
    draft_definition: Mapped[dict | None] = mapped_column(JSON)

    versions: Mapped[list["WorksheetVersion"]] = relationship(
        back_populates="worksheet", order_by="WorksheetVersion.number"
    )


class WorksheetVersion(TimestampMixin, Base):
    __tablename__ = "ta_worksheet_version"
    __table_args__ = (UniqueConstraint("worksheet_id", "number", name="uq_ta_worksheet_version_number"),
                      NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    worksheet_id: Mapped[int] = mapped_column(ForeignKey("ta_worksheet.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # The validated definition as plain JSON; no client data lives here. Deferred: pages read the
    # parsed definition from engine.presentation's per-process cache (keyed by content_hash), so the
    # JSON is loaded and parsed only when a process meets a version for the first time.
    definition: Mapped[dict] = mapped_column(JSON, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))

    worksheet: Mapped[Worksheet] = relationship(back_populates="versions")

    @property
    def parsed(self):
        from ..engine.presentation import definition_of  # the engine imports no models; models import it late
        return definition_of(self)

    @property
    def title(self) -> str:
        return self.parsed.title

    @property
    def kind(self) -> str:
        return self.parsed.kind

    @property
    def policy(self):
        return self.parsed.policy

    @property
    def stage(self) -> int:
        return self.parsed.stage
