"""End of care and data rights: archive (read-only for everyone), export, a partner's own download,
deleting a couple for good, and moving couples to another counselor."""
import csv
import html as html_text
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from helpers import answer_check_in_with_risk, answer_everything, both_partners_submit, save_section, submit
from sessions_support import add_session, add_topic
from support import Factory, csrf_token, signed_in
from therapist_app.errors import NotFoundError
from therapist_app.extensions import session as db_session
from therapist_app.models import (Appointment, Assignment, AssignmentSeries, AuditEvent, Base, Couple, OutboxMessage,
                                  PendingSave, Response, ResponseRevision, SessionSummary, SessionTopic, User)
from therapist_app.models.outbox import OUTBOX_PENDING, OUTBOX_WITHDRAWN
from therapist_app.services import end_of_care, reminders, series, summaries
from therapist_app.services.worksheets import version_by_slug


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client), **data})


def archive(client, couple, who="counselor"):
    page = f"/{who}/couples/{couple.id}"
    return _post(client, f"{page}/care", status="archived")


def reactivate(client, couple, who="counselor"):
    page = f"/{who}/couples/{couple.id}"
    return _post(client, f"{page}/care", status="active")


def fresh(model, id_):
    db_session.expire_all()
    return db_session.get(model, id_)


def unzip(response) -> dict[str, bytes]:
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive_file:
        return {name: archive_file.read(name) for name in archive_file.namelist()}


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# ---- archive: read-only for everyone ------------------------------------------------------------------

