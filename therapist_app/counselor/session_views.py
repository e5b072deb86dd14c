"""The counselor's session pages: schedule, reschedule, held/missed/cancel, notes, packet, summary,
settings and the calendar feed. Registered on the counselor blueprint."""
from flask import flash, make_response, redirect, render_template, request, url_for

from .. import access
from ..errors import RuleError
from ..negotiation import pdf_download
from ..security.identity import signed_in_user
from ..security.roles import counselor_required
from ..services import accounts, audit_log, calendar, couples, packets, sessions, summaries, topics
from ..timezones import format_local, to_local
from .session_forms import CalendarForm, ConfirmForm, CounselorSettingsForm, NotesForm, SessionForm
from . import bp


@bp.app_template_filter("ta_local")
def local_time(moment, zone_name=None, style="long"):
    """A UTC moment in the viewer's time zone: {{ appointment.starts_at | ta_local(user.timezone) }}."""
    return format_local(moment, zone_name, style)


def _details(form: SessionForm) -> sessions.SessionDetails:
    return sessions.SessionDetails(form.day.data, form.start_time.data, form.duration_minutes.data,
                                   form.mode.data, form.video_link.data)


_TOLD = {1: "One partner was emailed about it (only the time and how the session is held).",
         2: "Both partners were emailed about it (only the time and how the session is held)."}


def _flash_all(result) -> None:
    for warning in result.warnings:
        flash(warning, "warning")
    if result.partners_told:
        flash(_TOLD[result.partners_told], "info")


@bp.route("/couples/<ta_id:couple_id>/sessions/new", methods=["GET", "POST"])
@counselor_required
def schedule_session(couple_id):
    counselor = signed_in_user()
    couple = couples.writable_couple_for(counselor, couple_id)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            result = sessions.schedule(counselor, couple_id, _details(form))
        except RuleError as error:
            form.show_rule_error(error, "day")
        else:
            flash("The session is scheduled.", "success")
            _flash_all(result)
            return redirect(url_for(".session_page", appointment_id=result.appointment.id))
    return render_template("therapist_app/counselor/session_new.html", couple=couple, form=form,
                           zone=counselor.timezone), 422 if form.errors else 200


def _session_form(counselor, appointment, formdata=None):
    form = SessionForm(formdata=formdata)
    if formdata is None:
        local = to_local(appointment.starts_at, counselor.timezone)
        form.day.data, form.start_time.data = local.date(), local.time().replace(second=0, microsecond=0)
        form.duration_minutes.data, form.mode.data = appointment.duration_minutes, appointment.mode
        form.video_link.data = appointment.video_link
    return form


@bp.get("/sessions/<ta_id:appointment_id>")
@counselor_required
def session_page(appointment_id, session_form=None, notes_form=None, status=200):
    counselor = signed_in_user()
    appointment = sessions.session_for(counselor, appointment_id)
    audit_log.viewed(counselor, "view_session", appointment)
    notes = sessions.notes_of(appointment)
    return render_template(
        "therapist_app/counselor/session.html", appointment=appointment, couple=appointment.couple,
        number=sessions.number_of(appointment), zone=counselor.timezone, labels=sessions.STATUS_LABELS,
        topics=topics.topics_for_session(appointment), confirm=ConfirmForm(),
        session_form=session_form or _session_form(counselor, appointment),
        notes_form=notes_form or NotesForm(data=notes), summary=summaries.summary_of(appointment),
        writable=access.couple_writable(appointment.couple),
    ), status


@bp.post("/sessions/<ta_id:appointment_id>/edit")
@counselor_required
def reschedule_session(appointment_id):
    counselor = signed_in_user()
    appointment = sessions.session_for(counselor, appointment_id)
    form = _session_form(counselor, appointment, formdata=request.form)
    if form.validate_on_submit():
        try:
            result = sessions.reschedule(counselor, appointment_id, _details(form))
        except RuleError as error:
            form.show_rule_error(error, "day")
        else:
            flash("The session was changed." if result.changed else "Nothing was changed.",
                  "success" if result.changed else "info")
            _flash_all(result)
            return redirect(url_for(".session_page", appointment_id=appointment_id))
    return session_page(appointment_id, session_form=form, status=422)


@bp.post("/sessions/<ta_id:appointment_id>/<any(held, missed, cancelled, scheduled):status>")
@counselor_required
def session_status(appointment_id, status):
    counselor = signed_in_user()
    sessions.session_for(counselor, appointment_id)
    if ConfirmForm().validate_on_submit():
        try:
            result = sessions.set_status(counselor, appointment_id, status)
        except RuleError as error:
            flash(error.message, "warning")
        else:
            flash(f"Marked {sessions.STATUS_LABELS[status].lower()}.", "success")
            _flash_all(result)
    return redirect(url_for(".session_page", appointment_id=appointment_id))


@bp.post("/sessions/<ta_id:appointment_id>/notes")
@counselor_required
def session_notes(appointment_id):
    counselor = signed_in_user()
    sessions.session_for(counselor, appointment_id)
    form = NotesForm()
    if form.validate_on_submit():
        try:
            sessions.save_notes(counselor, appointment_id, {n: form[n].data for n in sessions.NOTE_PARTS})
        except RuleError as error:
            form.show_rule_error(error, "worked_on")
        else:
            flash("Session notes saved. Only you can read them.", "success")
            return redirect(url_for(".session_page", appointment_id=appointment_id))
    return session_page(appointment_id, notes_form=form, status=422)


@bp.get("/sessions/<ta_id:appointment_id>/prep.pdf")
@counselor_required
def session_prep_packet(appointment_id):
    full = request.args.get("history") == "full"
    pdf = packets.session_packet_pdf(signed_in_user(), appointment_id, full_history=full)
    return pdf_download(pdf, f"session-prep-{appointment_id}{'-full' if full else ''}.pdf")


@bp.route("/settings", methods=["GET", "POST"])
@counselor_required
def counselor_settings():
    counselor = signed_in_user()
    form = CounselorSettingsForm(obj=counselor)
    if form.validate_on_submit():
        try:
            accounts.set_timezone(counselor, form.timezone.data)
        except RuleError as error:
            form.timezone.errors.append(error.message)
        else:
            flash("Your time zone is saved.", "success")
            return redirect(url_for(".counselor_settings"))
    feed = calendar.feed_of(counselor)
    return render_template("therapist_app/counselor/settings.html", form=form, feed=feed, confirm=ConfirmForm(),
                           calendar_form=CalendarForm(obj=feed)), 422 if form.errors else 200


@bp.post("/settings/calendar")
@counselor_required
def calendar_settings():
    form = CalendarForm()
    if form.validate_on_submit():
        calendar.set_show_names(signed_in_user(), form.show_names.data)
        flash("Calendar settings saved.", "success")
    return redirect(url_for(".counselor_settings"))


@bp.post("/settings/calendar/rotate")
@counselor_required
def rotate_calendar_token():
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".counselor_settings"))
    token = calendar.rotate_token(signed_in_user())
    # Shown once, on this response only: it is stored as a hash.
    return render_template("therapist_app/counselor/calendar_link.html",
                           link=url_for(".calendar_feed", token=token, _external=True))


@bp.get("/calendar/<token>.ics")
def calendar_feed(token):
    """No sign-in: calendar apps fetch this. The token is the key; a wrong one is a plain 404."""
    response = make_response(calendar.counselor_feed(token))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    return response
