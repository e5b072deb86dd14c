"""A couple's records as files: the counselor's ZIP of everything, and a partner's own answers (the
right of access). Built in memory, named by ids and dates only, audited by ids only."""
import csv
import io
import json
import zipfile
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import access, visibility
from ..engine.fields import STATE_LABELS, kind_of
from ..engine.presentation import definition_of, label_for, sections_for
from ..extensions import session
from ..models import Appointment, Assignment, Couple, Response, SessionSummary, SessionTopic, User
from ..models.base import utcnow
from ..models.response import STATUS_SUBMITTED, answering_role
from ..security.audit import record
from ..pdf import prep_packet
from . import exports, packets, sessions, summaries
from .reviews import sides_by_side

# A spreadsheet runs a cell that starts with one of these as a formula: what partners wrote must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Export:
    filename: str
    data: io.BytesIO


def _cell(value) -> str:
    """One CSV cell: tables flattened to text, and never a formula (OWASP: CSV injection)."""
    if isinstance(value, dict) and "rows" in value:  # a `rows` answer, as engine.fields displays it
        value = " | ".join("; ".join(f"{column}: {cell}" for column, cell in zip(value["columns"], row, strict=False))
                           for row in value["rows"])
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM: spreadsheets then read accents correctly


def _zip(files: dict[str, bytes]) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    data.seek(0)
    return data


def _when(moment) -> str:
    return moment.isoformat() if moment else ""


# ---- the counselor's export of everything ------------------------------------------------------------

ANSWER_COLUMNS = ["assignment_id", "exercise", "assignment_status", "due_date", "partner_id", "partner", "version",
                  "submitted_at", "reviewed_at", "section", "question", "answer", "answer_state", "who_sees",
                  "held_back", "needs_attention"]

COUNSELOR_README = """Records of couple {couple_id}, exported {at} (UTC) by counselor {counselor_id}.

prep-packet-full-history.pdf   every exercise with answers, side by side, and the check-in trends
summaries/                     each published session summary, exactly as each partner received it
fhir/                          each submitted answer set as a FHIR R4 QuestionnaireResponse, and the
                               Questionnaire (worksheet version) it answers
answers.csv                    every submitted answer, earlier submitted versions, and notes added to
                               private check-ins after sending
sessions.csv                   sessions, with your session notes
topics.csv                     topics the partners raised for their sessions
couple.json                    the couple's details (partners, stage, status)

Drafts are not included: a draft is seen by no one but its author.
This file holds health information. Keep it as you keep your clinical records.
"""


def _answer_rows(counselor: User, assignments: list[Assignment]) -> list[list]:
    rows = []
    for assignment, view in zip(assignments, sides_by_side(counselor, assignments), strict=True):
        title = view.definition.title
        head = [assignment.id, title, assignment.status, _when(assignment.due_date)]
        for index, (partner, response) in enumerate(zip(view.partners, view.responses, strict=True)):
            if response is None or not response.is_submitted:
                continue
            for row in view.rows:
                cell = row.cells[index]
                if not cell.applies:
                    continue
                rows.append(head + [partner.id, partner.display_name, "current", _when(response.submitted_at),
                                    _when(response.reviewed_at), row.section_title, cell.asked, cell.text,
                                    cell.state or "", row.visibility, "yes" if cell.held_back else "",
                                    "yes" if cell.flagged else ""])
            for note in response.addenda or []:
                rows.append(head + [partner.id, partner.display_name, "added after sending", note["at"],
                                    _when(response.reviewed_at), "", "Added after sending", note["text"], "",
                                    "counselor", "", ""])
        for earlier in view.earlier:
            for question, text in earlier.answers:
                rows.append(head + [earlier.partner.id, earlier.partner.display_name, "earlier", _when(earlier.at),
                                    "", "", question, text, "", "", "", ""])
    return rows


