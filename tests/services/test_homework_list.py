"""The partner's homework list (services/homework_list.py): where each partner is in each exercise,
and what still needs doing first."""
from helpers import answer_everything, submit
from support import signed_in
from therapist_app.services.homework_list import STATUS_NOT_STARTED, STATUS_SUBMITTED, homework_for


def test_submitted_homework_sinks_below_what_still_needs_doing(app, factory):
    couple = factory.couple()
    first = factory.assign(couple, "empathy-exchange")
    second = factory.assign(couple, "first-steps")
    browser = signed_in(app, couple.partner_a)
    answer_everything(browser, first)
    submit(browser, first.id)
    _, items, _ = homework_for(couple.partner_a)
    statuses = {item.assignment.id: item.status for item in items}
    assert statuses[first.id] == STATUS_SUBMITTED and statuses[second.id] == STATUS_NOT_STARTED
    assert [item.assignment.id for item in items].index(second.id) < [item.assignment.id for item in items].index(first.id)
