"""End of care on the counselor's side: archive or reactivate a couple, export everything, delete.
Registered on the counselor blueprint."""
from flask import flash, redirect, render_template, request, send_file, url_for

from ..errors import RuleError
from ..models.couple import STATUS_ARCHIVED
from ..security.identity import signed_in_user
from ..security.roles import counselor_required
from ..services import couple_records, end_of_care
from .care_forms import CareForm, DeleteCoupleForm
from . import bp


def archived_message(result) -> str:
    cancelled = result.cancelled_sessions
    sessions = (f" {cancelled} session{'s' if cancelled != 1 else ''} still to come {'were' if cancelled != 1 else 'was'} "
                "cancelled." if cancelled else "")
    return ("Archived. Their records are kept, read-only: nothing can be assigned, scheduled or changed, and no "
            f"reminders go out. The partners can still read what they wrote and download their answers.{sessions}")


REACTIVATED = "Reactivated. You can assign homework and schedule sessions again."


def change_care(actor, couple_id: int) -> None:
    """Archives or reactivates, as the posted form says; the outcome is flashed. The caller has
    checked that the couple is the actor's to change."""
    form = CareForm()
    if not form.validate_on_submit():
        flash("Nothing was changed. Please use the button on this page.", "warning")
        return
    try:
        if form.status.data == STATUS_ARCHIVED:
            flash(archived_message(end_of_care.archive(actor, couple_id, request.remote_addr)), "success")
        else:
            end_of_care.reactivate(actor, couple_id, request.remote_addr)
            flash(REACTIVATED, "success")
    except RuleError as error:
        flash(error.message, "warning")


@bp.post("/couples/<ta_id:couple_id>/care")
@counselor_required
def care_status(couple_id):
    counselor = signed_in_user()
    end_of_care.couple_for(counselor, couple_id)
    change_care(counselor, couple_id)
    return redirect(url_for(".couple", couple_id=couple_id))


@bp.get("/couples/<ta_id:couple_id>/export.zip")
@counselor_required
def export_couple(couple_id):
    export = couple_records.couple_zip(signed_in_user(), couple_id, request.remote_addr)
    return send_file(export.data, mimetype="application/zip", as_attachment=True, download_name=export.filename,
                     max_age=0)


def delete_page(actor, couple_id: int, back: str, done: str, can_export: bool):
    """The delete confirmation, for the counselor and the admin alike: the couple's name typed exactly."""
    couple = end_of_care.couple_for(actor, couple_id)
    form = DeleteCoupleForm()
    if form.validate_on_submit():
        try:
            end_of_care.delete_couple(actor, couple_id, form.confirm_name.data, request.remote_addr)
        except RuleError as error:
            form.confirm_name.errors.append(error.message)
        else:
            flash("Deleted. Everything of this couple is gone, both partners' accounts too. The audit log keeps "
                  "only that it happened, by whom and when.", "success")
            return redirect(done)
    return render_template("therapist_app/delete_couple.html", couple=couple, form=form, back=back,
                           can_export=can_export), 422 if form.errors else 200


@bp.route("/couples/<ta_id:couple_id>/delete", methods=["GET", "POST"])
@counselor_required
def delete_couple(couple_id):
    return delete_page(signed_in_user(), couple_id, back=url_for(".couple", couple_id=couple_id),
                       done=url_for(".dashboard"), can_export=True)
