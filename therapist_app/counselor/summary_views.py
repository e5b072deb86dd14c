"""The counselor writes a session summary, previews each partner's copy, and publishes it."""
from flask import flash, redirect, render_template, request, url_for

from ..errors import RuleError
from ..negotiation import pdf_download
from ..security.identity import signed_in_user
from ..security.roles import counselor_required
from ..services import audit_log, summaries
from ..services.summaries import BOTH, SummaryDraft
from .session_forms import ConfirmForm, SummaryForm
from . import bp


def _summary_form(appointment, draft: SummaryDraft, choices, formdata=None):
    form = SummaryForm(formdata=formdata)
    form.agreements.choices = [(c.key, c.wording) for c in choices]
    for prefix, partner in zip(("a_", "b_"), appointment.couple.partners, strict=True):
        form[prefix + "worked_on"].label.text = f"What we worked on, for {partner.display_name}"
        form[prefix + "note"].label.text = f"A short note, for {partner.display_name}"
    if formdata is None:
        a, b = appointment.couple.partners
        form.per_partner.data = draft.per_partner
        for prefix, key in (("", BOTH), ("a_", a.id), ("b_", b.id)):
            form[prefix + "worked_on"].data = draft.part(key)["worked_on"]
            form[prefix + "note"].data = draft.part(key)["note"]
        form.agreements.data = [c.key for c in choices] if draft.agreements is None else draft.agreements
        form.extra_agreements.data = draft.extra_agreements
    return form


def _draft_from(form, appointment) -> SummaryDraft:
    a, b = appointment.couple.partners
    parts = {BOTH: {"worked_on": form.worked_on.data, "note": form.note.data},
             str(a.id): {"worked_on": form.a_worked_on.data, "note": form.a_note.data},
             str(b.id): {"worked_on": form.b_worked_on.data, "note": form.b_note.data}}
    return SummaryDraft(form.per_partner.data, parts, form.agreements.data or [], form.extra_agreements.data or "")


@bp.route("/sessions/<ta_id:appointment_id>/summary", methods=["GET", "POST"])
@counselor_required
def session_summary(appointment_id):
    counselor = signed_in_user()
    try:
        appointment, summary, draft = summaries.draft_for(counselor, appointment_id)
    except RuleError as error:
        flash(error.message, "warning")
        return redirect(url_for(".session_page", appointment_id=appointment_id))
    if request.method == "GET":
        audit_log.viewed(counselor, "view_session_summary", appointment)
    choices = summaries.agreement_choices(appointment)
    form = _summary_form(appointment, draft, choices, formdata=request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        try:
            summaries.save_draft(counselor, appointment_id, _draft_from(form, appointment))
        except RuleError as error:
            form.show_rule_error(error, "worked_on")
        else:
            flash("Saved. This is exactly what each partner will see.", "success")
            return redirect(url_for(".summary_preview", appointment_id=appointment_id))
    return render_template("therapist_app/counselor/summary_edit.html", appointment=appointment, summary=summary,
                           couple=appointment.couple, form=form), 422 if form.errors else 200


@bp.get("/sessions/<ta_id:appointment_id>/summary/preview")
@counselor_required
def summary_preview(appointment_id):
    try:
        appointment, summary, views = summaries.preview(signed_in_user(), appointment_id)
    except RuleError as error:
        flash(error.message, "warning")
        return redirect(url_for(".session_summary", appointment_id=appointment_id))
    audit_log.viewed(signed_in_user(), "view_summary_preview", appointment)
    return render_template("therapist_app/counselor/summary_preview.html", appointment=appointment, summary=summary,
                           views=views, confirm=ConfirmForm())


@bp.get("/sessions/<ta_id:appointment_id>/summary/preview/<ta_id:partner_id>.pdf")
@counselor_required
def summary_preview_pdf(appointment_id, partner_id):
    appointment, _, views = summaries.preview(signed_in_user(), appointment_id)
    view = next((v for p, v in views if p.id == partner_id), None)
    if view is None:
        return render_template("therapist_app/errors/not_found.html"), 404
    audit_log.viewed(signed_in_user(), "print_summary_preview", appointment)
    return pdf_download(summaries.summary_pdf(view), f"session-summary-{appointment_id}.pdf")


@bp.post("/sessions/<ta_id:appointment_id>/summary/publish")
@counselor_required
def publish_summary(appointment_id):
    if ConfirmForm().validate_on_submit():
        try:
            summaries.publish(signed_in_user(), appointment_id)
        except RuleError as error:
            flash(error.message, "warning")
            return redirect(url_for(".session_summary", appointment_id=appointment_id))
        flash("Published. Each partner can now read it under “Session summaries”.", "success")
    return redirect(url_for(".session_page", appointment_id=appointment_id))
