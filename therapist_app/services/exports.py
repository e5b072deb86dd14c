"""FHIR R4 exports: worksheets as Questionnaires, answers as QuestionnaireResponses (through access)."""

from .. import access
from ..engine import fhir
from ..engine.presentation import definition_of
from ..extensions import session
from ..models import Response, User, WorksheetVersion
from ..models.response import answering_role
from ..security.audit import record
from . import worksheets
from .links import public_base


def questionnaire_for(counselor: User, version_id: int) -> dict:
    return questionnaire_of(worksheets.usable_version(counselor, version_id))


def questionnaire_of(version: WorksheetVersion) -> dict:
    """A worksheet version as a Questionnaire (the caller has checked access to whatever uses it)."""
    return fhir.questionnaire(definition_of(version), slug=version.worksheet.slug, version=version.number,
                              base_url=public_base())


def response_for_counselor(counselor: User, response_id: int) -> dict:
    """A partner's submitted answers for the couple's counselor. Drafts are never exported."""
    response = access.submitted_response_for_counselor(counselor, response_id)
    record(counselor.id, "export_fhir_response", response)
    session.commit()
    return questionnaire_response_of(response)


def questionnaire_response_of(response: Response) -> dict:
    """A submitted response as a QuestionnaireResponse for the counselor (the caller has checked access;
    never a draft), with a scored measure's score. Partners' own exports never carry one."""
    assignment = response.assignment
    version = assignment.worksheet_version
    partner = session.get(User, response.partner_id)
    return fhir.questionnaire_response(
        definition_of(version), response.submitted,
        questionnaire_url=f"{public_base()}/fhir/Questionnaire/{version.worksheet.slug}|{version.number}",
        status="completed",
        source_reference=f"Patient/{partner.id}", source_display=partner.display_name,
        authored=response.submitted_at.isoformat(),
        role=answering_role(assignment.couple, partner.id, response), with_score=True,
    )
