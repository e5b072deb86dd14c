"""Builds a realistic couple for benchmarks: 12 weeks of homework, long answers, in a fresh database."""
import random
from datetime import date, timedelta

from therapist_app.engine.presentation import definition_of, fields_for
from therapist_app.extensions import session
from therapist_app.models import Base, Practice, Response, User
from therapist_app.models.base import utcnow
from therapist_app.security.passwords import hash_password
from therapist_app.services import assignments, couples, worksheets

PASSWORD = "benchmark-passphrase"
EXERCISES = ["honest-conversation", "new-boundaries", "pain-is-normal", "self-care-and-self-worth",
             "empathy-exchange", "underlying-reasons", "patterns-before-the-rupture", "building-safety-together",
             "deciding-our-future", "mindful-reconnection"]
WORDS = ("I keep coming back to the evening we talked in the kitchen and how hard it was to say what I felt "
         "without it turning into the old argument about who listens and who does not").split()


def long_text(rng, words=220):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def sample_value(field, rng):
    if field.type in ("short_text",):
        return long_text(rng, 12)[: field.max_length]
    if field.type in ("long_text", "agreement"):
        return long_text(rng)[: field.max_length]
    if field.type == "scale":
        return rng.randint(0, 10)
    if field.type == "single_choice":
        return field.options[0].value
    if field.type in ("multi_choice", "checklist"):
        return [o.value for o in field.options[:2]]
    if field.type == "date":
        return "2026-12-01"
    if field.type == "rows":
        return [{c.id: long_text(rng, 15)[: c.max_length] for c in field.columns} for _ in range(3)]
    raise ValueError(field.type)


def build_couple(app):
    """Returns (counselor, couple) with 10 exercises and 12 check-ins, all submitted by both partners."""
    rng = random.Random(7)
    engine = app.extensions["sqlalchemy"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    worksheets.sync_library(app.config["THERAPIST_WORKSHEETS_DIR"])
    practice = Practice(name="Benchmark practice", require_two_factor=False)
    session.add(practice)
    session.flush()
    counselor = User(practice_id=practice.id, role="counselor", display_name="Dr. Bench", email="bench@example.org",
                     password_hash=hash_password(PASSWORD))
    session.add(counselor)
    session.flush()
    couple = couples.add_couple(counselor, couples.PartnerDetails("Robin", "robin@example.org"),
                                couples.PartnerDetails("Kai", "kai@example.org"), check_ins=False).couple
    couple.intimacy_unlocked = True
    for partner in couple.partners:
        partner.password_hash = hash_password(PASSWORD)
    slugs = EXERCISES + ["weekly-trust-check-in"] * 12
    for slug in slugs:
        version = worksheets.version_by_slug(slug)
        assignment = assignments.assign(counselor, couple.id, version.id,
                                        due_date=date.today() + timedelta(days=1)).assignments[0]
        definition = definition_of(version)
        for partner in couple.partners:
            values = {f.id: sample_value(f, rng) for f in fields_for(definition, couple.role_of(partner.id))}
            answers = {"values": values, "states": {}}
            session.add(Response(assignment_id=assignment.id, partner_id=partner.id, status="submitted",
                                 draft=answers, submitted=answers, held_back=[], revision=1,
                                 submitted_at=utcnow(), readiness="ready"))
        assignment.revealed_at = utcnow()
    session.commit()
    return counselor, couple
