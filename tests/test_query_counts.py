"""Pages use a fixed number of SQL queries, however large the caseload or the homework list."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import event

from helpers import answer_everything, first_long_text_field, submit, weeks_of_check_ins, weeks_of_sessions
from support import counted_queries, csrf_token, signed_in
from therapist_app.extensions import session
from therapist_app.models import Response
from therapist_app.models.base import Base, utcnow
from therapist_app.models.response import STATUS_SUBMITTED
from therapist_app.security import sealing
from therapist_app.services import packets
from therapist_app.services.homework_list import RECENT_DONE


def assert_same_cost(app, client, path, grow, at_most=None):
    """Counts the queries of `path` before and after `grow()` adds many more rows to show (and, with
    `at_most`, that the page stays within that many: a ceiling measured in docs/benchmarks.md)."""
    def queries():
        client.get(path)  # warm: the first request of a client loads things once
        with counted_queries(app) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    small = queries()
    grow()
    assert queries() == small
    assert at_most is None or small <= at_most, small


def test_the_caseload_costs_the_same_queries_for_3_and_for_30_couples(app, factory):
    counselor = factory.counselor()

    def add_couples(n):
        for _ in range(n):
            factory.assign(factory.couple(counselor=counselor), "empathy-exchange")

    add_couples(3)
    assert_same_cost(app, signed_in(app, counselor), "/counselor/", lambda: add_couples(27), at_most=5)


def _couple_with_two_exercises(factory):
    couple = factory.couple()
    for slug in ("empathy-exchange", "pain-is-normal"):
        factory.assign(couple, slug)
    return couple


def _ten_check_ins(factory, couple):
    return lambda: [factory.assign(couple, "weekly-trust-check-in") for _ in range(10)]


def test_a_partners_homework_list_costs_the_same_queries_for_2_and_for_12_exercises(app, factory):
    couple = _couple_with_two_exercises(factory)
    assert_same_cost(app, signed_in(app, couple.partner_a), "/my/", _ten_check_ins(factory, couple), at_most=8)


def test_a_partners_homework_list_costs_the_same_queries_after_3_and_after_60_weeks_of_check_ins(app, factory):
    couple = _couple_with_two_exercises(factory)
    weeks_of_check_ins(couple, couple.partner_a, 3)
    assert_same_cost(app, signed_in(app, couple.partner_a), "/my/",
                     lambda: weeks_of_check_ins(couple, couple.partner_a, 57), at_most=9)


def test_a_partners_homework_list_asks_nothing_more_for_exercises_sent_long_ago(app, factory):
    """My homework lists the latest RECENT_DONE of what is done; the check-in chart looks through all the
    partner sent, and loaded the worksheets of those no longer listed to learn which were check-ins."""
    couple = _couple_with_two_exercises(factory)
    older = ("first-steps", "building-safety-together", "new-boundaries", "trigger-plan", "self-care-and-self-worth",
             "transparency-agreement", "underlying-reasons", "honest-conversation")

    def sent_long_ago(slugs):
        for days_ago, slug in enumerate(slugs, start=30):
            assignment = factory.assign(couple, slug)
            sent = {"values": {}, "states": {}}
            session.add(Response(assignment_id=assignment.id, partner_id=couple.partner_a_id, status=STATUS_SUBMITTED,
                                 draft=sent, submitted=sent, revision=1, submitted_at=utcnow() - timedelta(days=days_ago)))
        session.commit()

    sent_long_ago(older[:RECENT_DONE])  # the list's "done" is full
    assert_same_cost(app, signed_in(app, couple.partner_a), "/my/", lambda: sent_long_ago(older[RECENT_DONE:]),
                     at_most=8)


def test_a_couples_page_costs_the_same_queries_for_2_and_for_12_assignments(app, factory):
    couple = _couple_with_two_exercises(factory)
    assert_same_cost(app, signed_in(app, couple.counselor), f"/counselor/couples/{couple.id}",
                     _ten_check_ins(factory, couple), at_most=15)


def test_with_the_joint_homework_gate_on_each_page_asks_once_whether_the_check_ins_are_read(app, factory):
    """A new practice has the gate on ("block"). My homework and the couple page each asked whether both
    check-ins were read twice: once for the list, once for the notice or the counselor's gate note."""
    counselor = factory.counselor(factory.practice(joint_homework_gate="block"))
    couple = _couple_with_two_exercises_for(factory, counselor)
    # One question about the check-ins each (10 and 15 queries when it was asked twice).
    pages = ((couple.partner_a, "/my/", 9, "More exercises will appear here after your counselor"),
             (counselor, f"/counselor/couples/{couple.id}", 14, "Joint homework waits until you have read"))
    for person, path, ceiling, gate_said in pages:
        browser = signed_in(app, person)
        browser.get(path)
        with counted_queries(app) as statements:
            page = browser.get(path).get_data(as_text=True)
        assert gate_said in page  # the gate is in force, and the page says so
        assert len(statements) <= ceiling, (path, statements)