def test_an_archived_couples_partner_can_read_but_autosave_and_submit_refuse_calmly(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    a = signed_in(app, couple.partner_a)
    save_section(a, assignment.id, {"what_partner_feels": "Saved before the end"})
    counselor = signed_in(app, couple.counselor)
    assert archive(counselor, couple).status_code == 302
    assert fresh(Couple, couple.id).status == "archived"

    token = csrf_token(a)
    autosave = a.post(f"/my/homework/{assignment.id}/draft", headers={"Accept": "application/json"},
                      data={"csrf_token": token, "a__what_partner_feels": "Typed after the end", "revision": "1"})
    assert autosave.status_code == 409
    assert autosave.json["ok"] is False and "come to an end" in autosave.json["message"]
    no_script = a.post(f"/my/homework/{assignment.id}?section=0",
                       data={"csrf_token": token, "a__what_partner_feels": "Typed after the end", "revision": "1"})
    assert no_script.status_code == 409 and "Everything you wrote is kept" in no_script.get_data(as_text=True)
    sent = a.post(f"/my/homework/{assignment.id}/submit", data={"csrf_token": token, "revision": "1"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/review")
    assert a.get(f"/my/homework/{assignment.id}/review").status_code == 302  # nothing to review any more
    response = db_session.scalar(select(Response).where(Response.assignment_id == assignment.id))
    assert response.draft["values"] == {"what_partner_feels": "Saved before the end"} and not response.is_submitted

    page = a.get(f"/my/homework/{assignment.id}?edit=1").get_data(as_text=True)
    assert "Saved before the end" in page and "<textarea" not in page and "data-autosave" not in page
    assert "You didn't send this one" in page
    home = a.get("/my/").get_data(as_text=True)
    assert "Your counselling here has ended" in home and "/my/my-answers.zip" in home
    assert 'action="/my/topics"' not in home
    refused_topic = add_topic(a, "Something for a session that will not come")
    assert refused_topic.status_code == 422 and "come to an end" in refused_topic.get_data(as_text=True)
    assert db_session.scalar(select(func.count(SessionTopic.id))) == 0


def test_an_archived_couple_gets_no_homework_sessions_or_changes_from_the_counselor(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    counselor = signed_in(app, couple.counselor)
    archive(counselor, couple)
    page = f"/counselor/couples/{couple.id}"
    html = counselor.get(page).get_data(as_text=True)
    assert "This couple is archived" in html and "Assign an exercise" not in html and "Schedule a session" not in html
    assert "Reactivate" in html
    version = version_by_slug("empathy-exchange").id
    assigned = _post(counselor, f"{page}/assign", worksheet=str(version), assignee="both", repeat="once")
    assert assigned.status_code == 409 and "archived" in assigned.get_data(as_text=True)
    assert counselor.get(f"{page}/sessions/new").status_code == 409
    assert _post(counselor, f"{page}/pacing", stage="2", hurt_partner="").status_code == 409
    assert _post(counselor, f"/counselor/assignments/{assignment.id}/cancel").status_code == 409
    assert db_session.scalar(select(func.count(Assignment.id)).where(Assignment.couple_id == couple.id)) == 1
    assert fresh(Couple, couple.id).stage == 1 and fresh(Assignment, assignment.id).status == "open"

    assert couple.partner_a.display_name not in counselor.get("/counselor/").get_data(as_text=True)
    archived_list = counselor.get("/counselor/?show=archived").get_data(as_text=True)
    assert couple.partner_a.display_name in archived_list and "Archived (1)" in archived_list

    assert reactivate(counselor, couple).status_code == 302
    assert _post(counselor, f"{page}/assign", worksheet=str(version), assignee="both",
                 repeat="once").status_code == 302
    actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Couple")).all()
    assert {"archive_couple", "reactivate_couple"} <= set(actions)


def test_archiving_cancels_sessions_to_come_takes_back_queued_reminders_and_the_scheduler_skips_them(app, factory):
    couple = factory.couple()
    other = factory.couple(couple.counselor)
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, days=2)
    factory.assign(couple, "empathy-exchange", due_date=date.today())
    weekly = version_by_slug("weekly-trust-check-in").id
    series.assign_repeating(couple.counselor, couple.id, weekly, series.Recurrence())
    series.assign_repeating(other.counselor, other.id, weekly, series.Recurrence())
    reminder = OutboxMessage(unique_key=f"due-soon:1:{couple.partner_a_id}:x", user_id=couple.partner_a_id,
                             to_address="robin@example.org", subject="s", body="b")
    db_session.add(reminder)
    db_session.commit()

    archive(counselor, couple)
    assert fresh(Appointment, appointment.id).status == "cancelled"
    assert fresh(OutboxMessage, reminder.id).status == OUTBOX_WITHDRAWN
    invitations = db_session.scalars(select(OutboxMessage.status).where(
        OutboxMessage.user_id == couple.partner_a_id, OutboxMessage.unique_key.startswith("invite:"))).all()
    assert invitations and set(invitations) == {OUTBOX_PENDING}  # they may still need a way in to read

    later = datetime.now(timezone.utc) + timedelta(days=21)
    assert series.create_due_instances(later) >= 1  # the other couple's weekly check-ins
    assert db_session.scalar(select(func.count(Assignment.id)).where(Assignment.couple_id == couple.id)) == 2
    for kind, found in ((name, kind.find) for name, kind in reminders.REMINDER_KINDS.items()):
        for moment in (datetime.now(timezone.utc) + timedelta(hours=h) for h in range(0, 48, 3)):
            assert all(item.user_id not in (couple.partner_a_id, couple.partner_b_id) for item in found(moment)), kind


def test_archiving_waits_until_every_answer_that_needs_attention_is_read(app, factory):
    couple = factory.couple()
    answer_check_in_with_risk(app, couple)
    counselor = signed_in(app, couple.counselor)
    refused = archive(counselor, couple)
    assert refused.status_code == 302
    assert "not been read yet" in counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert fresh(Couple, couple.id).status == "active"


def test_archiving_waits_for_a_note_added_to_a_check_in_after_it_was_read(app, factory):
    couple = factory.couple()
    check_in = answer_check_in_with_risk(app, couple)
    counselor = signed_in(app, couple.counselor)
    response_id = db_session.scalar(select(Response.id).where(Response.assignment_id == check_in.id))
    assert counselor.post(f"/counselor/responses/{response_id}/reviewed",
                          data={"csrf_token": csrf_token(counselor)}).status_code == 302
    a = signed_in(app, couple.partner_a)
    a.post(f"/my/homework/{check_in.id}/addendum",
           data={"csrf_token": csrf_token(a), "text": "A late note"})
    archive(counselor, couple)
    assert "“added a note”" in counselor.get(f"/counselor/couples/{couple.id}").get_data(as_text=True)
    assert fresh(Couple, couple.id).status == "active"
    assert counselor.post(f"/counselor/responses/{response_id}/reviewed",
                          data={"csrf_token": csrf_token(counselor)}).status_code == 302
    archive(counselor, couple)
    assert fresh(Couple, couple.id).status == "archived"


def test_the_practice_admin_archives_and_another_practices_admin_finds_nothing(app, factory):
    couple = factory.couple()
    admin = signed_in(app, factory.admin(couple.counselor.practice))
    stranger = signed_in(app, factory.admin(factory.practice()))
    token = csrf_token(stranger)
    assert stranger.post(f"/admin/couples/{couple.id}/care", data={"csrf_token": token,
                                                                   "status": "archived"}).status_code == 404
    assert stranger.get(f"/admin/couples/{couple.id}").status_code == 404
    assert fresh(Couple, couple.id).status == "active"
    assert archive(admin, couple, who="admin").status_code == 302
    assert fresh(Couple, couple.id).status == "archived"
    listed = admin.get("/admin/couples?show=archived").get_data(as_text=True)
    assert couple.partner_a.display_name in listed


# ---- export ---------------------------------------------------------------------------------------------

def test_the_counselors_export_holds_pdfs_fhir_and_csv_named_by_ids_only(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    both_partners_submit(app, couple, assignment, text="=HYPERLINK(\"http://x\")", text_b="Words of B")
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, days=-1)
    summaries.save_draft(couple.counselor, appointment.id, summaries.SummaryDraft(
        parts={"both": {"worked_on": "Listening", "note": "Until next time"}}))
    summaries.publish(couple.counselor, appointment.id)
    archive(counselor, couple)  # an archived couple's records can still be exported

    response = counselor.get(f"/counselor/couples/{couple.id}/export.zip")
    disposition = response.headers["Content-Disposition"]
    assert f"couple-{couple.id}-records-" in disposition
    assert couple.partner_a.display_name not in disposition and couple.partner_b.display_name not in disposition
    files = unzip(response)
    assert files["prep-packet-full-history.pdf"].startswith(b"%PDF")
    summary_pdfs = [name for name in files if name.startswith("summaries/")]
    assert len(summary_pdfs) == 2 and all(files[name].startswith(b"%PDF") for name in summary_pdfs)
    answers = [json.loads(files[name]) for name in files if name.startswith("fhir/QuestionnaireResponse-")]
    assert len(answers) == 2 and {a["resourceType"] for a in answers} == {"QuestionnaireResponse"}
    assert any(name.startswith("fhir/Questionnaire-empathy-exchange-v") for name in files)
    rows = csv_rows(files["answers.csv"])
    b_rows = [r for r in rows if r["partner_id"] == str(couple.partner_b_id)]
    assert any(r["answer"].startswith("Words of B") for r in b_rows)
    a_text = [r["answer"] for r in rows if r["partner_id"] == str(couple.partner_a_id) and r["answer"]]
    assert a_text and all(not text.startswith("=") for text in a_text)  # stays text in a spreadsheet
    assert any(text.startswith("'=HYPERLINK") for text in a_text)
    assert csv_rows(files["sessions.csv"])[0]["session_id"] == str(appointment.id)
    assert json.loads(files["couple.json"])["status"] == "archived"
    audit = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "export_couple_records"))
    assert (audit.actor_id, audit.object_type, audit.object_id) == (couple.counselor_id, "Couple", couple.id)
    assert signed_in(app, factory.counselor(couple.counselor.practice)).get(
        f"/counselor/couples/{couple.id}/export.zip").status_code == 404


def test_a_partners_download_holds_only_their_own_answers_never_the_other_partners(app, factory):
    couple = factory.couple()
    joint = factory.assign(couple, "empathy-exchange", release_mode="after_review")
    only_b = factory.assign(couple, "empathy-exchange", assignee=couple.partner_b)
    b = signed_in(app, couple.partner_b)
    for assignment in (joint, only_b):
        answer_everything(b, assignment, text="PARTNER-B-PRIVATE")
        submit(b, assignment.id)
    a = signed_in(app, couple.partner_a)
    answer_everything(a, joint, text="Mine, from A")
    submit(a, joint.id)
    save_section(a, joint.id, {"what_partner_feels": "Changed after sending"}, revision=None)
    answer_check_in_with_risk(app, couple)  # A's private check-in: never in a file

    response = a.get("/my/my-answers.zip")
    assert "my-answers-" in response.headers["Content-Disposition"]
    files = unzip(response)
    assert set(files) == {"README.txt", "my-answers.csv", "my-answers.json"}
    everything = b"".join(files.values()).decode("utf-8")
    assert "PARTNER-B-PRIVATE" not in everything
    assert "Mine, from A" in everything and "Changed after sending" in everything
    check_in_title = version_by_slug("safety-check-in").title
    rows = csv_rows(files["my-answers.csv"])
    assert rows and {r["exercise"] for r in rows} == {"Understanding each other"} != {check_in_title}
    assert {r["version"] for r in rows} == {"sent", "saved, not sent"}
    exported = json.loads(files["my-answers.json"])
    assert {e["exercise"] for e in exported["exercises"]} == {"Understanding each other"}
    assert db_session.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "download_own_answers")) \
        == couple.partner_a_id
    b_files = unzip(b.get("/my/my-answers.zip"))
    assert "Mine, from A" not in b"".join(b_files.values()).decode("utf-8")


