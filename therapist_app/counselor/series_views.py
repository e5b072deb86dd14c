"""Repeating homework's schedule: when the next one is due, how often, until when."""
from flask import flash, redirect, render_template, url_for

from ..errors import RuleError
from ..security.identity import signed_in_user
from ..security.roles import counselor_required
from ..services import series
from .forms import SeriesScheduleForm
from . import bp


@bp.route("/series/<ta_id:series_id>/schedule", methods=["GET", "POST"])
@counselor_required
def series_schedule(series_id):
    counselor = signed_in_user()
    repeating = series.series_for_counselor(counselor, series_id)
    form = SeriesScheduleForm(data={"next_due": series.next_due(repeating), "interval_weeks": repeating.interval_weeks,
                                    "until": repeating.until})
    if form.validate_on_submit():
        try:
            series.change_schedule(counselor, series_id, form.next_due.data, form.interval_weeks.data, form.until.data)
        except RuleError as error:
            form.show_rule_error(error, "next_due")
        else:
            flash("The new schedule applies from the next one. Homework already given keeps its date.", "success")
            return redirect(url_for(".couple", couple_id=repeating.couple_id))
    return render_template("therapist_app/counselor/series_schedule.html", form=form, repeating=repeating,
                           couple=repeating.couple, last_given=series.last_given_due(repeating)), \
        422 if form.errors else 200
