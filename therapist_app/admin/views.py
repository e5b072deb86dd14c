"""The practice admin's pages: counselors, practice settings, undelivered email, the audit log."""
from flask import Response, flash, redirect, render_template, request, url_for

from ..errors import RuleError
from ..security.identity import signed_in_user
from ..security.roles import admin_required
from ..services import audit_log, invitations, practice_admin, risk_language, undelivered
from .forms import AuditFilterForm, ConfirmForm, InviteCounselorForm, PracticeForm, RiskPhrasesForm
from . import bp


SELF_HARM_OFF_WARNING = ("The self-harm alert is now off: no counselor in this practice will be alerted when a "
                         "partner says they have thoughts of harming themselves. Partners still see crisis "
                         "resources at once. This change is recorded in the audit log.")


@bp.route("/counselors", methods=["GET", "POST"])
@admin_required
def counselors():
    admin = signed_in_user()
    form = InviteCounselorForm()
    if form.validate_on_submit():
        try:
            practice_admin.invite_counselor(admin, form.display_name.data, form.email.data)
        except RuleError as error:
            form.email.errors.append(error.message)
        else:
            flash("The counselor was invited by email.", "success")
            return redirect(url_for(".counselors"))
    listed = practice_admin.counselors_of(admin)
    return render_template("therapist_app/admin/counselors.html", form=form, confirm=ConfirmForm(), counselors=listed,
                           links=invitations.link_states([c for c in listed if not c.password_hash]))


@bp.post("/counselors/<ta_id:counselor_id>/invitation")
@admin_required
def reissue_counselor_invitation(counselor_id):
    """Emails a counselor who has not chosen a password yet a new link; the earlier one stops working."""
    if ConfirmForm().validate_on_submit():
        try:
            counselor = invitations.reissue_for_counselor(signed_in_user(), counselor_id, request.remote_addr)
        except RuleError as error:
            flash(error.message, "warning")
        else:
            flash(f"A new invitation was emailed to {counselor.display_name}. The earlier link no longer works.",
                  "success")
    return redirect(url_for(".counselors"))


@bp.route("/practice", methods=["GET", "POST"])
@admin_required
def practice():
    admin = signed_in_user()
    form = PracticeForm(obj=admin.practice)
    if form.validate_on_submit():
        try:
            practice_admin.update_practice(admin, name=form.name.data, country=form.country.data,
                                           paper_size=form.paper_size.data, footer_note=form.footer_note.data,
                                           default_timezone=form.default_timezone.data,
                                           require_two_factor=form.require_two_factor.data,
                                           joint_homework_gate=form.joint_homework_gate.data)
        except RuleError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            flash("Practice settings saved.", "success")
            return redirect(url_for(".practice"))
    return render_template("therapist_app/admin/practice.html", form=form, questions=practice_admin.risk_questions(),
                           choice=admin.practice.risk_answers or {}, confirm=ConfirmForm(), practice=admin.practice,
                           phrases_form=_phrases_form(admin.practice),
                           self_harm_off=practice_admin.self_harm_alert_off(admin.practice))


def _phrases_form(practice, formdata=None):
    form = RiskPhrasesForm(formdata=formdata)
    if formdata is None:
        form.phrases.data = "\n".join(risk_language.phrases_of(practice))
    return form


@bp.post("/practice/risk-phrases")
@admin_required
def risk_phrases():
    admin = signed_in_user()
    form = _phrases_form(admin.practice, request.form)
    if not form.validate_on_submit():
        return render_template("therapist_app/admin/practice.html", form=PracticeForm(obj=admin.practice),
                               questions=practice_admin.risk_questions(), choice=admin.practice.risk_answers or {},
                               confirm=ConfirmForm(), practice=admin.practice, phrases_form=form,
                               self_harm_off=practice_admin.self_harm_alert_off(admin.practice)), 422
    practice_admin.set_risk_phrases(admin, form.phrases.data)
    flash("Saved. Prep packets flag answers with these words from now on.", "success")
    return redirect(url_for(".practice"))


@bp.post("/practice/risk-answers")
@admin_required
def risk_answers():
    if ConfirmForm().validate_on_submit():
        chosen = {field.id: request.form.getlist(field.id) for field in practice_admin.risk_questions()}
        _, turned_off = practice_admin.set_risk_answers(signed_in_user(), chosen)
        flash("Saved. Check-ins submitted from now on use these settings.", "success")
        if turned_off:
            flash(SELF_HARM_OFF_WARNING, "warning")
    return redirect(url_for(".practice"))


@bp.post("/practice/risk-alert-emails")
@admin_required
def risk_alert_emails():
    if ConfirmForm().validate_on_submit():
        enabled = request.form.get("enabled") == "1"
        practice_admin.set_risk_alert_emails(signed_in_user(), enabled)
        flash("Counselors are emailed when a check-in needs attention." if enabled else
              "Alert emails are off. Counselors see risk answers only when they sign in, and in the morning digest.",
              "success" if enabled else "warning")
    return redirect(url_for(".practice"))


@bp.get("/undelivered")
@admin_required
def undelivered_email():
    return render_template("therapist_app/admin/undelivered.html", messages=undelivered.undelivered_for(signed_in_user()),
                           confirm=ConfirmForm())


@bp.post("/undelivered/<ta_id:message_id>/retry")
@admin_required
def retry_email(message_id):
    if ConfirmForm().validate_on_submit():
        undelivered.retry(signed_in_user(), message_id, request.remote_addr)
        flash("The email is back in the queue and will be tried again within a minute.", "success")
    return redirect(url_for(".undelivered_email"))



def _audit_filter(admin) -> tuple[AuditFilterForm, audit_log.AuditFilter]:
    """The filters from the address; one that does not read (a date like 2026-02-30) is shown with
    its message and left out, the others still apply."""
    form = AuditFilterForm(formdata=request.args)
    people, actions = audit_log.filter_choices(admin)
    form.actor.choices = [("", "Anyone")] + [(str(i), name) for i, name in people]
    form.action.choices = [("", "Anything")] + actions
    form.validate()
    chosen = audit_log.AuditFilter(
        start=None if form.start.errors else form.start.data,
        end=None if form.end.errors else form.end.data,
        actor_id=form.actor.data, action=None if form.action.errors else form.action.data or None)
    return form, chosen


@bp.get("/audit")
@admin_required
def audit_log_page():
    admin = signed_in_user()
    form, chosen = _audit_filter(admin)
    page = request.args.get("page", "1")
    result = audit_log.audit_page(admin, chosen, int(page) if page.isdigit() and len(page) < 9 else 1)
    filters = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("therapist_app/admin/audit.html", form=form, result=result, filters=filters)


@bp.get("/audit.csv")
@admin_required
def audit_log_csv():
    admin = signed_in_user()
    _, chosen = _audit_filter(admin)
    response = Response(audit_log.audit_csv(admin, chosen), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