# ---- deleting a couple for good -------------------------------------------------------------------------

def _a_full_record(app, factory):
    """A couple with something in every table that can name them."""
    couple = factory.couple()
    other = factory.couple(couple.counselor)
    assignment = factory.assign(couple, "empathy-exchange")
    both_partners_submit(app, couple, assignment)
    a = signed_in(app, couple.partner_a)
    save_section(a, assignment.id, {"what_partner_feels": "Edited"})
    submit(a, assignment.id)  # an earlier submitted version stays as a revision
    answer_check_in_with_risk(app, couple)  # and a risk alert email to the counselor
    counselor = signed_in(app, couple.counselor)
    appointment = add_session(counselor, couple, days=-1)
    add_session(counselor, couple, days=6)
    add_topic(a, "A topic")
    series.assign_repeating(couple.counselor, couple.id, version_by_slug("weekly-trust-check-in").id,
                            series.Recurrence())
    summaries.save_draft(couple.counselor, appointment.id, summaries.SummaryDraft(
        parts={"both": {"worked_on": "Listening", "note": "Soon"}}))
    summaries.publish(couple.counselor, appointment.id)
    db_session.add(PendingSave(user_id=couple.partner_b_id, assignment_id=assignment.id, section=0,
                               form={"a__what_partner_feels": ["kept"]}))
    db_session.commit()
    assert counselor.get(f"/counselor/couples/{couple.id}/prep.pdf").status_code == 200
    return couple, other, counselor


