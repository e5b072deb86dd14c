"""The audit log: a hash chain that `flask audit verify` walks, what gets logged (and never: names,
emails, answers), and the practice admin's page and CSV export."""
import threading

from sqlalchemy import func, select, text

from support import signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import AuditEvent
from therapist_app.security.audit import record


def verify(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def events(**where):
    db_session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return db_session.scalars(query).all()


def raw(app, sql, **params):
    """Changes the table behind the app's back, as someone with the database's password could."""
    db_session.commit()
    with app.extensions["sqlalchemy"].engine.begin() as connection:
        connection.execute(text(sql), params)


def some_history(app, factory):
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    counselor.get(f"/counselor/couples/{couple.id}")
    factory.assign(couple, "empathy-exchange")
    return couple


# ---- the chain ---------------------------------------------------------------------------------

def test_a_clean_chain_verifies_and_counts_every_event(app, factory):
    some_history(app, factory)
    count = db_session.scalar(select(func.count()).select_from(AuditEvent))
    assert count >= 4
    code, output = verify(app)
    assert code == 0, output
    assert f"intact: {count} event(s)" in output


def test_editing_one_events_action_is_caught_at_that_event(app, factory):
    some_history(app, factory)
    ids = [e.id for e in events()]
    target = ids[len(ids) // 2]
    raw(app, "UPDATE ta_audit_event SET action = 'logout' WHERE id = :id", id=target)
    code, output = verify(app)
    assert code == 1
    assert f"event {target} was changed after it was written" in output


def test_deleting_an_event_in_the_middle_is_caught_at_the_one_after_it(app, factory):
    some_history(app, factory)
    ids = [e.id for e in events()]
    gone = ids[len(ids) // 2]
    raw(app, "DELETE FROM ta_audit_event WHERE id = :id", id=gone)
    code, output = verify(app)
    assert code == 1
    assert f"event {ids[ids.index(gone) + 1]} does not follow event {ids[ids.index(gone) - 1]}" in output


def test_removing_the_newest_events_is_caught_by_the_chain_head(app, factory):
    some_history(app, factory)
    newest = events()[-1].id
    raw(app, "DELETE FROM ta_audit_event WHERE id = :id", id=newest)
    code, output = verify(app)
    assert code == 1
    assert f"the newest event should be {newest}, but the log ends at {newest - 1}" in output


def test_a_rewritten_event_with_a_recomputed_hash_breaks_the_next_link(app, factory):
    """Whoever recomputes one row's hash after changing it still breaks the link of the row after it."""
    from therapist_app.security.audit_chain import hash_of

    some_history(app, factory)
    first, second = events()[:2]
    first.action = "logout"
    new_hash = hash_of(first, first.previous_hash)
    db_session.rollback()
    raw(app, "UPDATE ta_audit_event SET action = 'logout', row_hash = :h WHERE id = :id", h=new_hash, id=first.id)
    code, output = verify(app)
    assert code == 1 and f"event {second.id} does not follow event {first.id}" in output


def test_two_servers_appending_at_once_never_fork_the_chain(app, factory):
    """Two threads, each with its own app context and database connection, as two gunicorn workers."""
    couple = factory.couple()
    counselor_id, couple_id = couple.counselor_id, couple.id
    errors = []

    def worker():
        try:
            with app.app_context():
                from therapist_app.models import Couple
                for _ in range(25):
                    record(counselor_id, "view_couple", db_session.get(Couple, couple_id))
                    db_session.commit()
                db_session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    before = len(events())
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    after = events()
    assert len(after) == before + 50
    assert [e.id for e in after] == list(range(after[0].id, after[0].id + len(after)))
    code, output = verify(app)
    assert code == 0, output
