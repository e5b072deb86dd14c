"""The counselor's pages: caseload, a couple, assigning homework, reading answers, printing."""
from flask import flash, redirect, render_template, request, url_for

from .. import access
from ..errors import RuleError
from ..pdf.worker import RenderTimeout
from ..models.couple import STAGES
from ..negotiation import pdf_download
from ..security.identity import signed_in_user
from ..security.roles import counselor_required
from ..services import (assignments, audit_log, couples, dashboard as day_service, measures, packets,
                        releases, reviews, series, timeline, worksheets)
from ..services.couples import PartnerDetails
from .care_forms import CareForm
from .forms import AddCoupleForm, AgreementForm, AssignForm, MarkReviewedForm, PacingForm, SearchForm, SharingForm
from . import bp
from .invitation_views import hand_over



@bp.errorhandler(RuleError)
def not_possible_now(error):
    """A rule a page did not catch itself (a summary of a cancelled session, say): the rule's own
    words on a calm page, never a server error."""
    return render_template("therapist_app/counselor/not_possible.html", message=error.message), 409


@bp.errorhandler(RenderTimeout)
def document_took_too_long(error):
    """A packet or summary that would not finish laying out: say so plainly; nothing is lost."""
    return render_template("therapist_app/counselor/document_too_long.html"), 503


@bp.route("/", methods=["GET", "POST"])
@counselor_required
def dashboard():
    """The counselor's day. Search by name is posted, so that names never appear in a URL."""
    counselor = signed_in_user()
    form = SearchForm(request.form if request.method == "POST" else None)
    search = form.q.data if request.method == "POST" and form.validate() else ""
    name_filter = request.args.get("show", "all")
    day = day_service.counselor_day(counselor, name_filter, search)
    return render_template("therapist_app/counselor/dashboard.html", day=day, stage_names=STAGES, form=form,
                           name_filter=name_filter, risk_count=day.risk_total)


@bp.route("/couples/new", methods=["GET", "POST"])
@counselor_required
def add_couple():
    form = AddCoupleForm()
    if form.validate_on_submit():
        try:
            created = couples.add_couple(
                signed_in_user(),
                PartnerDetails(form.a_name.data, form.a_email.data or None),
                PartnerDetails(form.b_name.data, form.b_email.data or None),
                hurt_partner=form.hurt_partner.data or None,
            )
        except RuleError as error:
            getattr(form, error.field or "a_email").errors.append(error.message)
        else:
            if created.paper_links:
                return hand_over(created.couple.id, created.paper_links)
            flash("The couple was added and both partners were invited.", "success")
            return redirect(url_for(".couple", couple_id=created.couple.id))
    return render_template("therapist_app/counselor/add_couple.html", form=form)


def _assign_form(counselor, couple, formdata=None):
    form = AssignForm(formdata=formdata)
    library = worksheets.library_for(counselor)
    fits, ahead = assignments.library_by_fit(couple, library)
    form.worksheet.choices = {
        f"Fits stage {couple.stage} now": [(v.id, label) for v, label in fits],
        "Later stages (assigning one warns you)": [(v.id, label) for v, label in ahead],
    }
    form.assignee.choices = [("both", "Both partners, each their own copy")] + [
        (str(p.id), f"Only {p.display_name}") for p in couple.partners
    ]
    return form


def _pacing_form(couple, formdata=None):
    form = PacingForm(formdata=formdata, obj=couple)
    form.hurt_partner.choices = [("", "Not set")] + [(str(p.id), p.display_name) for p in couple.partners]
    if formdata is None:
        form.hurt_partner.data = str(couple.hurt_partner_id or "")
    return form


