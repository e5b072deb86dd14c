"""The partner's session pages: topics for next time, the next session's calendar file, summaries.
Registered on the client blueprint."""
from flask import flash, make_response, redirect, render_template, url_for

from .. import paging
from ..access import ARCHIVED_FOR_PARTNER, couple_of_partner
from ..errors import RuleError
from ..negotiation import pdf_download
from ..security.identity import signed_in_user
from ..security.roles import client_required
from ..services import audit_log, calendar, summaries, topics
from ..services.portal import session_corner
from .session_forms import ConfirmForm, TopicForm
from . import bp


@bp.route("/topics", methods=["GET", "POST"])
@client_required
def topics_page():
    partner = signed_in_user()
    form = TopicForm()
    if form.validate_on_submit():
        try:
            topic = topics.add_topic(partner, form.text.data, form.visibility.data)
        except RuleError as error:
            form.show_rule_error(error, "text")
        else:
            flash("Added. Your counselor will see it before your next session." if topic.visibility == "counselor"
                  else "Added. Your counselor and your partner will see it.", "success")
            return redirect(url_for(".homework") + "#topics-heading")
    corner = session_corner(partner, couple_of_partner(partner))
    return render_template("therapist_app/client/topics.html", form=form, corner=corner, confirm=ConfirmForm(),
                           archived_note=ARCHIVED_FOR_PARTNER), 422 if form.errors else 200


@bp.post("/topics/<ta_id:topic_id>/withdraw")
@client_required
def withdraw_topic(topic_id):
    if ConfirmForm().validate_on_submit():
        try:
            topics.withdraw_topic(signed_in_user(), topic_id)
        except RuleError as error:
            flash(error.message, "info")
        else:
            flash("Withdrawn. It is gone for everyone.", "success")
    return redirect(url_for(".homework"))


@bp.get("/sessions/next.ics")
@client_required
def next_session_ics():
    response = make_response(calendar.partner_next_session_ics(signed_in_user()))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@bp.get("/summaries")
@client_required
def summaries_list():
    page = paging.page_asked()
    listed = summaries.partner_summaries(signed_in_user(), max(page, 1))
    pages = paging.page_count(listed.total, summaries.SUMMARIES_PER_PAGE)
    return (paging.elsewhere(".summaries_list", page, pages)
            or render_template("therapist_app/client/summaries.html", listed=listed, page=page, pages=pages))


@bp.get("/summaries/<ta_id:summary_id>")
@client_required
def summary(summary_id):
    item = summaries.partner_summary(signed_in_user(), summary_id)
    audit_log.viewed(signed_in_user(), "view_session_summary", item.summary)
    return render_template("therapist_app/client/summary.html", item=item, view=item.view)


@bp.get("/summaries/<ta_id:summary_id>.pdf")
@client_required
def summary_pdf(summary_id):
    item = summaries.partner_summary(signed_in_user(), summary_id)
    pdf = summaries.summary_pdf(item.view)
    audit_log.viewed(signed_in_user(), "print_session_summary", item.summary)
    return pdf_download(pdf, "session-summary.pdf")
