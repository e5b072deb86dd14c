"""The plugin mounted in a host practice-management app under /therapy (tests/host_app.py): the
plugin's people stay the plugin's, and the host's staff sign in once, at the host."""
import os
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import inspect

from host_app import HOST_PAGES, HOST_PASSWORD, build_host, make_host, mount
from support import PASSWORD, Factory, RequestIsolatedClient, csrf_of, csrf_token, reset_database
from therapist_app.extensions import session as db_session
from therapist_app.models.base import utcnow
from therapist_app.services import worksheets

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
PLUGIN_BLUEPRINTS = ("ta_auth.", "ta_client.", "ta_counselor.", "ta_admin.")


def _database_url(tmp_path):
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'host.db'}"


def _prepare(app):
    host = app.extensions["host"]
    app.test_client_class = RequestIsolatedClient
    reset_database(app.extensions["sqlalchemy"].engine)
    host["db"].drop_all()
    host["db"].create_all()  # the host's own tables, by the host's own means
    worksheets.sync_library(app.config["THERAPIST_WORKSHEETS_DIR"])


@pytest.fixture
def host(tmp_path):
    app = make_host(_database_url(tmp_path))
    with app.app_context():
        _prepare(app)
        yield app
        db_session.remove()
        app.extensions["sqlalchemy"].engine.dispose()  # each host has its own engine: leave no connection open


@pytest.fixture
def factory(host):
    return Factory(host)


def _staff(host, name="Front desk", plugin_user=None):
    host_db, staff_model = host.extensions["host"]["db"], host.extensions["host"]["staff"]
    staff = staff_model(name=name, therapist_user_id=plugin_user.id if plugin_user else None)
    host_db.session.add(staff)
    host_db.session.commit()
    return staff.id


def _host_sign_in(host, staff_id, client=None):
    client = client or host.test_client()
    response = client.post("/login", data={"staff_id": staff_id, "password": HOST_PASSWORD})
    assert response.status_code == 302
    return client


def _partner_sign_in(host, partner, client=None):
    client = client or host.test_client()
    response = client.post("/therapy/login", data={"login": partner.email, "password": PASSWORD,
                                                   "csrf_token": csrf_token(client, "/therapy")})
    assert response.headers["Location"] == "/therapy/my/"
    return client


def test_a_signed_in_partner_gets_the_hosts_login_redirect_on_every_host_page(host, factory):
    partner = factory.couple().partner_a
    browser = _partner_sign_in(host, partner)
    assert browser.get("/therapy/my/").status_code == 200
    for path in HOST_PAGES:
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path


def test_host_staff_mapped_as_a_counselor_reach_the_caseload_with_no_second_sign_in(host, factory):
    counselor = factory.counselor()
    browser = _host_sign_in(host, _staff(host, "Dr. Host", counselor))
    page = browser.get("/therapy/counselor/")
    assert page.status_code == 200 and "Caseload" in page.get_data(as_text=True)
    assert browser.get("/schedule").get_data(as_text=True) == "host page /schedule"

    admin_browser = _host_sign_in(host, _staff(host, "Office manager", factory.admin(counselor.practice)))
    assert admin_browser.get("/therapy/admin/counselors").status_code == 200
    assert admin_browser.get("/therapy/counselor/").status_code == 404  # an admin is not a counselor


def test_staff_do_not_sign_in_with_a_plugin_password_when_mounted(host, factory):
    counselor = factory.counselor()
    client = host.test_client()
    token = csrf_of(client, "/therapy/login")  # the mounted sign-in page's own form, the one staff must not use
    response = client.post("/therapy/login", data={"login": counselor.email, "password": PASSWORD,
                                                   "csrf_token": token})
    assert response.status_code == 403 and "own app" in response.get_data(as_text=True)
    assert client.get("/therapy/counselor/").status_code == 302


def _plugin_urls(app):
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(PLUGIN_BLUEPRINTS):
            method = "GET" if "GET" in rule.methods else "POST"
            values = {name: sorted(getattr(rule._converters[name], "items", None) or [1])[0]
                      for name in rule.arguments}
            yield method, adapter.build(rule.endpoint, values)


def test_unmapped_staff_get_404_on_every_plugin_route(host, factory):
    factory.couple()
    browser = _host_sign_in(host, _staff(host))
    urls = list(_plugin_urls(host))
    assert len(urls) > 60
    for method, url in urls:
        assert browser.open(url, method=method).status_code == 404, (method, url)
    assert browser.get("/billing").get_data(as_text=True) == "host page /billing"


