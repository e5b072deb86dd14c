"""Fixtures: an app on SQLite (or the PostgreSQL in TEST_DATABASE_URL), factories, and sign-in helpers."""
import os

import pytest
from sqlalchemy import text

from support import Auth, Factory, RequestIsolatedClient
from therapist_app import create_app
from therapist_app.extensions import session as db_session
from therapist_app.models import Base
from therapist_app.services import worksheets

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def _reset_database(engine):
    if engine.dialect.name == "postgresql":
        # Faster than dropping: the schema is made once per run, then emptied for each test.
        Base.metadata.create_all(engine)
        names = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)


@pytest.fixture
def app_config(tmp_path):
    return {
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "PDF_CACHE_DIR": str(tmp_path / "pdf-cache"),
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        _reset_database(app.extensions["sqlalchemy"].engine)
        worksheets.sync_library(app.config["WORKSHEETS_DIR"])
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
