"""The couple's portal: homework list, answering section by section, autosave, review and submit."""
from flask import flash, jsonify, make_response, redirect, render_template, request, send_file, url_for
from flask import session as browser_session

from .. import access, paging
from ..engine.completeness import ANSWER_NEEDED
from ..engine.forms import ANSWER_PREFIX, build_answer_form
from ..engine.presentation import sections_for, sections_that_may_follow
from ..errors import RuleError
from ..negotiation import wants_json
from ..security.identity import signed_in_user
from ..security.roles import client_required
from ..charts import trend_svg
from ..services import (accounts, audit_log, checkins, couple_records, homework_list, page_saves, private_check_in,
                        responses)
from ..services.portal import session_corner
from ..services.crisis import crisis_for
from . import presenters
from .forms import AddendumForm, PreferencesForm, ReadinessForm, ReviewForm
from .session_forms import ConfirmForm, TopicForm
from . import bp



@bp.errorhandler(RuleError)
def not_open(error):
    """An exercise this partner may see but not use now (closed, paused, locked, reviewed)."""
    if wants_json():
        return jsonify(ok=False, error="closed", message=error.message), 409
    return render_template("therapist_app/client/not_open.html", message=error.message), 409


@bp.context_processor
def crisis_footer():
    user = signed_in_user()
    if user is None:
        return {}
    note, resources = crisis_for(user.practice)
    return {"crisis_note": note, "crisis": resources}


@bp.get("/")
@client_required
def homework():
    partner = signed_in_user()
    listed = homework_list.homework_for(partner)
    series = checkins.own_trust_series(partner, checkins.PORTAL_METRICS, latest=checkins.RECENT_CHECK_INS)
    return render_template("therapist_app/client/homework.html", listed=listed, couple=listed.couple,
                           writable=access.couple_writable(listed.couple), paused=listed.couple.joint_paused,
                           waiting=responses.WAITING if listed.waiting else None,
                           corner=session_corner(partner, listed.couple), topic_form=TopicForm(),
                           confirm=ConfirmForm(), **_check_in_chart(series))


def _check_in_chart(series) -> dict:
    chart = trend_svg(series, checkins.PORTAL_METRICS, "My weekly check-in ratings over time") if series else None
    return {"series": series, "chart": chart, "metrics": checkins.PORTAL_METRICS}


@bp.get("/done")
@client_required
def finished():
    """Everything this partner has submitted, newest first, a page at a time (My homework shows the latest)."""
    page = paging.page_asked()
    listed = homework_list.finished_for(signed_in_user(), max(page, 1))
    pages = paging.page_count(listed.done_total, homework_list.FINISHED_PER_PAGE)
    return (paging.elsewhere(".finished", page, pages)
            or render_template("therapist_app/client/finished.html", listed=listed, page=page, pages=pages))


@bp.get("/check-ins")
@client_required
def check_in_history():
    """All of this partner's own check-in ratings, as a chart and a table (My homework charts the latest)."""
    series = checkins.own_trust_series(signed_in_user(), checkins.PORTAL_METRICS)
    return render_template("therapist_app/client/check_ins.html", **_check_in_chart(series))


@bp.route("/settings", methods=["GET", "POST"])
@client_required
def settings():
    partner = signed_in_user()
    form = PreferencesForm(obj=partner)
    if form.validate_on_submit():
        try:
            accounts.update_preferences(partner, email_reminders=form.email_reminders.data,
                                        reminder_hour=form.reminder_hour.data, timezone=form.timezone.data)
        except RuleError as error:  # a zone not on the list: said next to the field
            form.timezone.errors.append(error.message)
            return render_template("therapist_app/client/settings.html", form=form), 422
        flash("Your preferences are saved.", "success")
        return redirect(url_for(".settings"))
    return render_template("therapist_app/client/settings.html", form=form)


def sections_of(page, index=None):
    """The sections as this partner's saved answers shape them (show_if); in section `index`,
    questions that depend on an answer in that same section stay, for the page to show live."""
    return sections_for(page.definition, page.role, page.answers, within=index)


def section_index(page, requested) -> int:
    count = len(sections_of(page))
    try:
        return min(max(int(requested or 0), 0), max(count - 1, 0))
    except ValueError:
        return 0


def render_section(page, index, form=None, status=200, conflicts=None, kept=None):
    sections = sections_of(page, index)
    section = sections[index]
    if form is None:
        form = build_answer_form(section.fields, page.role, page.answers)
        for field_id, message in page.too_long.items():  # kept as typed: it says why beside it, every time
            if ANSWER_PREFIX + field_id in form:
                form[ANSWER_PREFIX + field_id].errors = [message]
    return render_template(
        "therapist_app/client/exercise.html", page=page, sections=sections, section=section, form=form,
        may_follow=sections_that_may_follow(page.definition, page.role, page.answers, sections),
        revision=page.response.revision if page.response else 0,
        visibility=presenters.visibility_notes(page), conflicts=conflicts or {}, kept=kept or {},
        crisis_panel=presenters.crisis_panel(page, page.answers),
    ), status


# Set by the page's script while it has typing not yet saved, and as it unloads:
# "<assignment id>:<revision it had>:<page id>:<number of the save that carries that typing>".
SAVE_IN_FLIGHT_COOKIE = "ta_unload_save"


