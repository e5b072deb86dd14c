"""Pages use a fixed number of SQL queries, however large the caseload or the homework list."""
from contextlib import contextmanager

from sqlalchemy import event

from support import signed_in


@contextmanager
def counted_queries(app):
    engine = app.extensions["sqlalchemy"].engine
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _queries_for(app, client, path):
    client.get(path)  # warm: the first request of a client loads things once
    with counted_queries(app) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def test_the_caseload_costs_the_same_queries_for_3_and_for_30_couples(app, factory):
    counselor = factory.counselor()
    for _ in range(3):
        factory.assign(factory.couple(counselor=counselor), "empathy-exchange")
    browser = signed_in(app, counselor)
    small = _queries_for(app, browser, "/counselor/")
    for _ in range(27):
        factory.assign(factory.couple(counselor=counselor), "empathy-exchange")
    large = _queries_for(app, browser, "/counselor/")
    assert small == large


def test_a_partners_homework_list_costs_the_same_queries_for_2_and_for_12_exercises(app, factory):
    couple = factory.couple()
    for slug in ("empathy-exchange", "pain-is-normal"):
        factory.assign(couple, slug)
    partner = signed_in(app, couple.partner_a)
    small = _queries_for(app, partner, "/my/")
    for _ in range(10):
        factory.assign(couple, "weekly-trust-check-in")
    large = _queries_for(app, partner, "/my/")
    assert small == large


def test_a_couples_page_costs_the_same_queries_for_2_and_for_12_assignments(app, factory):
    couple = factory.couple()
    for slug in ("empathy-exchange", "pain-is-normal"):
        factory.assign(couple, slug)
    counselor = signed_in(app, couple.counselor)
    small = _queries_for(app, counselor, f"/counselor/couples/{couple.id}")
    for _ in range(10):
        factory.assign(couple, "weekly-trust-check-in")
    large = _queries_for(app, counselor, f"/counselor/couples/{couple.id}")
    assert small == large