def test_the_hosts_settings_and_login_manager_are_unchanged_after_mounting(tmp_path):
    app = build_host(_database_url(tmp_path))
    manager = app.extensions["host"]["login_manager"]
    manager.session_protection = "basic"
    config_before = dict(app.config)
    manager_before = dict(vars(manager))
    session_interface, jinja_globals = app.session_interface, set(app.jinja_env.globals)

    mount(app)

    assert app.login_manager is manager and dict(vars(manager)) == manager_before
    assert manager.session_protection == "basic" and manager.login_view == "host_login"
    changed = {key for key in config_before if app.config[key] != config_before[key]}
    added = set(app.config) - set(config_before)
    assert changed == set()
    assert {key for key in added if not key.startswith("THERAPIST_")} == set()
    assert app.session_interface is session_interface
    assert "csrf" not in app.extensions  # the host's own forms are not made to carry our tokens
    assert {name for name in set(app.jinja_env.globals) - jinja_globals if not name.startswith("ta_")} \
        <= {"csrf_token"}


def test_an_idle_partner_is_signed_out_of_the_plugin_while_host_staff_stay_signed_in(host, factory):
    counselor = factory.counselor()
    partner = factory.couple(counselor).partner_a
    phone = _partner_sign_in(host, partner)
    staff_id = _staff(host, "Dr. Host", counselor)
    desk = _host_sign_in(host, staff_id)
    assert desk.get("/therapy/counselor/").status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=31)):
        response = phone.get("/therapy/my/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/therapy/login")
        assert desk.get("/schedule").get_data(as_text=True) == "host page /schedule"
        # the counselor's own plugin identity is idle too (15 minutes): the host asks them to sign in again
        response = desk.get("/therapy/counselor/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
        assert desk.get("/therapy/counselor/").status_code == 302  # not taken back in by itself
        _host_sign_in(host, staff_id, desk)
        assert desk.get("/therapy/counselor/").status_code == 200


def test_signing_out_of_the_plugin_keeps_host_staff_signed_in_to_the_host(host, factory):
    counselor = factory.counselor()
    desk = _host_sign_in(host, _staff(host, "Dr. Host", counselor))
    assert desk.post("/therapy/logout", data={"csrf_token": csrf_token(desk, "/therapy")}).status_code == 302
    assert desk.get("/staff").get_data(as_text=True) == "host page /staff"
    assert desk.get("/therapy/counselor/").status_code == 302  # until the host signs them in again


def test_signing_out_of_the_host_does_not_touch_a_partner_unless_the_host_asks(host, factory):
    partner = factory.couple().partner_a
    browser = _partner_sign_in(host, partner)
    browser.post("/logout")  # the host's own sign-out, in the same browser
    assert browser.get("/therapy/my/").status_code == 200


def test_a_host_may_end_both_together(tmp_path):
    app = make_host(_database_url(tmp_path), sign_out_together=True)
    with app.app_context():
        _prepare(app)
        counselor = Factory(app).counselor()
        partner = Factory(app).couple(counselor).partner_a
        browser = _partner_sign_in(app, partner)
        browser.post("/logout")
        assert browser.get("/therapy/my/").status_code == 302
        desk = _host_sign_in(app, _staff(app, "Dr. Host", counselor))
        desk.post("/therapy/logout", data={"csrf_token": csrf_token(desk, "/therapy")})
        assert desk.get("/schedule").status_code == 302  # signed out of the host too
        db_session.remove()


def test_the_plugin_migrates_its_own_tables_beside_the_hosts_without_touching_them(tmp_path):
    app = make_host(f"sqlite:///{tmp_path / 'migrated.db'}")  # migrations run on a database of their own
    result = app.test_cli_runner().invoke(args=["therapist-db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        app.extensions["host"]["db"].create_all()
        tables = set(inspect(app.extensions["sqlalchemy"].engine).get_table_names())
    assert {"host_staff", "ta_user", "ta_response", "ta_alembic_version"} <= tables
    assert "alembic_version" not in tables  # the host's own version table stays the host's


def test_in_a_host_without_csrf_protection_the_plugin_checks_only_its_own_posts(host, factory):
    browser = _partner_sign_in(host, factory.couple().partner_a)
    assert browser.post("/therapy/logout").status_code == 400  # no token: refused, still signed in
    assert browser.get("/therapy/my/").status_code == 200
    assert browser.post("/logout").status_code == 302  # the host's own form, as the host wrote it
