"""The worksheet library in the database: file worksheets synced as versions, and who may use which."""
import logging

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm.util import identity_key

from .. import access
from ..engine.loader import LibraryLoad, definition_hash, load_directory
from ..errors import NotFoundError
from ..extensions import session
from ..models import User, Worksheet, WorksheetVersion
from ..models.worksheet import SOURCE_LIBRARY

log = logging.getLogger(__name__)


def sync_library(directory) -> LibraryLoad:
    """Stores each valid file as a new version when its content changed. Broken files are refused
    and logged with file and line; the versions they had before stay in use."""
    loaded = load_directory(directory)
    for error in loaded.errors:
        log.error("worksheet refused: %s", error)
    existing = {w.slug: w for w in session.scalars(select(Worksheet).where(Worksheet.source == SOURCE_LIBRARY))}
    for slug, item in loaded.worksheets.items():
        worksheet = existing.get(slug)
        if worksheet is None:
            worksheet = Worksheet(slug=slug, source=SOURCE_LIBRARY)
            session.add(worksheet)
            session.flush()
        add_version_if_changed(worksheet, item.as_json)
    session.commit()
    return loaded


def add_version_if_changed(worksheet: Worksheet, definition: dict) -> WorksheetVersion:
    content_hash = definition_hash(definition)
    latest = latest_version_of(worksheet)
    if latest is not None and latest.content_hash == content_hash:
        return latest
    version = WorksheetVersion(
        worksheet_id=worksheet.id, number=(latest.number + 1) if latest else 1,
        definition=definition, content_hash=content_hash,
    )
    session.add(version)
    session.flush()
    return version


def latest_version_of(worksheet: Worksheet) -> WorksheetVersion | None:
    return session.scalar(
        select(WorksheetVersion).where(WorksheetVersion.worksheet_id == worksheet.id)
        .order_by(WorksheetVersion.number.desc()).limit(1)
    )


def _newest_version_join(query, of_worksheets=None):
    """`query` (over WorksheetVersion) narrowed to each worksheet's newest version (of the worksheets
    `of_worksheets` names: ids, or a parameter)."""
    newest = select(WorksheetVersion.worksheet_id, func.max(WorksheetVersion.number).label("number"))
    if of_worksheets is not None:
        newest = newest.where(WorksheetVersion.worksheet_id.in_(of_worksheets))
    newest = newest.group_by(WorksheetVersion.worksheet_id).subquery()
    return query.join(newest, (WorksheetVersion.worksheet_id == newest.c.worksheet_id)
                      & (WorksheetVersion.number == newest.c.number))


def versions_by_id(version_ids) -> dict[int, WorksheetVersion]:
    """{id: version} for these ids: those this request has loaded already from memory, the rest in one
    query (a page that listed the homework has usually loaded them all)."""
    found, missing = {}, []
    for version_id in set(version_ids):
        loaded = session.identity_map.get(identity_key(WorksheetVersion, version_id))
        if loaded is not None:
            found[version_id] = loaded
        else:
            missing.append(version_id)
    if missing:
        found.update((v.id, v) for v in session.scalars(select(WorksheetVersion).where(WorksheetVersion.id.in_(missing))))
    return found


def newest_version_ids(worksheet_ids) -> dict[int, int]:
    """{worksheet id: id of its newest version}, for many worksheets in one query."""
    if not worksheet_ids:
        return {}
    return dict(session.execute(_NEWEST_VERSION_IDS, {"worksheet_ids": list(set(worksheet_ids))}).all())


# Built once: the couple page asks both on every visit (access.py says why).
_NEWEST_VERSION_IDS = _newest_version_join(select(WorksheetVersion.worksheet_id, WorksheetVersion.id),
                                           bindparam("worksheet_ids", expanding=True))
_LIBRARY = (_newest_version_join(select(WorksheetVersion))
            .join(Worksheet, Worksheet.id == WorksheetVersion.worksheet_id)
            .where(access.WORKSHEETS_USABLE, Worksheet.retired.is_(False))
            .order_by(Worksheet.slug))


def library_for(counselor: User) -> list[WorksheetVersion]:
    """The newest version of every worksheet this counselor may assign."""
    return list(session.scalars(_LIBRARY, access.counselor_params(counselor)))


def usable_version(counselor: User, version_id: int) -> WorksheetVersion:
    """A version the counselor may assign: the newest of a worksheet they may use."""
    version = session.get(WorksheetVersion, version_id)
    if version is None or not session.scalar(
        select(Worksheet.id).where(Worksheet.id == version.worksheet_id, access.worksheets_usable_by(counselor))
    ):
        raise NotFoundError("worksheet")
    return version


def version_by_slug(slug: str) -> WorksheetVersion:
    worksheet = session.scalar(select(Worksheet).where(Worksheet.slug == slug))
    version = latest_version_of(worksheet) if worksheet else None
    if version is None:
        raise NotFoundError("worksheet")
    return version
