"""A partner's invitation again (by email, or a fresh paper link), and the page that hands paper links over."""
import time

from flask import flash, redirect, render_template, request, url_for
from flask import session as browser_session

from .. import access
from ..errors import RuleError
from ..security.identity import signed_in_user
from ..security.roles import counselor_required
from ..services import invitations
from . import bp


@bp.post("/couples/<ta_id:couple_id>/partners/<ta_id:partner_id>/invitation")
@counselor_required
def reissue_invitation(couple_id, partner_id):
    """Sends a partner's invitation again, or prints a fresh paper link; earlier links stop working."""
    try:
        couple_obj, paper_link = invitations.reissue_for_partner(signed_in_user(), couple_id, partner_id,
                                                                 request.remote_addr)
    except RuleError as error:
        flash(error.message, "warning")
        return redirect(url_for(".couple", couple_id=couple_id))
    if paper_link:
        return hand_over(couple_obj.id, {partner_id: paper_link})
    flash("A new invitation was sent by email. The earlier link no longer works.", "success")
    return redirect(url_for(".couple", couple_id=couple_id))


# Paper links are shown on a page of their own (post, then redirect): a reload shows them again instead
# of losing them or sending the form a second time (a second couple). They wait in this counselor's
# signed session cookie for a short while, for this browser only.
_HAND_OVER = "ta_hand_over"
HAND_OVER_FOR_SECONDS = 15 * 60


def hand_over(couple_id: int, links: dict[int, str]):
    browser_session[_HAND_OVER] = {"couple": couple_id, "links": {str(k): v for k, v in links.items()},
                                   "until": time.time() + HAND_OVER_FOR_SECONDS}
    return redirect(url_for(".invitations_to_hand_over", couple_id=couple_id))


@bp.get("/couples/<ta_id:couple_id>/invitations")
@counselor_required
def invitations_to_hand_over(couple_id):
    couple_obj = access.couple_for_counselor(signed_in_user(), couple_id)
    kept = browser_session.get(_HAND_OVER) or {}
    if kept.get("couple") != couple_obj.id or kept.get("until", 0) < time.time():
        browser_session.pop(_HAND_OVER, None)
        flash("Paper links are shown for 15 minutes after they are made. To hand one over now, make a new "
              "one here (the earlier link stops working).", "info")
        return redirect(url_for(".couple", couple_id=couple_id))
    return render_template("therapist_app/counselor/paper_invites.html", couple=couple_obj,
                           links={int(k): v for k, v in kept["links"].items()})
