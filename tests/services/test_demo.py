"""The demo practice: seeded through the services, idempotent, rebuilt by --reset, every login reaches its pages."""
import re
from datetime import timedelta

from sqlalchemy import func, select
from support import Auth, pdf_text

from therapist_app.cli import demo_seed
from therapist_app.extensions import session
from therapist_app.models import Appointment, Assignment, Couple, OutboxMessage, Practice, Response, User
from therapist_app.models.base import utcnow
from therapist_app.services.demo import DEMO_LOGINS, DEMO_PRACTICE, seed_demo
from therapist_app.services.demo_couples import DemoStory
from therapist_app.services.demo_story import COUNSELORS
from therapist_app.services.measures import couple_measures
from therapist_app.timezones import to_local

LOGINS = {login.login: login for login in DEMO_LOGINS}


def user(email):
    return session.scalar(select(User).where(User.email == email))


def couple_of(email):
    partner = user(email)
    return session.scalar(select(Couple).where((Couple.partner_a_id == partner.id) | (Couple.partner_b_id == partner.id)))


def counts():
    return {model.__name__: session.scalar(select(func.count()).select_from(model))
            for model in (Practice, User, Couple, Assignment, Response, Appointment)}


def sign_in(app, email):
    client = app.test_client()
    Auth(client).login(user(email), LOGINS[email].password)
    return client


def test_the_first_couple_tells_six_weeks(app):
    assert seed_demo()[0] is True
    couple = couple_of("riley@demo.example")
    assert couple.stage == 2
    appointments = session.scalars(select(Appointment).where(Appointment.couple_id == couple.id)
                                   .order_by(Appointment.starts_at)).all()
    tomorrow = appointments[-1]
    zone = couple.counselor.timezone
    assert to_local(tomorrow.starts_at, zone).date() == to_local(utcnow(), zone).date() + timedelta(days=1)
    assert all(a.status == "held" and a.notes for a in appointments[:-1])
    responses = session.scalars(select(Response).join(Assignment).where(Assignment.couple_id == couple.id)).all()
    assert any(r.held_back for r in responses)
    assert any(r.counselor_comment for r in responses)
    assert any(r.submitted_at and r.reviewed_at is None for r in responses)  # waiting for review
    csi = next(m for m in couple_measures(couple.counselor, couple) if m.cutoff == 13.5)
    scores = [float(score) for _, day_scores in csi.rows for each in day_scores for score in each]
    assert min(scores) < 13.5 < max(scores)
    waiting_release = [a for a in session.scalars(select(Assignment).where(Assignment.couple_id == couple.id))
                       if a.waits_for_release and a.revealed_at and a.released_at is None]
    assert len(waiting_release) == 1
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0  # no six weeks of mail at once


def test_seeding_twice_changes_nothing_and_reset_rebuilds(app):
    seed_demo()
    before = counts()
    couple_of("riley@demo.example").stage = 1  # something a visitor changed
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(demo_seed, [])
    assert "already there" in result.output and counts() == before
    result = runner.invoke(demo_seed, ["--reset"])
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output and "Riley & Jordan" in result.output
    session.expire_all()
    assert counts() == before
    assert couple_of("riley@demo.example").stage == 2
    assert session.scalar(select(func.count()).select_from(Practice).where(Practice.name == DEMO_PRACTICE)) == 1


def test_reset_leaves_other_practices_alone(app, factory):
    counselor = factory.counselor()
    factory.couple(counselor)
    seed_demo()
    others = session.scalar(select(func.count()).select_from(User).where(User.practice_id == counselor.practice_id))
    seed_demo(reset=True)
    assert session.scalar(select(func.count()).select_from(User).where(User.practice_id == counselor.practice_id)) == others


def demo_accounts_per_login() -> dict:
    return {login.login: session.scalar(select(func.count()).select_from(User).where(User.email == login.login))
            for login in DEMO_LOGINS}


def rename_demo_practice() -> None:
    """What an admin of the demo practice may do in its settings."""
    session.scalar(select(Practice).where(Practice.name == DEMO_PRACTICE)).name = "Our Own Clinic"
    session.commit()


def test_a_renamed_demo_practice_is_still_the_demo_practice(app):
    seed_demo()
    rename_demo_practice()
    before = counts()
    assert seed_demo() == (False, DEMO_LOGINS)  # the next `make run`
    assert counts() == before
    assert seed_demo(reset=True)[0] is True
    session.expire_all()
    assert counts() == before
    assert set(demo_accounts_per_login().values()) == {1}


def test_reset_leaves_one_set_of_demo_logins_where_an_older_seed_made_two(app):
    seed_demo()
    rename_demo_practice()
    DemoStory(to_local(utcnow(), COUNSELORS[0][2]).date()).tell()  # what the lookup by name used to do
    assert set(demo_accounts_per_login().values()) == {2}
    seed_demo(reset=True)
    session.expire_all()
    assert set(demo_accounts_per_login().values()) == {1}
    assert session.scalar(select(func.count()).select_from(Practice)) == 1


def ok(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


def test_every_demo_login_reaches_its_pages(app):
    seed_demo()
    couple = couple_of("riley@demo.example")
    assignment_ids = session.scalars(select(Assignment.id).where(Assignment.couple_id == couple.id)).all()
    tomorrow = session.scalars(select(Appointment.id).where(Appointment.couple_id == couple.id)
                               .order_by(Appointment.starts_at.desc())).first()
    counselor = sign_in(app, "counselor@demo.example")
    assert "Jordan" in ok(counselor, "/counselor/").get_data(as_text=True)
    ok(counselor, f"/counselor/couples/{couple.id}")
    for assignment_id in assignment_ids:
        ok(counselor, f"/counselor/assignments/{assignment_id}")
    ok(counselor, f"/counselor/sessions/{tomorrow}")
    assert "CSI-4" in pdf_text(ok(counselor, f"/counselor/sessions/{tomorrow}/prep.pdf").data)
    ok(sign_in(app, "okafor@demo.example"), "/counselor/")
    for email in ("riley@demo.example", "jordan@demo.example", "sam@demo.example", "morgan@demo.example"):
        partner = sign_in(app, email)
        page = ok(partner, "/my/").get_data(as_text=True)
        homework = sorted(set(_links(page, "/my/homework/")))
        assert homework, email
        for assignment_id in homework:
            ok(partner, f"/my/homework/{assignment_id}")
        ok(partner, "/my/summaries")
    admin = sign_in(app, "admin@demo.example")
    for path in ("/admin/counselors", "/admin/practice", "/admin/undelivered"):
        ok(admin, path)


def _links(page, prefix):
    return [int(n) for n in re.findall(re.escape(prefix) + r"(\d+)\"", page)]


def test_a_real_practice_that_invited_a_demo_address_is_never_reset_away(app, factory):
    """`--reset` removed every practice holding a demo login, whoever else was in it."""
    counselor = factory.counselor()
    factory.couple(counselor)
    counselor.email = "counselor@demo.example"  # tried the demo address once
    session.commit()
    people = session.scalar(select(func.count()).select_from(User).where(User.practice_id == counselor.practice_id))
    refused = app.test_cli_runner().invoke(demo_seed, ["--reset"])
    assert refused.exit_code == 1 and "counselor@demo.example belongs to a practice with real people" in refused.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User).where(User.practice_id == counselor.practice_id)) == people