@bp.get("/couples/<ta_id:couple_id>")
@counselor_required
def couple(couple_id, assign_form=None, pacing_form=None, status=200):
    counselor = signed_in_user()
    whole_timeline = request.args.get("timeline") == "all"
    # The whole timeline tells of every assignment, so it needs them all too.
    everything = whole_timeline or request.args.get("homework") == "all"
    homework = reviews.couple_homework(counselor, couple_id, everything)  # through access: 404 for anyone else
    couple, rows = homework.couple, homework.rows
    audit_log.viewed(counselor, "view_couple", couple)
    return render_template(
        "therapist_app/counselor/couple.html", couple=couple, rows=rows, homework=homework, stage_names=STAGES,
        gate_note=assignments.gate_warning(couple, homework.waiting),
        measures=measures.couple_measures(counselor, couple),
        sessions_panel=timeline.couple_sessions(couple, rows, whole_timeline, homework.all_shown,
                                                all_sessions=request.args.get("sessions") == "all"),
        repeating=series.repeating_for(couple),
        assign_form=assign_form or _assign_form(counselor, couple),
        pacing_form=pacing_form or _pacing_form(couple), writable=access.couple_writable(couple), care_form=CareForm(),
    ), status


@bp.post("/couples/<ta_id:couple_id>/assign")
@counselor_required
def assign(couple_id):
    counselor = signed_in_user()
    couple_obj = couples.writable_couple_for(counselor, couple_id)
    form = _assign_form(counselor, couple_obj, formdata=request.form)
    if form.validate_on_submit():
        try:
            result = series.assign_with_repeat(
                counselor, couple_id, form.worksheet.data, _repeat_choice(form),
                assignee_id=None if form.assignee.data == "both" else int(form.assignee.data),
                due_date=form.due_date.data, note=form.note.data, release_mode=form.release.data or None,
            )
        except RuleError as error:
            {"due_date": form.due_date, "assignee": form.assignee, "release": form.release, "repeat": form.repeat,
             "repeat_until": form.repeat_until, "repeat_count": form.repeat_count,
             }.get(error.field, form.worksheet).errors.append(error.message)
        else:
            flash("The exercise was assigned.", "success")
            if result.warning:
                flash(result.warning, "warning")
            return redirect(url_for(".couple", couple_id=couple_id))
    return couple(couple_id, assign_form=form, status=422)


def _repeat_choice(form) -> series.RepeatChoice:
    weekday = form.repeat_weekday.data
    return series.RepeatChoice(form.repeat.data, int(weekday) if weekday else None, form.repeat_until.data,
                               form.repeat_count.data)


@bp.post("/series/<ta_id:series_id>/<any(cancel, newest):action>")
@counselor_required
def change_series(series_id, action):
    """Stop a repeating exercise (those already given stay), or use the worksheet's newest version."""
    if action == "cancel":
        changed = series.cancel_series(signed_in_user(), series_id)
        flash("It will not repeat any more. Homework already given stays, with everything written.", "info")
    else:
        changed = series.use_newest_version(signed_in_user(), series_id)
        flash("From the next one, the newest version is given.", "success")
    return redirect(url_for(".couple", couple_id=changed.couple_id))


@bp.post("/couples/<ta_id:couple_id>/pacing")
@counselor_required
def pacing(couple_id):
    counselor = signed_in_user()
    couple_obj = couples.couple_for(counselor, couple_id)
    form = _pacing_form(couple_obj, formdata=request.form)
    if form.validate_on_submit():
        couples.set_pacing(
            counselor, couple_id, stage=form.stage.data, intimacy_unlocked=form.intimacy_unlocked.data,
            joint_paused=form.joint_paused.data,
            hurt_partner_id=int(form.hurt_partner.data) if form.hurt_partner.data else None,
        )
        flash("Saved.", "success")
        return redirect(url_for(".couple", couple_id=couple_id))
    return couple(couple_id, pacing_form=form, status=422)


@bp.post("/assignments/<ta_id:assignment_id>/cancel")
@counselor_required
def cancel_assignment(assignment_id):
    assignment = assignments.cancel(signed_in_user(), assignment_id)
    flash("The assignment was cancelled. Nothing the partners wrote was deleted.", "info")
    return redirect(url_for(".couple", couple_id=assignment.couple_id))