def _ids(couple) -> dict[str, set[int]]:
    assignments = set(db_session.scalars(select(Assignment.id).where(Assignment.couple_id == couple.id)))
    appointments = set(db_session.scalars(select(Appointment.id).where(Appointment.couple_id == couple.id)))
    return {
        "ta_couple": {couple.id}, "ta_user": {couple.partner_a_id, couple.partner_b_id},
        "ta_assignment": assignments, "ta_appointment": appointments,
        "ta_assignment_series": set(db_session.scalars(select(AssignmentSeries.id)
                                                       .where(AssignmentSeries.couple_id == couple.id))),
        "ta_response": set(db_session.scalars(select(Response.id).where(Response.assignment_id.in_(assignments)))),
        "ta_session_summary": set(db_session.scalars(select(SessionSummary.id)
                                                     .where(SessionSummary.appointment_id.in_(appointments)))),
    }


def _rows_that_still_name(deleted: dict[str, set[int]]) -> list[str]:
    """The deleted rows themselves, and every foreign-key column of every plugin table (whoever added
    it) that still holds one of their ids."""
    found = []
    for name, ids in deleted.items():
        table = Base.metadata.tables[name]
        left = db_session.scalar(select(func.count()).select_from(table).where(table.c.id.in_(ids)))
        if left:
            found.append(f"{name}: {left} row(s) left")
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            for key in column.foreign_keys:
                ids = deleted.get(key.column.table.name)
                if ids:
                    left = db_session.scalar(select(func.count()).select_from(table).where(column.in_(ids)))
                    if left:
                        found.append(f"{table.name}.{column.name}: {left} row(s) name a deleted row")
    return found


def test_a_wrong_name_is_refused_beside_the_field_and_nothing_is_deleted(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    page = f"/counselor/couples/{couple.id}/delete"
    assert couple.label in html_text.unescape(counselor.get(page).get_data(as_text=True))
    for typed in ("", couple.partner_a.display_name, couple.label.lower(), f"{couple.partner_b.display_name} & "
                  f"{couple.partner_a.display_name}"):
        refused = _post(counselor, page, confirm_name=typed)
        html = html_text.unescape(refused.get_data(as_text=True))
        assert refused.status_code == 422 and 'aria-invalid="true"' in html
        assert "Type the couple's name" in html or "not the couple's name" in html
    assert fresh(Couple, couple.id) is not None and fresh(User, couple.partner_a_id) is not None
    assert not db_session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "delete_couple"))