def _await_unload_save(assignment_id) -> tuple[bool, page_saves.PageSave | None]:
    """Whether the request carried the marker, and the leaving save it waited for (if it names one)."""
    marker = request.cookies.get(SAVE_IN_FLIGHT_COOKIE, "")
    posted_for, revision, page, number = (marker.split(":") + ["", "", ""])[:4]
    if posted_for != str(assignment_id) or not revision.isdigit():
        return bool(marker), None
    leaving = page_saves.page_save_of(page, number)
    page_saves.await_save_in_flight(signed_in_user(), assignment_id, int(revision), leaving)
    return True, leaving


@bp.get("/homework/<ta_id:assignment_id>")
@client_required
def exercise(assignment_id):
    marked, leaving = _await_unload_save(assignment_id)
    if marked:
        response = make_response(_exercise_page(assignment_id, leaving))
        response.delete_cookie(SAVE_IN_FLIGHT_COOKIE, path="/")
        return response
    return _exercise_page(assignment_id)


def _exercise_page(assignment_id, leaving=None):
    page = responses.open_worksheet(signed_in_user(), assignment_id)
    if not page.writable:
        return _read_only_page(page)
    if page.held:
        return render_template("therapist_app/client/not_open.html", message=responses.HELD), 200
    gate = presenters.gate_for(page, request.args)
    if gate:
        return render_template(f"therapist_app/client/gate_{gate}.html", page=page, form=ReadinessForm())
    if presenters.is_sent_check_in(page):
        return _sent_check_in_page(page)
    # A reviewed answer can't be changed: an edit page kept in the history or reached by Back opens as
    # the submitted page, never as a form whose typing the save would then refuse.
    if page.response is not None and page.response.is_submitted and (
            request.args.get("edit") != "1" or page.response.reviewed_at is not None):
        # Logged: this page shows the other partner's shared answers once both have submitted.
        audit_log.viewed(signed_in_user(), "view_exercise", page.assignment)
        return render_template("therapist_app/client/submitted.html", page=page,
                               mine=presenters.answer_list(page, page.response.submitted),
                               theirs=presenters.partner_answer_list(page))
    requested = request.args.get("section")
    # Back from a reload whose last save met a newer answer from another window: that save was kept
    # aside, not written; its words are shown to their author beside the answer, to take what they want.
    kept = presenters.conflict_texts(page, page_saves.kept_aside_from(page.response, leaving))
    return render_section(page, section_index(page, presenters.where_they_stopped(page) if requested is None
                                              else requested), kept=kept)


def _read_only_page(page):
    """An archived couple's exercise: what this partner wrote (sent, or saved but not sent) and what
    was shared with them, with nothing to press. A sent private check-in stays unshown, as always."""
    if presenters.is_sent_check_in(page):
        return _sent_check_in_page(page, readable_only=True)
    if page.response is None or page.response.revision == 0 or page.definition.policy.hidden_once_sent:
        return render_template("therapist_app/client/not_open.html", message=access.ARCHIVED_FOR_PARTNER), 200
    answers = page.response.submitted if page.response.is_submitted else page.answers
    return render_template("therapist_app/client/submitted.html", page=page, archived=True,
                           mine=presenters.answer_list(page, answers), theirs=presenters.partner_answer_list(page))


# Set by submit for the page it redirects to, and taken by that page: "the partner has just sent this".
JUST_SENT = "ta_just_sent"


def _sent_check_in_page(page, form=None, status=200, readable_only=False):
    """After a private check-in is sent its answers are never shown again: phones are shared. Crisis
    resources for a self-harm answer show on the page right after sending only; on a later visit they
    would tell whoever holds the phone what was answered."""
    just_sent = browser_session.pop(JUST_SENT, None) == page.assignment.id
    return render_template("therapist_app/client/check_in_sent.html", page=page,
                           form=None if readable_only else form or AddendumForm(),
                           crisis_panel=presenters.crisis_panel(page, page.response.submitted) if just_sent else None
                           ), status


@bp.post("/homework/<ta_id:assignment_id>/addendum")
@client_required
def addendum(assignment_id):
    user = signed_in_user()
    form = AddendumForm()
    if form.validate_on_submit():
        private_check_in.add_addendum(user, assignment_id, form.text.data)
        flash("Added. Your counselor will read it.", "success")
        return redirect(url_for(".exercise", assignment_id=assignment_id, safe=1))
    page = responses.open_worksheet(user, assignment_id)
    if not presenters.is_sent_check_in(page):
        return redirect(url_for(".exercise", assignment_id=assignment_id))
    return _sent_check_in_page(page, form, 422)


@bp.route("/homework/<ta_id:assignment_id>/review", methods=["GET"])
@client_required
def review(assignment_id):
    page = responses.open_worksheet(signed_in_user(), assignment_id)
    if presenters.is_sent_check_in(page) or not page.writable:
        return redirect(url_for(".exercise", assignment_id=assignment_id, safe=1))
    form = presenters.review_form(page, ReviewForm())
    too_long = page.too_long  # worked out from the fields and answers: once, for the notice and its link
    return render_template("therapist_app/client/review.html", page=page, form=form, missing=page.missing,
                           too_long=too_long, too_long_part=presenters.part_with(page, too_long),
                           answer_needed=ANSWER_NEEDED, items=presenters.answer_list(page, page.answers),
                           crisis_panel=presenters.crisis_panel(page, page.answers))


@bp.get("/my-answers.zip")
@client_required
def download_answers():
    """The right of access: this partner's own answers, as CSV and JSON in a ZIP. Nothing of the
    other partner's. The file name says nothing about anyone."""
    export = couple_records.partner_answers_zip(signed_in_user(), request.remote_addr)
    return send_file(export.data, mimetype="application/zip", as_attachment=True, download_name=export.filename,
                     max_age=0)
