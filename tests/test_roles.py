"""The role table (therapist_app/roles.py): every role has its home page, idle limit, blueprint,
decorator and menu, and the pages use them."""
from datetime import timedelta

import time_machine

from support import signed_in
from therapist_app.models.base import utcnow
from therapist_app.models.user import ROLES
from therapist_app.roles import ROLE_TABLE
from therapist_app.security.roles import REQUIRED


def test_every_role_has_a_row_and_a_decorator():
    assert set(ROLE_TABLE) == set(ROLES) == set(REQUIRED)


def test_each_row_names_what_the_app_has(app):
    blueprints = {bp.name: bp for bp in app.blueprints.values()}
    for role in ROLE_TABLE.values():
        assert role.blueprint in blueprints, role.name
        assert role.home_endpoint.startswith(role.blueprint + "."), role.name
        assert role.home_endpoint in app.view_functions, role.name
        assert isinstance(app.config[role.idle_limit_key], timedelta), role.name
        if role.menu:
            app.jinja_env.get_template(role.menu)


def test_signing_in_lands_each_role_on_its_home_page(app, factory):
    couple = factory.couple()
    for user, home in ((couple.partner_a, "/my/"), (couple.counselor, "/counselor/"),
                       (factory.admin(couple.counselor.practice), "/admin/counselors")):
        response = signed_in(app, user).get("/home")
        assert response.status_code == 302 and response.headers["Location"].endswith(home), user.role


def test_an_admin_has_the_counselors_idle_limit(app, factory):
    browser = signed_in(app, factory.admin())
    assert browser.get("/admin/counselors").status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        response = browser.get("/admin/counselors")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_each_staff_role_sees_its_own_menu(app, factory):
    counselor = factory.counselor()
    assert "Caseload" in signed_in(app, counselor).get("/counselor/").get_data(as_text=True)
    admin_page = signed_in(app, factory.admin(counselor.practice)).get("/admin/counselors").get_data(as_text=True)
    assert "Practice settings" in admin_page and "Caseload" not in admin_page


def test_staff_pages_say_who_is_signed_in_and_as_what(app, factory):
    """Practice computers are shared: the header names the person and their role, from the role table."""
    counselor = factory.counselor()
    admin = factory.admin(counselor.practice)
    counselor_page = signed_in(app, counselor).get("/counselor/").get_data(as_text=True)
    admin_page = signed_in(app, admin).get("/admin/counselors").get_data(as_text=True)
    assert f'<span class="whoami">{counselor.display_name} · Counselor</span>' in counselor_page
    assert f'<span class="whoami">{admin.display_name} · Practice admin</span>' in admin_page
    assert counselor.display_name not in admin_page.split('class="whoami">')[1].split("</span>")[0]
