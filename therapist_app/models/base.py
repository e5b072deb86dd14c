"""The declarative base for every plugin table: its own metadata, names prefixed `ta_`."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, MetaData
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# SQLite gives a new row the largest id + 1 unless its table says AUTOINCREMENT: delete the newest
# couple and the next couple gets its id, so the audit log's entries about the deleted couple, links
# in emails already sent and any other mention of that id would then name someone else. With
# AUTOINCREMENT an id is never handed out twice. Every table whose ids the database gives carries it
# in __table_args__ (migration 0013 rebuilt the tables made before); PostgreSQL ignores it, as its
# sequences never reuse an id anyway. The audit tables take their ids from the chain head instead.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    # Own metadata so that the host's create_all/migrations never touch our tables and vice versa.
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes in Python, stored as UTC whatever the database keeps (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
