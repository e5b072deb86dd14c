"""Fixtures: an app on SQLite (or the PostgreSQL in TEST_DATABASE_URL), factories, and sign-in helpers."""
import os

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from mail_support import Inbox, start_smtp
from support import Auth, CompiledTemplates, Factory, RequestIsolatedClient, SyncedLibrary, reset_database
from therapist_app import create_app
from therapist_app.extensions import session as db_session

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
# Every app a test makes (ours and the host apps) shares one store of compiled templates.
Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": CompiledTemplates()}
SYNCED_LIBRARY = SyncedLibrary()


@pytest.fixture
def empty_database(tmp_path):
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS ta_fresh"))
        connection.execute(text("CREATE DATABASE ta_fresh"))
    yield POSTGRES_URL.rsplit("/", 1)[0] + "/ta_fresh"
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS ta_fresh WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def migrated_app(empty_database, tmp_path):
    """An app on a database built by the migrations (`flask db upgrade`), not by create_all: on
    SQLite with each migration's rebuilds, on PostgreSQL with the audit log's triggers."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "THERAPIST_PDF_CACHE_DIR": str(tmp_path / "pdf-cache"),
                      "RATELIMIT_ENABLED": False})
    app.test_client_class = RequestIsolatedClient
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        yield app
        db_session.remove()
        app.extensions["sqlalchemy"].engine.dispose()


@pytest.fixture
def app_config(tmp_path):
    return {
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "THERAPIST_PDF_CACHE_DIR": str(tmp_path / "pdf-cache"),
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        reset_database(app.extensions["sqlalchemy"].engine)
        SYNCED_LIBRARY.put_back(app.config["THERAPIST_WORKSHEETS_DIR"])
        yield app
        db_session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factory(app):
    return Factory(app)


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that the app sends to; yields what it received."""
    inbox = Inbox()
    controller = start_smtp(app, inbox)
    yield inbox
    controller.stop()