def _couple_with_two_exercises_for(factory, counselor):
    couple = factory.couple(counselor=counselor)
    for slug in ("empathy-exchange", "pain-is-normal"):
        factory.assign(couple, slug)
    return couple


def test_an_autosave_reads_the_exercise_once_and_writes_the_answer(app, factory):
    """Typing saves every few seconds: the post opened the assignment, its couple and the answer twice
    (once to read the form, once to save it) before they were handed from one to the other."""
    couple = _couple_with_two_exercises(factory)
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = first_long_text_field(assignment)
    phone = signed_in(app, couple.partner_a)
    token = csrf_token(phone)

    def autosave(text):
        return phone.post(f"/my/homework/{assignment.id}/draft?section=0",
                          data={"csrf_token": token, f"a__{field_id}": text}, headers={"Accept": "application/json"})

    assert autosave("First words").json["ok"]
    with counted_queries(app) as statements:
        saved = autosave("First words, and then some more")
    assert saved.json["ok"] and saved.json["revision"] == 2
    # the person, the couple, the assignment with its version, this partner's answer, taking its row
    # (page_saves.claim: a page's saves arriving together), the write. The other partner's answer is
    # not read: a save needs the form only.
    assert len(statements) <= 6, statements
    assert phone.get(f"/my/homework/{assignment.id}?edit=1").get_data(as_text=True).count("and then some more") == 1


def test_an_exercise_page_costs_at_most_five_queries(app, factory):
    couple = _couple_with_two_exercises(factory)
    assignment = factory.assign(couple, "empathy-exchange")
    phone = signed_in(app, couple.partner_a)
    phone.get(f"/my/homework/{assignment.id}?edit=1")
    with counted_queries(app) as statements:
        assert phone.get(f"/my/homework/{assignment.id}?edit=1").status_code == 200
    assert len(statements) <= 5, statements  # the person, couple, assignment and version, both answers


def test_the_prep_packet_gathers_2_or_6_answered_exercises_in_the_same_queries(app, factory):
    """Each printed exercise once cost three queries of its own (both answers, earlier versions)."""
    couple = factory.couple()
    partners = [signed_in(app, couple.partner_a), signed_in(app, couple.partner_b)]

    def answered(slugs):
        for slug in slugs:
            assignment = factory.assign(couple, slug)
            for client in partners:
                answer_everything(client, assignment, text="What I wrote")
                submit(client, assignment.id)

    def queries():
        session.expire_all()
        with app.test_request_context(), counted_queries(app) as statements:
            packet = packets.prep(couple.counselor, couple.id)
        return len(statements), len(packet.exercises)

    answered(("empathy-exchange", "pain-is-normal"))
    small, printed = queries()
    assert printed == 2
    answered(("new-boundaries", "honest-conversation", "underlying-reasons", "self-care-and-self-worth"))
    large, printed = queries()
    assert printed == 6
    assert large == small


def test_after_25_and_after_40_weeks_of_sessions_the_couple_page_and_the_summaries_cost_the_same(
        app, factory, monkeypatch, request):
    """Queries, rows loaded and sealed values opened: a session's notes, a topic's words and a summary's
    text are each decrypted; two years of sessions opened some four hundred of them for the couple page,
    and it loaded every session to number the latest."""
    opened, loaded = [], []

    def remember(target, context):
        loaded.append(type(target).__name__)

    event.listen(Base, "load", remember, propagate=True)
    request.addfinalizer(lambda: event.remove(Base, "load", remember))

    def counting(value, *args, **kwargs):
        opened.append(1)
        return open_sealed(value, *args, **kwargs)

    open_sealed = sealing.open_sealed
    monkeypatch.setattr(sealing, "open_sealed", counting)
    couple = _couple_with_two_exercises(factory)
    weeks_of_sessions(couple, 25)
    pages = ((signed_in(app, couple.counselor), f"/counselor/couples/{couple.id}"),
             (signed_in(app, couple.partner_a), "/my/summaries"))

    def costs():
        found = []
        for client, path in pages:
            client.get(path)  # warm
            opened.clear()
            loaded.clear()
            with counted_queries(app) as statements:
                assert client.get(path).status_code == 200
            found.append((path, len(statements), len(opened), sorted(Counter(loaded).items())))
        return found

    before = costs()
    weeks_of_sessions(couple, 15)
    assert costs() == before
