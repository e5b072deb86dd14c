"""FHIR R4 through the counselor's pages: export a worksheet and a response, import a Questionnaire."""
import io
import json
import zipfile

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from helpers import answer_everything, save_section, submit
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import Response
from therapist_app.services.worksheets import version_by_slug


def test_a_counselor_exports_a_worksheet_as_a_valid_questionnaire(app, factory):
    counselor = signed_in(app, factory.counselor())
    version = version_by_slug("new-boundaries")
    response = counselor.get(f"/counselor/worksheet-versions/{version.id}/questionnaire.json")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/fhir+json"
    questionnaire = Questionnaire.model_validate(response.json)
    assert questionnaire.title == version.title


def test_a_submitted_response_exports_as_a_completed_questionnaire_response_from_the_partner(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    partner = signed_in(app, couple.partner_a)
    answer_everything(partner, assignment, text="Robin wrote")
    submit(partner, assignment.id)
    response_id = db_session.query(Response.id).filter_by(assignment_id=assignment.id).scalar()
    exported = signed_in(app, couple.counselor).get(f"/counselor/responses/{response_id}/fhir.json")
    resource = QuestionnaireResponse.model_validate(exported.json)
    assert resource.status == "completed"
    assert resource.source.reference == f"Patient/{couple.partner_a_id}"
    assert "Robin wrote: what_partner_feels" in json.dumps(exported.json)
    stranger = signed_in(app, factory.counselor())
    assert stranger.get(f"/counselor/responses/{response_id}/fhir.json").status_code == 404


def test_a_questionnaire_from_another_system_is_imported_as_a_worksheet_to_edit(app, factory):
    counselor = signed_in(app, factory.counselor())
    foreign = {"resourceType": "Questionnaire", "status": "active", "title": "Sleep and stress",
               "item": [{"linkId": "1", "type": "group", "text": "This week", "item": [
                   {"linkId": "1.1", "type": "integer", "text": "Hours of sleep"},
                   {"linkId": "1.2", "type": "choice", "text": "Stress level", "answerOption": [
                       {"valueCoding": {"code": "low", "display": "Low"}},
                       {"valueCoding": {"code": "high", "display": "High"}}]}]}]}
    upload = (io.BytesIO(json.dumps(foreign).encode()), "sleep.json")
    response = counselor.post("/counselor/worksheets/import", data={
        "csrf_token": csrf_token(counselor), "questionnaire": upload},
        content_type="multipart/form-data")
    assert response.status_code == 302
    editor = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sleep and stress" in editor and "Hours of sleep" in editor and "Stress level" in editor


def test_a_broken_questionnaire_file_is_refused_with_a_message(app, factory):
    counselor = signed_in(app, factory.counselor())
    upload = (io.BytesIO(b'{"resourceType": "Patient"}'), "wrong.json")
    response = counselor.post("/counselor/worksheets/import", data={
        "csrf_token": csrf_token(counselor), "questionnaire": upload},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "can&#39;t be imported" in response.get_data(as_text=True)


def test_a_scored_measure_exports_its_score_to_the_counselor_and_never_to_a_partner(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "couples-satisfaction-index")
    partner = signed_in(app, couple.partner_a)
    # worked by hand: happy 3 + mostly true 3 + somewhat 2 + mostly 3 = 11
    save_section(partner, assignment.id, {"csi_happiness": "happy", "csi_warm": "mostly_true",
                                          "csi_rewarding": "somewhat", "csi_satisfied": "mostly"})
    assert submit(partner, assignment.id).status_code == 302
    response_id = db_session.query(Response.id).filter_by(assignment_id=assignment.id).scalar()
    counselor = signed_in(app, couple.counselor)
    exported = counselor.get(f"/counselor/responses/{response_id}/fhir.json").json
    QuestionnaireResponse.model_validate(exported)
    score = next(e for e in exported["extension"] if e["url"] == "urn:therapist-app:score")
    assert {"url": "value", "valueDecimal": 11} in score["extension"]
    assert {"url": "cutoff", "valueDecimal": 13.5} in score["extension"]
    with zipfile.ZipFile(io.BytesIO(counselor.get(f"/counselor/couples/{couple.id}/export.zip").data)) as records:
        in_zip = json.loads(records.read(f"fhir/QuestionnaireResponse-{response_id}.json"))
        questionnaire = json.loads(records.read(next(n for n in records.namelist() if "Questionnaire-couples" in n)))
    assert in_zip["extension"] == exported["extension"]
    assert any(e["url"] == "urn:therapist-app:scoring" for e in questionnaire["extension"])
    with zipfile.ZipFile(io.BytesIO(partner.get("/my/my-answers.zip").data)) as own:
        everything = b"".join(own.read(name) for name in own.namelist()).decode()
    assert "Happy" in everything  # their own answers are there
    assert "urn:therapist-app:score" not in everything and "CSI-4 score" not in everything
