"""FHIR R4 through the counselor's pages: export a worksheet and a response, import a Questionnaire."""
import io
import json

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from helpers import answer_everything, submit
from support import csrf_of, signed_in
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
        "csrf_token": csrf_of(counselor, "/counselor/worksheets"), "questionnaire": upload},
        content_type="multipart/form-data")
    assert response.status_code == 302
    editor = counselor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sleep and stress" in editor and "Hours of sleep" in editor and "Stress level" in editor


def test_a_broken_questionnaire_file_is_refused_with_a_message(app, factory):
    counselor = signed_in(app, factory.counselor())
    upload = (io.BytesIO(b'{"resourceType": "Patient"}'), "wrong.json")
    response = counselor.post("/counselor/worksheets/import", data={
        "csrf_token": csrf_of(counselor, "/counselor/worksheets"), "questionnaire": upload},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "can&#39;t be imported" in response.get_data(as_text=True)