def test_deleting_a_couple_leaves_no_row_that_names_them_or_their_partners(app, factory):
    couple, other, counselor = _a_full_record(app, factory)
    couple_id, counselor_id, label = couple.id, couple.counselor_id, couple.label
    deleted = _ids(couple)
    assert all(deleted.values()), deleted
    partner_email = couple.partner_a.email
    before = {table: db_session.scalar(select(func.count()).select_from(Base.metadata.tables[table]))
              for table in ("ta_outbox_message", "ta_pending_save", "ta_response_revision", "ta_session_topic")}
    assert all(before.values()), before
    cached = Path(app.config["THERAPIST_PDF_CACHE_DIR"]) / f"couple-{couple_id}"
    assert any(cached.iterdir())
    other_assignment = factory.assign(other, "empathy-exchange")

    page = f"/counselor/couples/{couple_id}/delete"
    done = _post(counselor, page, confirm_name=f"  {label} ")
    assert done.status_code == 302 and done.headers["Location"].endswith("/counselor/")

    db_session.expire_all()
    assert _rows_that_still_name(deleted) == []
    assert not cached.exists()
    outbox = db_session.scalars(select(OutboxMessage.unique_key)).all()
    assert all(not key.startswith("risk:") or int(key.split(":")[1]) not in deleted["ta_assignment"] for key in outbox)
    assert not db_session.scalar(select(func.count(PendingSave.id)))
    assert not db_session.scalar(select(func.count(ResponseRevision.id)))
    assert not db_session.scalar(select(func.count(SessionTopic.id)))
    record = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "delete_couple"))
    assert (record.actor_id, record.object_type, record.object_id) == (counselor_id, "Couple", couple_id)
    assert fresh(Couple, other.id) is not None and fresh(Assignment, other_assignment.id) is not None
    assert counselor.get(f"/counselor/couples/{couple_id}").status_code == 404
    gone = app.test_client()
    attempt = gone.post("/login", data={"login": partner_email, "password": "a-long-test-passphrase",
                                        "csrf_token": csrf_token(gone)})
    assert attempt.status_code != 302


def test_the_admin_deletes_after_typing_the_name_and_another_counselor_cannot(app, factory):
    couple = factory.couple()
    couple_id, label = couple.id, couple.label
    colleague = signed_in(app, factory.counselor(couple.counselor.practice))
    assert colleague.get(f"/counselor/couples/{couple_id}/delete").status_code == 404
    admin_user = factory.admin(couple.counselor.practice)
    admin = signed_in(app, admin_user)
    page = f"/admin/couples/{couple_id}/delete"
    assert _post(admin, page, confirm_name=label).status_code == 302
    assert fresh(Couple, couple_id) is None
    actor = db_session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "delete_couple"))
    assert actor == admin_user.id


def test_a_couple_added_after_the_newest_was_deleted_gets_new_ids_and_none_of_its_log(migrated_app):
    """SQLite gave a deleted row's id to the next new row: the next couple took the deleted couple's id
    (its partners their partners' ids), and the audit log's entries about the deleted couple read as the
    new couple's. On the migrated schema an id is never handed out twice."""
    factory = Factory(migrated_app)
    older = factory.couple()
    newest = factory.couple(older.counselor)
    deleted_id, deleted_partners, label = newest.id, {newest.partner_a_id, newest.partner_b_id}, newest.label
    counselor = signed_in(migrated_app, older.counselor)
    assert counselor.get(f"/counselor/couples/{deleted_id}").status_code == 200  # logged: view_couple
    assert _post(counselor, f"/counselor/couples/{deleted_id}/delete", confirm_name=label).status_code == 302

    added = _post(counselor, "/counselor/couples/new", a_name="Dana", a_email="dana@example.org",
                  b_name="Lee", b_email="lee@example.org")
    assert added.status_code == 302
    new_id = int(added.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert new_id > deleted_id
    db_session.expire_all()
    couple = db_session.get(Couple, new_id)
    assert {couple.partner_a_id, couple.partner_b_id}.isdisjoint(deleted_partners)

    def log_of(couple_id):
        return db_session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "Couple", AuditEvent.object_id == couple_id).order_by(AuditEvent.id)).all()
    assert log_of(new_id) == ["add_couple"]
    assert log_of(deleted_id) == ["add_couple", "view_couple", "delete_couple"]
    assert counselor.get(f"/counselor/couples/{deleted_id}").status_code == 404


# ---- transfer and deactivation --------------------------------------------------------------------------

