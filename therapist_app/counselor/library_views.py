"""The counselor's worksheet library: browse, preview, duplicate, build, publish, import.

Every POST here is CSRF-checked by CSRFProtect before it reaches the view."""
import json

from flask import flash, jsonify, redirect, render_template, request, url_for

from ..engine.fhir_import import definition_from_questionnaire
from ..engine.fields import kind_of
from ..engine.forms import build_answer_form
from ..engine.loader import WorksheetError
from ..engine.presentation import SectionView, definition_of
from ..errors import RuleError
from ..models.response import empty_answers
from ..security.identity import signed_in_user
from ..security.roles import counselor_required
from ..services import exports, worksheet_builder, worksheets
from .library_forms import ONLY_FOR_LABELS, AddFieldForm, AddSectionForm, DetailsForm, FieldForm, ImportForm
from . import bp


@bp.get("/worksheets")
@counselor_required
def library(import_form=None, status=200):
    counselor = signed_in_user()
    return render_template("therapist_app/counselor/library.html",
                           library=[(v, definition_of(v)) for v in worksheets.library_for(counselor)],
                           mine=worksheet_builder.own_and_shared(counselor),
                           import_form=import_form or ImportForm(), counselor=counselor), status


@bp.post("/worksheets/new")
@counselor_required
def new_worksheet():
    worksheet = worksheet_builder.start_blank(signed_in_user())
    return redirect(url_for(".edit_worksheet", worksheet_id=worksheet.id))


@bp.post("/worksheet-versions/<ta_id:version_id>/duplicate")
@counselor_required
def duplicate_worksheet(version_id):
    worksheet = worksheet_builder.duplicate(signed_in_user(), version_id)
    flash("A copy was made. Edit it, preview it, then publish it to assign it.", "success")
    return redirect(url_for(".edit_worksheet", worksheet_id=worksheet.id))


@bp.post("/worksheets/import")
@counselor_required
def import_worksheet():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.questionnaire.data
        try:
            data = json.loads(upload.read(1_000_001).decode("utf-8"))
            definition = definition_from_questionnaire(data, source=upload.filename or "questionnaire.json")
        except RecursionError:  # the JSON parser itself gives up on hostile nesting
            form.questionnaire.errors.append("This file can't be imported: it is nested too deeply to be a "
                                             "Questionnaire.")
        except (ValueError, WorksheetError) as error:
            form.questionnaire.errors.append(f"This file can't be imported: {error}")
        else:
            worksheet = worksheet_builder.import_definition(signed_in_user(), definition)
            flash("Imported. Check the wording, preview it, then publish it.", "success")
            return redirect(url_for(".edit_worksheet", worksheet_id=worksheet.id))
    return library(import_form=form, status=422)


def _field_forms(definition):
    forms = {}
    for field in definition.all_fields():
        form = FieldForm(formdata=None, prefix=f"f-{field.id}")
        form.field_id.data = field.id
        form.label.data, form.help.data = field.label, field.help
        form.required.data, form.sensitive.data = field.required, field.sensitive
        form.shared.data = field.visibility == "shared"
        kind = kind_of(field)
        if kind.has_options:
            form.options.data = "\n".join(o.label for o in field.options)
        if kind.has_columns:
            form.columns.data = "\n".join(c.label for c in field.columns)
        if kind.has_scale_labels:
            form.min_label.data, form.max_label.data = field.min_label, field.max_label
        forms[field.id] = form
    return forms


@bp.get("/worksheets/<ta_id:worksheet_id>/edit")
@counselor_required
def edit_worksheet(worksheet_id, details_form=None, status=200, refused_field=None):
    """`refused_field`: a question's form that was refused, shown again as typed with its messages."""
    worksheet = worksheet_builder.editable(signed_in_user(), worksheet_id)
    definition = worksheet_builder.draft_of(worksheet)
    details = details_form or DetailsForm(formdata=None, data={
        "title": definition.title, "purpose": definition.purpose, "estimated_minutes": definition.estimated_minutes,
        "stage": definition.stage, "shared_with_practice": worksheet.shared_with_practice})
    field_forms = _field_forms(definition)
    if refused_field is not None:
        field_forms[refused_field.field_id.data] = refused_field
    return render_template("therapist_app/counselor/builder.html", worksheet=worksheet, definition=definition,
                           details=details, field_forms=field_forms, add_field=AddFieldForm(),
                           add_section=AddSectionForm(), type_labels=worksheet_builder.FIELD_TYPE_LABELS,
                           only_for_labels=ONLY_FOR_LABELS), status


def _back_to_editor(worksheet_id, anchor=None):
    return redirect(url_for(".edit_worksheet", worksheet_id=worksheet_id) + (f"#{anchor}" if anchor else ""))


def _apply(action, worksheet_id, anchor=None, success="Saved."):
    """Runs a builder change and goes back to the editor at `anchor`; `anchor` may be a function of
    what the change returned (the new question's id, which is only known once it exists)."""
    try:
        result = action()
    except RuleError as error:
        flash(error.message, "warning")
        return _back_to_editor(worksheet_id, anchor if isinstance(anchor, str) else None)
    flash(success, "success")
    return _back_to_editor(worksheet_id, anchor(result) if callable(anchor) else anchor)


