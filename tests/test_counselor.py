"""The counselor's side: adding couples, assigning, sharing settings, agreements, versions."""
from datetime import date, timedelta

from sqlalchemy import func, select

from helpers import answer_everything, submit
from support import csrf_of, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import User, WorksheetVersion
from therapist_app.services.worksheets import sync_library, version_by_slug


def _post(client, path, form_page, **data):
    return client.post(path, data={"csrf_token": csrf_of(client, form_page), **data})


def test_adding_a_couple_invites_both_and_gives_each_a_private_check_in(app, factory):
    counselor = factory.counselor()
    browser = signed_in(app, counselor)
    response = _post(browser, "/counselor/couples/new", "/counselor/couples/new", a_name="Noor",
                     a_email="home+1@example.org", b_name="Eli", b_email="home+2@example.org", hurt_partner="")
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert page.count("private</span>") == 2 and "Noor &amp; Eli" in page


def test_the_same_email_for_both_partners_is_refused_with_advice(app, factory):
    browser = signed_in(app, factory.counselor())
    response = _post(browser, "/counselor/couples/new", "/counselor/couples/new", a_name="Noor",
                     a_email="home@example.org", b_name="Eli", b_email="HOME@example.org", hurt_partner="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "add +1 and +2 before the @" in page
    assert 'value="Noor"' in page  # what was typed stays
    assert db_session.scalar(select(func.count(User.id)).where(User.role == "client")) == 0


def test_a_partner_without_email_is_invited_on_paper_with_a_sign_in_name(app, factory):
    browser = signed_in(app, factory.counselor())
    response = _post(browser, "/counselor/couples/new", "/counselor/couples/new", a_name="Noor",
                     a_email="", b_name="Eli", b_email="eli@example.org", hurt_partner="a")
    page = response.get_data(as_text=True)
    assert "Invitations to hand over" in page and "/welcome/" in page
    name = db_session.scalar(select(User.sign_in_name).where(User.display_name == "Noor"))
    assert name and name in page


def test_a_due_date_in_the_past_is_refused_at_the_field(app, factory):
    couple = factory.couple()
    browser = signed_in(app, couple.counselor)
    response = _post(browser, f"/counselor/couples/{couple.id}/assign", f"/counselor/couples/{couple.id}",
                     worksheet=version_by_slug("empathy-exchange").id, assignee="both",
                     due_date=(date.today() - timedelta(days=1)).isoformat(), note="")
    assert response.status_code == 422 and "The due date is in the past" in response.get_data(as_text=True)


def test_the_counselor_changes_what_is_shared_until_someone_submits(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    counselor = signed_in(app, couple.counselor)
    page = f"/counselor/assignments/{assignment.id}"
    assert _post(counselor, f"{page}/sharing", page, shared=["what_partner_feels"]).status_code == 302
    a, b = signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)
    for partner, text in ((a, "Robin wrote"), (b, "Kai wrote")):
        answer_everything(partner, assignment, text=text)
        submit(partner, assignment.id)
    b_page = b.get(f"/my/homework/{assignment.id}").get_data(as_text=True)
    assert "Robin wrote: what_partner_feels" in b_page
    assert "Robin wrote: what_lies_underneath" not in b_page  # shared by default, not on this assignment
    locked = _post(counselor, f"{page}/sharing", page, shared=["what_lies_underneath"])
    assert locked.status_code == 422 and "can&#39;t change after a partner has submitted" in locked.get_data(as_text=True)


def test_the_agreed_wording_is_recorded_and_both_partners_see_it(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "new-boundaries")
    for partner in couple.partners:
        browser = signed_in(app, partner)
        answer_everything(browser, assignment)
        submit(browser, assignment.id)
    from therapist_app.engine.presentation import definition_of
    field = next(f for f in definition_of(assignment.worksheet_version).all_fields() if f.type == "agreement")
    counselor = signed_in(app, couple.counselor)
    page = f"/counselor/assignments/{assignment.id}"
    _post(counselor, f"{page}/agreement", page, field_id=field.id, wording="Phones stay open to each other for now.")
    for partner in couple.partners:
        text = signed_in(app, partner).get(f"/my/homework/{assignment.id}").get_data(as_text=True)
        assert "What you agreed together" in text and "Phones stay open to each other for now." in text


def test_editing_a_worksheet_file_makes_a_new_version_and_open_assignments_keep_theirs(app, factory, tmp_path):
    import shutil
    library = tmp_path / "library"
    shutil.copytree(app.config["WORKSHEETS_DIR"], library)
    couple = factory.couple()
    old = factory.assign(couple, "empathy-exchange")
    path = library / "empathy-exchange.yaml"
    path.write_text(path.read_text().replace("title: Understanding each other", "title: Understanding each other, again"))
    sync_library(library)
    sync_library(library)  # a second sync of the same content adds nothing
    versions = db_session.scalars(select(WorksheetVersion).join(WorksheetVersion.worksheet)
                                  .where(WorksheetVersion.worksheet.has(slug="empathy-exchange"))).all()
    assert [v.number for v in versions] == [1, 2]
    new = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    assert "Understanding each other, again" not in partner.get(f"/my/homework/{old.id}?edit=1").get_data(as_text=True)
    assert "Understanding each other, again" in partner.get(f"/my/homework/{new.id}?edit=1").get_data(as_text=True)


def test_the_counselor_sees_the_earlier_version_after_a_partner_changes_a_submitted_answer(app, factory):
    from helpers import save_section
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange", assignee=couple.partner_a)
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment, text="First thoughts")
    submit(partner, assignment.id)
    save_section(partner, assignment.id, {"what_partner_feels": "Second thoughts"})
    submit(partner, assignment.id)
    page = signed_in(app, couple.counselor).get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    current, earlier = page.split("Earlier versions", 1)
    assert "Second thoughts" in current and "First thoughts: what_partner_feels" in earlier