def test_the_admin_moves_a_couple_and_the_earlier_counselor_no_longer_sees_them(app, factory):
    couple = factory.couple()
    earlier = couple.counselor
    practice = earlier.practice
    successor = factory.counselor(practice)
    admin = signed_in(app, factory.admin(practice))
    page = f"/admin/couples/{couple.id}"
    moved = _post(admin, f"{page}/transfer", counselor=str(successor.id))
    assert moved.status_code == 302
    assert fresh(Couple, couple.id).counselor_id == successor.id
    assert signed_in(app, earlier).get(f"/counselor/couples/{couple.id}").status_code == 404
    assert signed_in(app, successor).get(f"/counselor/couples/{couple.id}").status_code == 200
    assert db_session.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "transfer_couple")) == couple.id


def test_a_counselor_of_another_practice_is_no_transfer_target(app, factory):
    couple = factory.couple()
    stranger = factory.counselor(factory.practice())
    factory.counselor(couple.counselor.practice)  # a colleague: the form offers someone
    admin_user = factory.admin(couple.counselor.practice)
    admin = signed_in(app, admin_user)
    page = f"/admin/couples/{couple.id}"
    refused = _post(admin, f"{page}/transfer", counselor=str(stranger.id))
    assert refused.status_code == 422 and "Not a valid choice" in refused.get_data(as_text=True)
    assert fresh(Couple, couple.id).counselor_id == couple.counselor_id
    with pytest.raises(NotFoundError):
        end_of_care.transfer(admin_user, couple.id, stranger.id)
    assert fresh(Couple, couple.id).counselor_id == couple.counselor_id


def test_deactivating_a_counselor_asks_where_their_couples_go(app, factory):
    couple = factory.couple()
    leaving = couple.counselor
    archived = factory.couple(leaving)
    archived.status = "archived"
    db_session.commit()
    successor = factory.counselor(leaving.practice)
    admin = signed_in(app, factory.admin(leaving.practice))
    page = f"/admin/counselors/{leaving.id}/deactivate"
    asked = admin.get(page).get_data(as_text=True)
    assert "1 couple in care" in asked and successor.display_name in asked
    refused = _post(admin, f"/admin/counselors/{leaving.id}/deactivate", transfer_to="")
    assert refused.status_code == 422 and "still has 1 couple in care" in refused.get_data(as_text=True)
    assert fresh(User, leaving.id).is_active_account
    done = _post(admin, f"/admin/counselors/{leaving.id}/deactivate", transfer_to=str(successor.id))
    assert done.status_code == 302
    assert not fresh(User, leaving.id).is_active_account
    assert {fresh(Couple, c.id).counselor_id for c in (couple, archived)} == {successor.id}


def test_a_counselor_with_only_archived_couples_may_leave_without_a_successor(app, factory):
    couple = factory.couple()
    leaving = couple.counselor
    couple.status = "archived"
    db_session.commit()
    admin = signed_in(app, factory.admin(leaving.practice))
    page = f"/admin/counselors/{leaving.id}/deactivate"
    assert _post(admin, page, transfer_to="").status_code == 302
    assert not fresh(User, leaving.id).is_active_account
    assert fresh(Couple, couple.id).counselor_id == leaving.id  # the admin can move it later


def test_a_counselor_with_no_couples_is_deactivated_from_the_page_that_asks_nothing(app, factory):
    """The page offers no "their couples go to" for a counselor without couples, and its post was
    refused for that missing choice, silently: the admin could not deactivate them at all."""
    practice = factory.practice()
    leaving = factory.counselor(practice)
    admin = signed_in(app, factory.admin(practice))
    page = admin.get(f"/admin/counselors/{leaving.id}/deactivate").get_data(as_text=True)
    assert "They have no couples." in page and 'name="transfer_to"' not in page
    assert _post(admin, f"/admin/counselors/{leaving.id}/deactivate").status_code == 302
    assert not fresh(User, leaving.id).is_active_account


def test_with_couples_in_care_no_successor_is_chosen_for_the_admin(app, factory):
    couple = factory.couple()
    factory.counselor(couple.counselor.practice)
    admin = signed_in(app, factory.admin(couple.counselor.practice))
    page = admin.get(f"/admin/counselors/{couple.counselor.id}/deactivate").get_data(as_text=True)
    assert re.search(r'<option[^>]*value=""[^>]*>Choose a counselor</option>', page)
    assert "No one" not in page
