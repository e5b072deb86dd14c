"""The partner's homework list (services/homework_list.py): where each partner is in each exercise,
what still needs doing first, and only the latest of what is done."""
from helpers import answer_check_in_calmly, answer_everything, check_in_of, save_section, submit, weeks_of_check_ins
from therapist_app.extensions import session as db_session
from support import signed_in
from therapist_app.services.homework_list import (FINISHED_PER_PAGE, RECENT_DONE, STATUS_NOT_STARTED,
                                                  STATUS_SUBMITTED, finished_for, homework_for)


def test_submitted_homework_moves_from_what_still_needs_doing_to_what_is_done(app, factory):
    couple = factory.couple()
    first = factory.assign(couple, "empathy-exchange")
    second = factory.assign(couple, "first-steps")
    browser = signed_in(app, couple.partner_a)
    answer_everything(browser, first)
    submit(browser, first.id)
    listed = homework_for(couple.partner_a)
    assert [(item.assignment.id, item.status) for item in listed.to_do] == [(second.id, STATUS_NOT_STARTED)]
    assert [(item.assignment.id, item.status) for item in listed.done] == [(first.id, STATUS_SUBMITTED)]
    assert listed.done[0].submitted_at is not None and listed.done_total == 1
    # The other partner has not submitted it: for them it is still to do.
    other = homework_for(couple.partner_b)
    assert {item.assignment.id for item in other.to_do} == {first.id, second.id} and other.done_total == 0


def test_two_years_of_check_ins_leave_the_list_as_short_as_in_the_first_month(app, factory):
    couple = factory.couple()
    to_do = factory.assign(couple, "empathy-exchange")
    history = weeks_of_check_ins(couple, couple.partner_a, 104)
    listed = homework_for(couple.partner_a)
    assert [item.assignment.id for item in listed.to_do] == [to_do.id]
    # The latest few, newest first, and how many there are in all.
    assert [item.assignment.id for item in listed.done] == [a.id for a in history[:RECENT_DONE]]
    assert listed.done_total == 104


def test_everything_finished_comes_a_page_at_a_time_newest_first(app, factory):
    couple = factory.couple()
    history = weeks_of_check_ins(couple, couple.partner_a, FINISHED_PER_PAGE + 3)
    first, second = finished_for(couple.partner_a, 1), finished_for(couple.partner_a, 2)
    assert [item.assignment.id for item in first.done + second.done] == [a.id for a in history]
    assert len(second.done) == 3 and first.done_total == second.done_total == FINISHED_PER_PAGE + 3
    # Partner B submitted none of them (and partner A's answers are not B's to list).
    assert finished_for(couple.partner_b, 1).done == []


def test_weeks_of_a_repeating_check_in_a_partner_let_pass_leave_their_list(app, factory):
    """The check-in repeats weekly. Partner A sent ten weeks of it; partner B let them all pass. B's list
    keeps the latest two (the one after is not due yet); the older weeks are missed, not waiting. A
    week B had begun stays, with what they wrote."""
    couple = factory.couple()
    weeks = weeks_of_check_ins(couple, couple.partner_a, 10)  # newest first
    begun = weeks[6]
    save_section(signed_in(app, couple.partner_b), begun.id, {"trust_rating": "6"})
    listed = homework_for(couple.partner_b)
    assert [item.assignment.id for item in listed.to_do] == [begun.id, weeks[1].id, weeks[0].id]
    # A's list is unchanged by it: all ten are A's, sent.
    assert homework_for(couple.partner_a).done_total == 10


def test_while_joint_homework_is_paused_the_done_list_holds_only_what_the_partner_may_open(app, factory):
    """Paused, joint homework is hidden from both partners: it takes no place among the latest done
    and is not counted, so the list and its pages show what is there to open."""
    couple = factory.couple(with_check_ins=True)
    a = signed_in(app, couple.partner_a)
    private = check_in_of(couple, couple.partner_a)  # A's own: never paused
    answer_check_in_calmly(a, private)
    assert submit(a, private.id).status_code == 302
    weeks_of_check_ins(couple, couple.partner_a, FINISHED_PER_PAGE + 5)  # joint
    couple.joint_paused = True
    db_session.commit()
    listed, first = homework_for(couple.partner_a), finished_for(couple.partner_a, 1)
    assert [item.assignment.id for item in listed.done] == [private.id] and listed.done_total == 1
    assert [item.assignment.id for item in first.done] == [private.id] and first.done_total == 1