def _session_rows(couple: Couple) -> list[list]:
    rows = []
    for item in reversed(sessions.couple_sessions(couple, with_notes=True).items):
        appointment = item.appointment
        notes = sessions.notes_of(appointment)
        rows.append([appointment.id, item.number or "", _when(appointment.starts_at), appointment.duration_minutes,
                     appointment.mode, appointment.status, notes["worked_on"], notes["observations"], notes["plan"]])
    return rows


def _topic_rows(couple: Couple) -> list[list]:
    names = {partner.id: partner.display_name for partner in couple.partners}
    topics = session.scalars(select(SessionTopic).where(SessionTopic.couple_id == couple.id)
                             .order_by(SessionTopic.created_at, SessionTopic.id))
    return [[t.id, _when(t.created_at), t.author_id, names.get(t.author_id, ""), t.visibility, t.text] for t in topics]


def _couple_details(couple: Couple) -> dict:
    return {"couple_id": couple.id, "practice_id": couple.practice_id, "counselor_id": couple.counselor_id,
            "status": couple.status, "stage": couple.stage, "created_at": _when(couple.created_at),
            "hurt_partner_id": couple.hurt_partner_id, "intimacy_unlocked": couple.intimacy_unlocked,
            "joint_homework_paused": couple.joint_paused,
            "partners": [{"id": p.id, "name": p.display_name, "email": p.email, "sign_in_name": p.sign_in_name}
                         for p in couple.partners]}


def _summary_pdfs(couple: Couple) -> dict[str, bytes]:
    published = session.scalars(
        select(SessionSummary).join(Appointment, Appointment.id == SessionSummary.appointment_id)
        .where(Appointment.couple_id == couple.id, SessionSummary.published_at.is_not(None))
        .order_by(Appointment.starts_at))
    return {f"summaries/summary-{summary.id}-partner-{partner_id}.pdf": summaries.summary_pdf(view)
            for summary in published for partner_id, view in sorted((summary.published or {}).items())}


def _fhir_files(assignments: list[Assignment]) -> dict[str, bytes]:
    files = {}
    ids = [a.id for a in assignments]
    submitted = session.scalars(select(Response).where(Response.assignment_id.in_(ids), Response.status == STATUS_SUBMITTED)
                                .order_by(Response.id)) if ids else []
    for response in submitted:
        version = response.assignment.worksheet_version
        name = f"fhir/Questionnaire-{version.worksheet.slug}-v{version.number}.json"
        if name not in files:
            files[name] = _json(exports.questionnaire_of(version))
        files[f"fhir/QuestionnaireResponse-{response.id}.json"] = _json(exports.questionnaire_response_of(response))
    return files


def _json(data) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def couple_zip(counselor: User, couple_id: int, ip: str | None = None) -> Export:
    """Everything of one of the counselor's couples: PDFs, FHIR JSON and CSV. Archived couples too."""
    couple = access.couple_for_counselor(counselor, couple_id)
    now = utcnow()
    assignments = list(session.scalars(select(Assignment).where(Assignment.couple_id == couple.id)
                                       .order_by(Assignment.id).options(selectinload(Assignment.worksheet_version))))
    files = {"README.txt": COUNSELOR_README.format(couple_id=couple.id, at=now.strftime("%Y-%m-%d %H:%M"),
                                                   counselor_id=counselor.id).encode("utf-8")}
    packet = packets.prep(counselor, couple.id, None)
    files["prep-packet-full-history.pdf"] = prep_packet.cached_or_rendered(couple.id, prep_packet.packet_html(packet))
    files.update(_summary_pdfs(couple))
    files.update(_fhir_files(assignments))
    files["answers.csv"] = _csv(ANSWER_COLUMNS, _answer_rows(counselor, assignments))
    files["sessions.csv"] = _csv(["session_id", "number", "starts_at", "duration_minutes", "mode", "status",
                                  "worked_on", "observations", "plan"], _session_rows(couple))
    files["topics.csv"] = _csv(["topic_id", "created_at", "partner_id", "partner", "who_sees", "text"],
                               _topic_rows(couple))
    files["couple.json"] = _json(_couple_details(couple))
    record(counselor.id, "export_couple_records", couple, ip)
    session.commit()
    return Export(f"couple-{couple.id}-records-{now:%Y-%m-%d}.zip", _zip(files))


