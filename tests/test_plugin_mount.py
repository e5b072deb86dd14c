"""The plugin mounted in a host practice-management app under /therapy, sharing its db and login."""
import re

import pytest
from flask import Flask
from flask_login import LoginManager, UserMixin, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import inspect
from sqlalchemy.orm import Mapped, mapped_column

from support import PASSWORD, RequestIsolatedClient
from therapist_app import TherapistApp
from therapist_app.models import Practice, User
from therapist_app.security.passwords import hash_password


@pytest.fixture
def host(tmp_path):
    host_db = SQLAlchemy()

    class HostStaff(UserMixin, host_db.Model):
        __tablename__ = "staff"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]

    app = Flask("host_practice")
    app.config.update(SECRET_KEY="host-secret", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'host.db'}",
                      ANSWER_KEYS="k1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", RATELIMIT_ENABLED=False)
    app.test_client_class = RequestIsolatedClient
    host_db.init_app(app)
    manager = LoginManager(app)

    @manager.user_loader
    def load_staff(user_id):
        return host_db.session.get(HostStaff, int(user_id))

    @app.get("/host/secret")
    @login_required
    def host_page():
        return "host page for staff"

    @app.get("/host/login/<int:staff_id>")
    def host_login(staff_id):
        login_user(host_db.session.get(HostStaff, staff_id))
        return "ok"

    TherapistApp(app, db=host_db, login_manager=manager, url_prefix="/therapy")
    with app.app_context():
        host_db.create_all()  # the host's own tables, by the host's own means
        host_db.session.add(HostStaff(name="Front desk"))
        host_db.session.commit()
    return app


def test_the_plugin_migrates_its_own_tables_beside_the_hosts_without_touching_them(host):
    result = host.test_cli_runner().invoke(args=["therapist-db", "upgrade"])
    assert result.exit_code == 0, result.output
    with host.app_context():
        tables = set(inspect(host.extensions["sqlalchemy"].engine).get_table_names())
    assert {"staff", "ta_user", "ta_response", "ta_alembic_version"} <= tables
    assert "alembic_version" not in tables  # the host's own version table stays the host's


def test_host_pages_and_host_logins_keep_working_and_plugin_logins_work_beside_them(host):
    host.test_cli_runner().invoke(args=["therapist-db", "upgrade"])
    with host.app_context():
        session = host.extensions["sqlalchemy"].session
        practice = Practice(name="Host practice")
        session.add(practice)
        session.flush()
        session.add(User(practice_id=practice.id, role="counselor", display_name="Dr. Host",
                         email="dr@host.example", password_hash=hash_password(PASSWORD)))
        session.commit()

    client = host.test_client()
    assert client.get("/host/secret").status_code == 401
    client.get("/host/login/1")
    assert client.get("/host/secret").get_data(as_text=True) == "host page for staff"
    # a host user is not a plugin user: plugin pages send them to the plugin's sign-in
    assert "/therapy/login" in client.get("/therapy/counselor/").headers["Location"]

    login_page = client.get("/therapy/login").get_data(as_text=True)
    assert "Sign in" in login_page and "/therapy/assets/static/app.css" in login_page
    assert client.get("/therapy/assets/static/app.css").status_code == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    response = client.post("/therapy/login", data={"login": "dr@host.example", "password": PASSWORD,
                                                   "csrf_token": token})
    assert response.headers["Location"] == "/therapy/counselor/"
    assert "Caseload" in client.get("/therapy/counselor/").get_data(as_text=True)
