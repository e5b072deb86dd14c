"""The audit log: a hash chain that `flask audit verify` walks, what gets logged (and never: names,
emails, answers), and the practice admin's page and CSV export."""
import csv
import io
import threading

from sqlalchemy import func, select, text

from helpers import both_partners_submit
from support import PASSWORD, csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent, Couple, Response
from therapist_app.security.audit import record
from therapist_app.security.audit_chain import hash_of
from therapist_app.services import worksheet_builder
from therapist_app.services.worksheets import version_by_slug
from therapist_app.timezones import to_local


def verify(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def events(**where):
    db_session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return db_session.scalars(query).all()


def raw(app, sql, **params):
    """Changes the table behind the app's back, as someone with the database's password could."""
    db_session.commit()
    with app.extensions["sqlalchemy"].engine.begin() as connection:
        connection.execute(text(sql), params)


def some_history(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    counselor.get(f"/counselor/couples/{couple.id}")
    factory.assign(couple, "empathy-exchange")
    return couple


# ---- the chain ---------------------------------------------------------------------------------

def test_a_clean_chain_verifies_and_counts_every_event(app, factory):
    some_history(app, factory)
    count = db_session.scalar(select(func.count()).select_from(AuditEvent))
    assert count >= 4
    code, output = verify(app)
    assert code == 0, output
    assert f"intact: {count} event(s)" in output


def test_editing_one_events_action_is_caught_at_that_event(app, factory):
    some_history(app, factory)
    ids = [e.id for e in events()]
    target = ids[len(ids) // 2]
    raw(app, "UPDATE ta_audit_event SET action = 'logout' WHERE id = :id", id=target)
    code, output = verify(app)
    assert code == 1
    assert f"event {target} was changed after it was written" in output


def test_deleting_an_event_in_the_middle_is_caught_at_the_one_after_it(app, factory):
    some_history(app, factory)
    ids = [e.id for e in events()]
    gone = ids[len(ids) // 2]
    raw(app, "DELETE FROM ta_audit_event WHERE id = :id", id=gone)
    code, output = verify(app)
    assert code == 1
    assert f"event {ids[ids.index(gone) + 1]} does not follow event {ids[ids.index(gone) - 1]}" in output


def test_removing_the_newest_events_is_caught_by_the_chain_head(app, factory):
    some_history(app, factory)
    newest = events()[-1].id
    raw(app, "DELETE FROM ta_audit_event WHERE id = :id", id=newest)
    code, output = verify(app)
    assert code == 1
    assert f"the newest event should be {newest}, but the log ends at {newest - 1}" in output


def test_a_rewritten_event_with_a_recomputed_hash_breaks_the_next_link(app, factory):
    """Whoever recomputes one row's hash after changing it still breaks the link of the row after it."""
    some_history(app, factory)
    first, second = events()[:2]
    first.action = "logout"
    new_hash = hash_of(first, first.previous_hash)
    db_session.rollback()
    raw(app, "UPDATE ta_audit_event SET action = 'logout', row_hash = :h WHERE id = :id", h=new_hash, id=first.id)
    code, output = verify(app)
    assert code == 1 and f"event {second.id} does not follow event {first.id}" in output


def test_two_servers_appending_at_once_never_fork_the_chain(app, factory):
    """Two threads, each with its own app context and database connection, as two gunicorn workers."""
    couple = factory.couple()
    counselor_id, couple_id = couple.counselor_id, couple.id
    errors = []

    def worker():
        try:
            with app.app_context():
                for _ in range(25):
                    record(counselor_id, "view_couple", db_session.get(Couple, couple_id))
                    db_session.commit()
                db_session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    before = len(events())
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    after = events()
    assert len(after) == before + 50
    assert [e.id for e in after] == list(range(after[0].id, after[0].id + len(after)))
    code, output = verify(app)
    assert code == 0, output


# ---- what is logged ----------------------------------------------------------------------------

def test_what_the_issue_asks_for_is_logged_with_who_what_and_where_and_no_health_information(app, factory):
    practice = factory.practice()
    admin_user = factory.admin(practice)
    couple = factory.couple(factory.counselor(practice))
    counselor_user = couple.counselor
    names_and_emails = [p.display_name for p in couple.partners] + [p.email for p in couple.partners] + [
        counselor_user.display_name, counselor_user.email, admin_user.email]

    stranger = app.test_client()
    for login in (counselor_user.email, "nobody@example.org"):
        stranger.post("/login", data={"login": login, "password": "not-the-password-1",
                                      "csrf_token": csrf_token(stranger)})
    counselor = signed_in(app, counselor_user)
    assignment = factory.assign(couple, "empathy-exchange")
    counselor.get(f"/counselor/couples/{couple.id}")
    path = f"/counselor/couples/{couple.id}"
    counselor.post(f"{path}/pacing", data={"csrf_token": csrf_token(counselor), "stage": "2", "hurt_partner": ""})
    answers = f"/counselor/assignments/{assignment.id}"
    counselor.post(f"{answers}/sharing", data={"csrf_token": csrf_token(counselor), "shared": []})
    both_partners_submit(app, couple, assignment, text="SECRET-ANSWER about the affair")
    response_id = db_session.scalar(select(Response.id).where(Response.assignment_id == assignment.id))
    counselor.get(answers)
    counselor.post(f"/counselor/responses/{response_id}/reviewed",
                   data={"csrf_token": csrf_token(counselor), "comment": "SECRET-COMMENT"})
    assert counselor.get(f"/counselor/responses/{response_id}/fhir.json").status_code == 200
    worksheet = worksheet_builder.duplicate(counselor_user, version_by_slug("empathy-exchange").id)
    worksheet_builder.publish(counselor_user, worksheet.id)
    counselor.post("/account/password", data={"csrf_token": csrf_token(counselor),
                                              "current": PASSWORD, "password": "another long passphrase",
                                              "confirm": "another long passphrase"})
    admin = signed_in(app, admin_user)
    settings = {"csrf_token": csrf_token(admin), "name": practice.name, "country": "US",
                "paper_size": "Letter", "default_timezone": "UTC", "joint_homework_gate": "warn"}
    assert admin.post("/admin/practice", data=settings).status_code == 302

    logged = events()
    by_action = {}
    for event in logged:
        by_action.setdefault(event.action, []).append(event)
    expected = {  # action: (actor, object type)
        "add_couple": (counselor_user.id, "Couple"), "login": (counselor_user.id, "User"),
        "view_couple": (counselor_user.id, "Couple"), "assign_homework": (counselor_user.id, "Assignment"),
        "change_pacing": (counselor_user.id, "Couple"), "change_sharing": (counselor_user.id, "Assignment"),
        "view_answers": (counselor_user.id, "Assignment"), "mark_reviewed": (counselor_user.id, "Response"),
        "export_fhir_response": (counselor_user.id, "Response"),
        "publish_worksheet": (counselor_user.id, "WorksheetVersion"),
        "password_changed": (counselor_user.id, "User"), "update_practice": (admin_user.id, "Practice"),
        "joint_homework_gate_warn": (admin_user.id, "Practice"),
    }
    for action, (actor, object_type) in expected.items():
        assert action in by_action, f"{action} was not logged"
        [event, *_] = [e for e in by_action[action] if e.actor_id == actor]
        assert event.object_type == object_type and event.object_id, action
        assert event.at and event.practice_id == practice.id, action
    for action in ("login", "view_couple", "change_pacing", "mark_reviewed", "password_changed", "update_practice"):
        assert by_action[action][-1].ip == "127.0.0.1", f"{action}: from where?"

    # A failed sign-in is filed under the account it named; one for no account, under no practice.
    failed = by_action["login_failed"]
    assert [(e.actor_id, e.object_id, e.practice_id) for e in failed] == [
        (None, counselor_user.id, practice.id), (None, None, None)]

    # Ids, actions and addresses only: no name, email, answer or comment anywhere in the log.
    stored = " ".join(str(value) for event in logged for value in (
        event.action, event.object_type, event.ip, event.actor_id, event.object_id))
    for secret in names_and_emails + ["SECRET-ANSWER", "SECRET-COMMENT"]:
        assert secret not in stored
    assert verify(app)[0] == 0


def test_a_partner_reading_the_other_partners_answers_and_a_summary_is_logged(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    reader = both_partners_submit(app, couple, assignment)[couple.partner_a_id]
    assert reader.get(f"/my/homework/{assignment.id}").status_code == 200
    [event] = events(action="view_exercise")
    assert (event.actor_id, event.object_type, event.object_id) == (couple.partner_a_id, "Assignment", assignment.id)


# ---- the admin's page --------------------------------------------------------------------------

def _admin_with_history(app, factory):
    practice = factory.practice()
    admin_user = factory.admin(practice)
    couple = factory.couple(factory.counselor(practice))
    other = factory.couple()  # another practice's events must never show
    signed_in(app, other.counselor).get(f"/counselor/couples/{other.id}")
    signed_in(app, couple.counselor).get(f"/counselor/couples/{couple.id}")
    return signed_in(app, admin_user), admin_user, couple, other


def test_the_admin_reads_only_their_own_practices_events(app, factory):
    admin, admin_user, couple, other = _admin_with_history(app, factory)
    page = admin.get("/admin/audit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Opened a couple&#39;s page" in html and f"Couple #{couple.id}" in html
    assert couple.counselor.display_name in html
    assert f"Couple #{other.id}" not in html and other.counselor.display_name not in html
    assert "nobody" not in html
    assert '<th scope="col">When</th>' in html and 'for="start"' in html  # headers and labels
    # Reading the log is itself logged.
    assert events(action="view_audit_log")[-1].actor_id == admin_user.id


def test_the_admin_sees_clients_in_the_log_by_number_never_by_name(app, factory):
    """The log and its CSV named partners ("Ana Müller · Read a session summary"): who is in couples
    therapy, and what each read when, in a file that travels to auditors."""
    admin, _, couple, _ = _admin_with_history(app, factory)
    signed_in(app, couple.partner_a).get("/my/")
    signed_in(app, couple.partner_b).get("/my/")
    html = admin.get("/admin/audit").get_data(as_text=True)
    exported = admin.get("/admin/audit.csv").get_data(as_text=True)
    for partner in couple.partners:
        assert partner.display_name not in html and partner.display_name not in exported
        assert f"Client #{partner.id}" in html and f"Client #{partner.id}" in exported
        assert f'<option value="{partner.id}">Client #{partner.id}</option>' in html  # the "Who" filter too
        assert f"Client #{partner.id} <span" not in html  # not "Client #12 (#12)"
    assert couple.counselor.display_name in html  # staff keep their names


def test_the_admin_filters_by_person_action_and_dates_and_pages_through(app, factory):
    admin, admin_user, couple, _ = _admin_with_history(app, factory)
    counselor = couple.counselor
    for _ in range(60):
        record(counselor.id, "view_couple", couple)
    db_session.commit()
    only_views = admin.get(f"/admin/audit?actor={counselor.id}&action=view_couple").get_data(as_text=True)
    assert "61 entries match" in only_views and "Page 1 of 2" in only_views
    assert "Signed in" not in only_views.split("<tbody>")[1]
    second = admin.get(f"/admin/audit?actor={counselor.id}&action=view_couple&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and second.split("<tbody>")[1].count("<tr>") == 11

    today = to_local(events()[-1].at, admin_user.timezone).date().isoformat()  # days are the admin's own
    on_the_day = admin.get(f"/admin/audit?start={today}&end={today}").get_data(as_text=True)
    assert "entries match" in on_the_day and "0 entries match" not in on_the_day
    none = admin.get("/admin/audit?start=2001-01-01&end=2001-01-02").get_data(as_text=True)
    assert "0 entries match" in none and "Nothing to show for these choices" in none
    backwards = admin.get("/admin/audit?start=2001-01-02&end=2001-01-01").get_data(as_text=True)
    assert "The last day is before the first day." in backwards
    for nonsense in ("start=2026-02-30", "actor=abc", "actor=99999999999999999999", "page=-3",
                     "page=99999999999999999999", "action=%00", "end=yesterday"):
        assert admin.get(f"/admin/audit?{nonsense}").status_code == 200, nonsense


def test_the_csv_export_has_the_filtered_events_and_no_formula_can_run(app, factory):
    admin, admin_user, couple, other = _admin_with_history(app, factory)
    counselor = couple.counselor
    counselor.display_name = '=HYPERLINK("http://evil.example","click")'
    db_session.commit()
    response = admin.get(f"/admin/audit.csv?actor={counselor.id}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["event", "time (UTC)", f"time ({admin_user.timezone})"]
    assert body and all(row[3] == str(counselor.id) for row in body)
    assert all(row[4] == "'" + counselor.display_name for row in body)  # shown as text, never run
    assert {row[5] for row in body} >= {"login", "view_couple"}
    assert str(other.id) not in {row[8] for row in body if row[7] == "Couple"}
    assert events(action="export_audit_log")[-1].actor_id == admin_user.id


def test_a_failed_sign_in_for_no_account_is_on_no_practices_page(app, factory):
    admin, *_ = _admin_with_history(app, factory)
    stranger = app.test_client()
    stranger.post("/login", data={"login": "nobody@example.org", "password": "not-the-password-1",
                                  "csrf_token": csrf_token(stranger)})
    [event] = events(action="login_failed")
    assert event.practice_id is None and event.ip == "127.0.0.1"
    assert "Failed sign-in" not in admin.get("/admin/audit").get_data(as_text=True)
