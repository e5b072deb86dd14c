"""The practice admin's side of end of care: the practice's couples, moving a couple to another
counselor, archiving or reactivating, deleting, and where a leaving counselor's couples go.
Registered on the admin blueprint. Admins see names and counselors, never anyone's records."""
from flask import flash, redirect, render_template, request, url_for

from .. import access
from ..errors import RuleError
from ..security.identity import signed_in_user
from ..security.roles import admin_required
from ..services import end_of_care, practice_admin
from ..counselor.care_forms import CareForm
from ..counselor.care_views import change_care, delete_page
from .forms import ConfirmForm, DeactivateForm, TransferForm
from . import bp


@bp.get("/couples")
@admin_required
def couples():
    show = request.args.get("show", "active")
    show = show if show in end_of_care.SHOW else "active"
    return render_template("therapist_app/admin/couples.html", couples=end_of_care.practice_couples(signed_in_user(), show),
                           show=show, filters=end_of_care.SHOW)


def _takeover_choices(admin, leaving_counselor_id: int, nobody: str) -> list[tuple[str, str]]:
    """The practice's other active counselors, after a first line meaning "no one chosen"."""
    return [("", nobody)] + [(str(c.id), c.display_name)
                             for c in end_of_care.counselors_to_take_over(admin, leaving_counselor_id)]


def _transfer_form(admin, couple, formdata=None) -> TransferForm:
    form = TransferForm(formdata=formdata)
    form.counselor.choices = _takeover_choices(admin, couple.counselor_id, "Choose a counselor")
    return form


@bp.get("/couples/<ta_id:couple_id>")
@admin_required
def couple(couple_id, transfer_form=None, status=200):
    admin = signed_in_user()
    found = end_of_care.couple_for(admin, couple_id)
    return render_template("therapist_app/admin/couple.html", couple=found, care_form=CareForm(),
                           writable=access.couple_writable(found),
                           transfer_form=transfer_form or _transfer_form(admin, found)), status


@bp.post("/couples/<ta_id:couple_id>/transfer")
@admin_required
def transfer_couple(couple_id):
    admin = signed_in_user()
    found = end_of_care.couple_for(admin, couple_id)
    form = _transfer_form(admin, found, request.form)
    if form.validate_on_submit():
        try:
            moved = end_of_care.transfer(admin, couple_id, int(form.counselor.data), request.remote_addr)
        except RuleError as error:
            form.counselor.errors.append(error.message)
        else:
            flash(f"Moved. {moved.counselor.display_name} is now this couple's counselor, with all their records.",
                  "success")
            return redirect(url_for(".couple", couple_id=couple_id))
    return couple(couple_id, transfer_form=form, status=422)


@bp.post("/couples/<ta_id:couple_id>/care")
@admin_required
def care_status(couple_id):
    admin = signed_in_user()
    end_of_care.couple_for(admin, couple_id)
    change_care(admin, couple_id)
    return redirect(url_for(".couple", couple_id=couple_id))


@bp.route("/couples/<ta_id:couple_id>/delete", methods=["GET", "POST"])
@admin_required
def delete_couple(couple_id):
    return delete_page(signed_in_user(), couple_id, back=url_for(".couple", couple_id=couple_id),
                       done=url_for(".couples"), can_export=False)


def deactivate_form(admin, counselor, formdata=None) -> DeactivateForm:
    form = DeactivateForm(formdata=formdata)
    in_care = any(access.couple_writable(c) for c in end_of_care.couples_of_counselor(admin, counselor.id))
    # With couples in care, "no one" is refused: it must not be the choice already made for the admin.
    form.transfer_to.choices = _takeover_choices(admin, counselor.id, "Choose a counselor" if in_care else
                                                 "No one (you can move their archived couples later)")
    return form


@bp.get("/counselors/<ta_id:counselor_id>/deactivate")
@admin_required
def deactivate_counselor(counselor_id, form=None, status=200):
    """Asks where the counselor's couples go before they are deactivated (posted to set_active)."""
    admin = signed_in_user()
    counselor = access.counselor_of_practice(admin, counselor_id)
    their_couples = end_of_care.couples_of_counselor(admin, counselor.id)
    return render_template("therapist_app/admin/deactivate.html", counselor=counselor, couples=their_couples,
                           in_care=[c for c in their_couples if access.couple_writable(c)],
                           form=form or deactivate_form(admin, counselor), confirm=ConfirmForm()), status


@bp.post("/counselors/<ta_id:counselor_id>/<any(activate, deactivate):action>")
@admin_required
def set_active(counselor_id, action):
    """Reactivates a counselor, or deactivates one after their couples have somewhere to go."""
    admin = signed_in_user()
    if action == "activate":
        if ConfirmForm().validate_on_submit():
            practice_admin.set_active(admin, counselor_id, True, ip=request.remote_addr)
            flash("Saved. They can sign in again.", "success")
        return redirect(url_for(".counselors"))
    counselor = access.counselor_of_practice(admin, counselor_id)
    form = deactivate_form(admin, counselor, request.form)
    if form.validate_on_submit():
        try:
            practice_admin.set_active(admin, counselor_id, False, transfer_to=int(form.transfer_to.data or 0) or None,
                                      ip=request.remote_addr)
        except RuleError as error:
            form.transfer_to.errors.append(error.message)
        else:
            flash(f"{counselor.display_name} is deactivated and signed out.", "success")
            return redirect(url_for(".counselors"))
    return deactivate_counselor(counselor_id, form=form, status=422)