# ---- a partner's own answers ------------------------------------------------------------------------

PARTNER_COLUMNS = ["exercise", "version", "date", "section", "question", "answer", "who_sees"]
WHO_SEES = {"counselor": "Only your counselor", "shared": "Your counselor and your partner",
            "held_back": "Only your counselor (you kept it back)"}

PARTNER_README = """Your answers, as downloaded on {at} (UTC).

my-answers.csv    every answer you wrote in your exercises: a spreadsheet opens it
my-answers.json   the same answers, for another program

"sent" answers are those you submitted; "saved, not sent" are answers you saved and did not send
(or changed after sending). Only your own answers are here, never your partner's. Your private
check-in answers are not included, so that they never sit in a file on a shared device: your
counselor can give you a copy.

This file holds personal things you wrote. On a device someone else uses, keep it somewhere
private, or delete it when you are done.
"""


def _own_versions(response: Response) -> list[tuple[str, object, dict]]:
    """(version, date, answers): what was sent, and what was saved since if that differs."""
    versions = []
    if response.is_submitted and response.submitted:
        versions.append(("sent", response.submitted_at, response.submitted))
    if response.revision and (not versions or response.draft != response.submitted):
        versions.append(("saved, not sent", response.updated_at, response.draft))
    return versions


def _own_answers(partner: User, couple: Couple, response: Response, definition, answers: dict) -> list[dict]:
    role = answering_role(couple, partner.id, response)
    assignment = response.assignment
    held_back = set(response.held_back or ())
    items = []
    for view in sections_for(definition, role, answers):
        for spec in view.fields:
            value, state = answers["values"].get(spec.id), answers["states"].get(spec.id)
            if value in (None, "", []) and not state:
                continue
            shared = assignment.is_joint and visibility.effective_visibility(assignment, spec) == "shared"
            who = "held_back" if shared and spec.id in held_back else "shared" if shared else "counselor"
            items.append({"section": view.section.title, "question": label_for(spec, role),
                          "answer": kind_of(spec).display(value, spec) if not state else "",
                          "state": STATE_LABELS.get(state), "who_sees": WHO_SEES[who]})
    return items


def partner_answers_zip(partner: User, ip: str | None = None) -> Export:
    """This partner's own answers only (their Response rows), never the other partner's, whatever is
    shared or released. The private check-in stays out (its answers are never shown again in the
    portal either); a counselor's copy comes from the counselor's export."""
    couple = access.couple_of_partner(partner)
    now = utcnow()
    responses = session.scalars(
        select(Response).join(Assignment, Assignment.id == Response.assignment_id)
        .where(Response.partner_id == partner.id, Assignment.couple_id == couple.id)
        .order_by(Assignment.id).options(selectinload(Response.assignment).selectinload(Assignment.worksheet_version)))
    exercises, rows = [], []
    for response in responses:
        definition = definition_of(response.assignment.worksheet_version)
        if definition.policy.hidden_once_sent:
            continue
        for version, at, answers in _own_versions(response):
            items = _own_answers(partner, couple, response, definition, answers)
            if not items:
                continue
            exercises.append({"exercise": definition.title, "version": version, "date": _when(at), "answers": items})
            rows += [[definition.title, version, _when(at), item["section"], item["question"],
                      item["state"] or item["answer"], item["who_sees"]] for item in items]
    files = {"README.txt": PARTNER_README.format(at=now.strftime("%Y-%m-%d %H:%M")).encode("utf-8"),
             "my-answers.csv": _csv(PARTNER_COLUMNS, rows),
             "my-answers.json": _json({"downloaded_at": _when(now), "exercises": exercises})}
    record(partner.id, "download_own_answers", partner, ip)
    session.commit()
    return Export(f"my-answers-{now:%Y-%m-%d}.zip", _zip(files))
