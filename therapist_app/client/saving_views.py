"""The posts that change a partner's answers: a section's Save (no JavaScript), autosave and the
save a page sends as it leaves (quick exit's too), readiness, skipping what is left blank, and submit."""
from flask import flash, jsonify, redirect, request, url_for
from flask import session as browser_session
from flask_wtf.csrf import generate_csrf

from ..engine.forms import answers_from_form, build_answer_form
from ..errors import ConflictError, NotFoundError, RuleError
from ..extensions import session as db_session
from ..security import identity
from ..security.identity import signed_in_user
from ..security.roles import client_required
from ..services import accounts, page_saves, responses
from . import bp, presenters
from .forms import ReadinessForm, ReviewForm
from .views import JUST_SENT, render_section, section_index, sections_of


@bp.post("/homework/<ta_id:assignment_id>")
@client_required
def save_section(assignment_id):
    """The no-JavaScript path: Save, Save and continue, or Review. Same service as autosave."""
    user = signed_in_user()
    page, index, form, values, states, errors = _posted_section(user, assignment_id)
    try:
        responses.save_draft(user, assignment_id, values, states, _int(request.form.get("revision")), opened=page)
    except ConflictError as conflict:
        page = responses.open_worksheet(user, assignment_id)
        flash(conflict.message, "warning")
        return render_section(page, index, form=form, status=409,
                               conflicts=presenters.conflict_texts(page, conflict.current))
    if errors or form.csrf_token.errors:
        page = responses.open_worksheet(user, assignment_id)
        return render_section(page, index, form=form, status=422)
    action = request.form.get("action", "save")
    if action == "next":
        return redirect(url_for(".exercise", assignment_id=assignment_id, section=index + 1, edit=1))
    if action == "review":
        return redirect(url_for(".review", assignment_id=assignment_id))
    if action == "pause":
        flash("Saved. You can come back to this whenever you are ready.", "success")
        return redirect(url_for(".homework"))
    flash("Saved.", "success")
    return redirect(url_for(".exercise", assignment_id=assignment_id, section=index, edit=1))


def _posted_section(user, assignment_id):
    """The posted answers of one section, parsed by the form built from the worksheet."""
    page = responses.open_worksheet(user, assignment_id, with_partner=False)
    index = section_index(page, request.args.get("section"))
    section = sections_of(page, index)[index]
    form = build_answer_form(section.fields, page.role, page.answers, formdata=request.form)
    form.validate()
    values, states, errors = answers_from_form(form, section.fields)
    return page, index, form, values, states, errors


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


@bp.post("/homework/<ta_id:assignment_id>/draft")
@client_required
def autosave(assignment_id):
    """Autosave from the page's script: the same form fields, answered in JSON."""
    user = signed_in_user()
    if request.args.get("sign_out") == "1":
        return _save_then_sign_out(user, assignment_id)
    page, _, _, values, states, errors = _posted_section(user, assignment_id)
    try:
        response = responses.save_draft(user, assignment_id, values, states, _int(request.form.get("revision")),
                                        opened=page, page_save=page_saves.posted(request.form))
    except ConflictError as conflict:
        return jsonify(ok=False, error="conflict", message=conflict.message, revision=conflict.current_revision,
                       theirs=presenters.conflict_texts(page, conflict.current)), 409
    return jsonify(ok=not errors, revision=response.revision, errors=errors,
                   saved_at=response.updated_at.isoformat(), csrf_token=generate_csrf())


def _save_then_sign_out(user, assignment_id):
    """Quick exit with typing not yet saved: saved if it can be (a conflict's words are kept aside, as
    always), and signed out whatever the save met: a safety exit never leaves the session open."""
    try:
        page, _, _, values, states, errors = _posted_section(user, assignment_id)
        responses.save_draft(user, assignment_id, values, states, _int(request.form.get("revision")),
                             opened=page, page_save=page_saves.posted(request.form))
        saved = not errors
    except (RuleError, NotFoundError):  # a conflict (kept aside), a closed exercise, a withdrawn one
        db_session.rollback()
        saved = False
    finally:
        db_session.rollback()  # whatever the save met (a busy database too), the sign-out must go through
        accounts.sign_out(user, request.remote_addr)
        identity.sign_out()
        identity.end_browser_session()
    return jsonify(ok=saved)


@bp.post("/homework/<ta_id:assignment_id>/readiness")
@client_required
def readiness(assignment_id):
    form = ReadinessForm()
    if form.validate_on_submit():
        responses.set_readiness(signed_in_user(), assignment_id, request.form.get("ready") == "yes")
    if request.form.get("ready") == "yes":
        return redirect(url_for(".exercise", assignment_id=assignment_id, edit=1, ready=1))
    flash("That's completely fine. Nothing changes until you feel ready, and you can change your mind any time.",
          "info")
    return redirect(url_for(".homework"))


@bp.post("/homework/<ta_id:assignment_id>/skip-unanswered")
@client_required
def skip_unanswered(assignment_id):
    responses.skip_unanswered(signed_in_user(), assignment_id)
    return redirect(url_for(".review", assignment_id=assignment_id))


@bp.post("/homework/<ta_id:assignment_id>/submit")
@client_required
def submit(assignment_id):
    user = signed_in_user()
    try:
        page = responses.open_worksheet(user, assignment_id)
        form = presenters.review_form(page, ReviewForm())
        if not form.validate_on_submit():
            flash("Please review your answers once more.", "warning")
            return redirect(url_for(".review", assignment_id=assignment_id))
        responses.submit(user, assignment_id, form.hold_back.data or [], int(form.revision.data))
    except RuleError as error:
        flash(error.message, "warning")
        return redirect(url_for(".review", assignment_id=assignment_id))
    if page.definition.policy.hidden_once_sent:  # the page after sending may show crisis resources, once
        browser_session[JUST_SENT] = assignment_id
    flash("Submitted. Thank you for the care you put into this.", "success")
    # safe=1: the partner has just answered; asking "is it safe?" again here would only confuse.
    return redirect(url_for(".exercise", assignment_id=assignment_id, safe=1))