def test_the_admin_sets_the_practice_country_and_partners_see_its_crisis_numbers(app, factory):
    practice = factory.practice(country="US")
    admin = signed_in(app, factory.admin(practice))
    couple = factory.couple(counselor=factory.counselor(practice))
    response = _post(admin, "/admin/practice", "/admin/practice", name="Harbour Counselling", country="GB",
                     paper_size="A4", footer_note="")
    assert response.status_code == 302
    page = signed_in(app, couple.partner_a).get("/my/").get_data(as_text=True)
    assert "116 123" in page and "call 999" in page and "988" not in page


def test_setting_who_was_hurt_after_submission_does_not_change_what_a_partner_was_asked(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "honest-conversation")
    for person in couple.partners:
        browser = signed_in(app, person)
        answer_everything(browser, assignment, text="Answered")
        submit(browser, assignment.id)
    partner = signed_in(app, couple.partner_a)
    counselor = signed_in(app, couple.counselor)
    before = counselor.get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    _post(counselor, f"/counselor/couples/{couple.id}/pacing", f"/counselor/couples/{couple.id}",
          stage="1", hurt_partner=str(couple.partner_a_id))
    after = counselor.get(f"/counselor/assignments/{assignment.id}").get_data(as_text=True)
    assert after.count("<tr>") == before.count("<tr>")
    assert signed_in(app, couple.partner_a).get(f"/my/homework/{assignment.id}").get_data(as_text=True).count(
        "review-item") == partner.get(f"/my/homework/{assignment.id}").get_data(as_text=True).count("review-item")


def test_assigning_an_exercise_with_role_parts_warns_when_who_was_hurt_is_not_set(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    response = _post(counselor, f"/counselor/couples/{couple.id}/assign", f"/counselor/couples/{couple.id}",
                     worksheet=version_by_slug("honest-conversation").id, assignee="both")
    page = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Who was hurt” is not set for this couple" in page
