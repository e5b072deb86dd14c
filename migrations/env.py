"""Alembic environment for the plugin's tables only (prefix ta_), with their own version table,
so that a host app's migrations and ours never touch each other's tables."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from therapist_app.models import Base

VERSION_TABLE = "ta_alembic_version"

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name.startswith("ta_")
    return True


def render_item(type_, obj, autogen_context):
    """Migrations use plain column types, so they never import application code that may change."""
    if type_ == "type":
        name = type(obj).__name__
        if name == "UTCDateTime":
            return "sa.DateTime(timezone=True)"
        if name == "EncryptedJSON":
            return "sa.Text()"
    return False


def run_migrations_online():
    engine = current_app.extensions["sqlalchemy"].engine
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table: copy, DROP the original, rename. With foreign keys
            # on, that DROP deletes every row that refers to the table ON DELETE CASCADE (a couple's
            # homework and answers). So they are off while migrating, checked after, and on again.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            version_table=VERSION_TABLE,
            include_object=include_object,
            render_as_batch=sqlite,
            compare_type=True,
            render_item=render_item,
        )
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"the migration left {len(broken)} broken reference(s), "
                                           f"first in table {broken[0][0]}; nothing was changed")
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `flask db upgrade` against a database.")
run_migrations_online()