def _sharing_form(view, formdata=None):
    form = SharingForm(formdata=formdata)
    form.shared.choices = [(row.field.id, row.field.label) for row in view.rows]
    if formdata is None:
        form.shared.data = [row.field.id for row in view.rows if row.visibility == "shared"]
    return form


@bp.get("/assignments/<ta_id:assignment_id>")
@counselor_required
def answers(assignment_id, sharing_form=None, status=200, kept=None):
    """`kept` holds text refused on this page ({"comment:<response id>" or "agreement:<field id>": (text,
    message)}), shown again in its box with the message beside it, so nothing typed is lost."""
    counselor = signed_in_user()
    view = reviews.answers_for_counselor(counselor, assignment_id)
    return render_template("therapist_app/counselor/answers.html", view=view, review_form=MarkReviewedForm(),
                           sharing_form=sharing_form or _sharing_form(view), agreement_form=AgreementForm(),
                           kept=kept or {}, previews=releases.previews(counselor, view.assignment),
                           couple=view.assignment.couple, writable=access.couple_writable(view.assignment.couple)), status


@bp.post("/assignments/<ta_id:assignment_id>/release")
@counselor_required
def release(assignment_id):
    """Releases answers the counselor has read: the ticked ones, or all of them."""
    if MarkReviewedForm().validate_on_submit():
        everything = request.form.get("action") == "all"
        try:
            released = releases.release(signed_in_user(), assignment_id,
                                        None if everything else request.form.getlist("answer"))
        except RuleError as error:
            flash(error.message, "warning")
        else:
            flash(released.message, "success")
    return redirect(url_for(".answers", assignment_id=assignment_id))


@bp.post("/assignments/<ta_id:assignment_id>/sharing")
@counselor_required
def sharing(assignment_id):
    view = reviews.answers_for_counselor(signed_in_user(), assignment_id)
    form = _sharing_form(view, formdata=request.form)
    if form.validate_on_submit():
        try:
            assignments.set_sharing(signed_in_user(), assignment_id, form.shared.data or [])
        except RuleError as error:
            form.shared.errors.append(error.message)
        else:
            flash("Sharing settings saved.", "success")
            return redirect(url_for(".answers", assignment_id=assignment_id))
    return answers(assignment_id, sharing_form=form, status=422)


@bp.post("/assignments/<ta_id:assignment_id>/agreement")
@counselor_required
def agreement(assignment_id):
    form = AgreementForm()
    if form.validate_on_submit():
        try:
            assignments.record_agreement(signed_in_user(), assignment_id, form.field_id.data, form.wording.data)
        except RuleError as error:
            return answers(assignment_id, kept={f"agreement:{form.field_id.data}": (form.wording.data, error.message)},
                           status=422)
        flash("The agreed wording is saved; both partners see it with this exercise.", "success")
        return redirect(url_for(".answers", assignment_id=assignment_id))
    return answers(assignment_id, kept={f"agreement:{form.field_id.data}": (form.wording.data, form.wording.errors[0])},
                   status=422)


@bp.post("/responses/<ta_id:response_id>/reviewed")
@counselor_required
def mark_reviewed(response_id):
    form = MarkReviewedForm()
    response = reviews.response_for(signed_in_user(), response_id)
    if not form.validate_on_submit():
        return answers(response.assignment_id, kept={f"comment:{response_id}": (form.comment.data, form.comment.errors[0])},
                       status=422)
    try:
        reviews.mark_reviewed(signed_in_user(), response_id, form.comment.data)
    except RuleError as error:
        flash(error.message, "warning")
    else:
        flash("Marked as reviewed.", "success")
    return redirect(url_for(".answers", assignment_id=response.assignment_id))


@bp.get("/couples/<ta_id:couple_id>/prep.pdf")
@counselor_required
def prep_packet(couple_id):
    full = request.args.get("history") == "full"
    pdf = packets.prep_packet_pdf(signed_in_user(), couple_id, full_history=full)
    return pdf_download(pdf, f"session-prep-{couple_id}{'-full' if full else ''}.pdf")