@bp.post("/worksheets/<ta_id:worksheet_id>/details")
@counselor_required
def worksheet_details(worksheet_id):
    form = DetailsForm()
    if not form.validate_on_submit():
        return edit_worksheet(worksheet_id, details_form=form, status=422)
    return _apply(lambda: worksheet_builder.update_details(
        signed_in_user(), worksheet_id, title=form.title.data, purpose=form.purpose.data,
        estimated_minutes=form.estimated_minutes.data, stage=form.stage.data,
        shared_with_practice=form.shared_with_practice.data), worksheet_id)


@bp.post("/worksheets/<ta_id:worksheet_id>/fields/<ta_ident:field_id>")
@counselor_required
def worksheet_field(worksheet_id, field_id):
    form = FieldForm(prefix=f"f-{field_id}")
    if not form.validate_on_submit():  # shown again as typed, each message beside its box
        form.field_id.data = field_id
        return edit_worksheet(worksheet_id, status=422, refused_field=form)
    changes = {name: form[name].data for name in ("label", "help", "required", "sensitive", "shared",
                                                    "min_label", "max_label")}
    for name in ("options", "columns"):
        if f"f-{field_id}-{name}" in request.form:
            changes[name] = form[name].data
    return _apply(lambda: worksheet_builder.update_field(signed_in_user(), worksheet_id, field_id, changes),
                  worksheet_id, lambda new_id: f"field-{new_id}")


@bp.post("/worksheets/<ta_id:worksheet_id>/fields/<ta_ident:field_id>/<any(up, down, remove):action>")
@counselor_required
def worksheet_field_action(worksheet_id, field_id, action):
    counselor = signed_in_user()
    if action == "remove":
        return _apply(lambda: worksheet_builder.remove_field(counselor, worksheet_id, field_id), worksheet_id,
                      success="The question was removed.")
    return _apply(lambda: worksheet_builder.move_field(counselor, worksheet_id, field_id, -1 if action == "up" else 1),
                  worksheet_id, f"field-{field_id}", success="Moved.")


@bp.post("/worksheets/<ta_id:worksheet_id>/fields")
@counselor_required
def worksheet_add_field(worksheet_id):
    worksheet_builder.editable(signed_in_user(), worksheet_id)  # not theirs: not found, before anything else
    form = AddFieldForm()
    return _apply(lambda: worksheet_builder.add_field(signed_in_user(), worksheet_id, form.type.data,
                                                       form.section_id.data or None),
                  worksheet_id, lambda new_id: f"field-{new_id}",
                  success="A question was added at the end of the part. Write its wording below.")


@bp.post("/worksheets/<ta_id:worksheet_id>/sections")
@counselor_required
def worksheet_add_section(worksheet_id):
    worksheet_builder.editable(signed_in_user(), worksheet_id)  # not theirs: not found, before anything else
    form = AddSectionForm()
    if not form.validate_on_submit():
        flash("Please give the part a title.", "warning")
        return _back_to_editor(worksheet_id)
    return _apply(lambda: worksheet_builder.add_section(signed_in_user(), worksheet_id, form.title.data),
                  worksheet_id, success="A new part was added.")


@bp.post("/worksheets/<ta_id:worksheet_id>/publish")
@counselor_required
def publish_worksheet(worksheet_id):
    return _apply(lambda: worksheet_builder.publish(signed_in_user(), worksheet_id), worksheet_id,
                  success="Published. You can now assign it; couples who already have it keep their version.")


def _preview(definition, back_url):
    """Every part and question, each labelled when only one partner sees it (the counselor's view)."""
    sections = [SectionView(index, section, list(section.fields)) for index, section in enumerate(definition.sections)]
    forms = [build_answer_form(view.fields, None, empty_answers()) for view in sections]
    return render_template("therapist_app/counselor/preview.html", definition=definition,
                           sections=list(zip(sections, forms, strict=True)), back_url=back_url,
                           only_for_labels=ONLY_FOR_LABELS)


@bp.get("/worksheets/<ta_id:worksheet_id>/preview")
@counselor_required
def preview_draft(worksheet_id):
    worksheet = worksheet_builder.editable(signed_in_user(), worksheet_id)
    return _preview(worksheet_builder.draft_of(worksheet), url_for(".edit_worksheet", worksheet_id=worksheet_id))


@bp.get("/worksheet-versions/<ta_id:version_id>/preview")
@counselor_required
def preview_version(version_id):
    version = worksheets.usable_version(signed_in_user(), version_id)
    return _preview(definition_of(version), url_for(".library"))


def _json_download(data: dict, filename: str):
    response = jsonify(data)
    response.headers["Content-Type"] = "application/fhir+json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/worksheet-versions/<ta_id:version_id>/questionnaire.json")
@counselor_required
def export_questionnaire(version_id):
    return _json_download(exports.questionnaire_for(signed_in_user(), version_id), f"questionnaire-{version_id}.json")


@bp.get("/responses/<ta_id:response_id>/fhir.json")
@counselor_required
def export_response(response_id):
    return _json_download(exports.response_for_counselor(signed_in_user(), response_id), f"response-{response_id}.json")
