"""The demo's machinery: the clock each step runs at, the practice and its staff, and the small
actions the story is told with (assign, answer, review, hold a session), each through the same
services as a real action, so the demo is valid and encrypted like real data.

Services stamp `utcnow()` and `date.today()`; to place the story in the past, each step runs with the
clock moved by time-machine (`StoryActions.at`), relative to the real today, so "tomorrow" is always
tomorrow. Nothing here prints or logs what anyone wrote."""
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone

import time_machine
from sqlalchemy import delete, select

from ..extensions import session
from ..models import Appointment, Assignment, Couple, OutboxMessage, Practice, Response, User
from ..models.practice import JOINT_GATE_WARN
from ..models.session_topic import TOPIC_COUNSELOR, TOPIC_SHARED
from ..models.user import ROLE_ADMIN, ROLE_COUNSELOR
from ..security.passwords import hash_password
from . import assignments, couples, responses, reviews, series, sessions, topics, worksheets
from . import demo_story as story
from .demo_story import DEMO_LOGINS


class StoryActions:
    """What every part of the story is told with; DemoStory tells the parts in order."""

    def __init__(self, today: date):
        self.today = today
        self.work: dict[str, Assignment] = {}   # Jordan & Riley's exercises, by worksheet slug
        self.weekly: list[Assignment] = []
        self.csi: list[Assignment] = []
        self.appointments: dict[int, Appointment] = {}  # Jordan & Riley's past sessions, by days ago
        self.series_ids: dict[str, int] = {}

    @contextmanager
    def at(self, days: int, hour: int, minute: int = 0):
        moment = datetime.combine(self.today + timedelta(days=days), time(hour, minute), tzinfo=timezone.utc)
        with time_machine.travel(moment, tick=False):
            yield

    def day(self, days: int) -> date:
        return self.today + timedelta(days=days)

    # ---- the practice -------------------------------------------------------------------------

    def staff(self) -> None:
        with self.at(-70, 12):
            # Two-factor sign-in is off, so `make run` signs in in one step (every staff page says so in a
            # banner); the joint-homework gate warns instead of blocking, so stage-1 homework is visible.
            practice = Practice(name=story.PRACTICE_NAME, country="US", require_two_factor=False,
                                joint_homework_gate=JOINT_GATE_WARN)
            session.add(practice)
            session.flush()
            staff_hash = {role: hash_password(p) for role, p in story.STAFF_PASSPHRASES.items()}
            self.admin = User(practice_id=practice.id, role=ROLE_ADMIN, display_name="Demo Admin",
                              email=DEMO_LOGINS[0].login, password_hash=staff_hash["admin"])
            self.rivera, self.okafor = (
                User(practice_id=practice.id, role=ROLE_COUNSELOR, display_name=name, email=email,
                     timezone=zone, password_hash=staff_hash["counselor"])
                for name, email, zone in story.COUNSELORS)
            session.add_all([self.admin, self.rivera, self.okafor])
            session.commit()
            self.practice = practice
            self.partner_hash = hash_password(story.PARTNER_PASSPHRASE)

    def add_couple(self, counselor: User, names: tuple[str, str]) -> Couple:
        """The first name is the hurt partner. Demo partners skip the invitation step."""
        created = couples.add_couple(
            counselor, *(couples.PartnerDetails(name, f"{name.lower()}@demo.example") for name in names),
            hurt_partner="a")
        for partner in created.couple.partners:
            partner.password_hash = self.partner_hash
        session.commit()
        return created.couple

    def forget_past_mail(self) -> None:
        """The story's emails (invitations, "something new") belong to its past: drop them, so that
        `make run` doesn't deliver six weeks of mail at once. Reminders from now on are queued by the
        scheduler as usual."""
        users = select(User.id).where(User.practice_id == self.practice.id)
        session.execute(delete(OutboxMessage).where(OutboxMessage.user_id.in_(users))
                        .execution_options(synchronize_session=False))
        session.commit()

    # ---- shared steps ---------------------------------------------------------------------------

    def assign(self, counselor: User, couple: Couple, slug: str, due_in: int | None, **options) -> Assignment:
        due = self.day(due_in) if due_in is not None else None
        return assignments.assign(counselor, couple.id, worksheets.version_by_slug(slug).id, due_date=due,
                                  note=story.NOTES.get(slug), **options).assignments[0]

    @staticmethod
    def answer(partner: User, assignment_id: int, values: dict, held_back=()) -> Response:
        """Writes, skips whatever was left blank on purpose, and submits, like the review page."""
        responses.save_draft(partner, assignment_id, values, {})
        draft = responses.skip_unanswered(partner, assignment_id)
        return responses.submit(partner, assignment_id, list(held_back), draft.revision)

    @staticmethod
    def check_in_of(couple: Couple, partner: User) -> Assignment:
        return session.scalar(select(Assignment).where(Assignment.couple_id == couple.id,
                                                       Assignment.assignee_id == partner.id).order_by(Assignment.id))

    def calm_check_ins(self, couple: Couple) -> None:
        for partner in couple.partners:
            self.answer(partner, self.check_in_of(couple, partner).id, dict(story.CALM_CHECK_IN))

    def read_check_ins(self, counselor: User, couple: Couple) -> None:
        for partner in couple.partners:
            check_in = self.check_in_of(couple, partner)
            response_id = session.scalar(select(Response.id).where(Response.assignment_id == check_in.id))
            reviews.mark_reviewed(counselor, response_id)

    def review_both(self, counselor: User, assignment: Assignment, comment: str | None = None) -> None:
        for response in session.scalars(select(Response).where(Response.assignment_id == assignment.id)):
            reviews.mark_reviewed(counselor, response.id, comment)

    def both_answer(self, couple: Couple, assignment_of, answers: dict, held_back: dict | None = None) -> None:
        """`answers` by role ("hurt", "involved"); `held_back` likewise."""
        for partner in couple.partners:
            role = "hurt" if partner.id == couple.hurt_partner_id else "involved"
            self.answer(partner, assignment_of().id, answers[role], (held_back or {}).get(role, ()))

    def held_session(self, counselor: User, couple: Couple, days: int, local: time, notes: tuple) -> Appointment:
        details = sessions.SessionDetails(self.day(days), local)
        appointment = sessions.schedule(counselor, couple.id, details).appointment
        with self.at(days, 16, 30):  # after the session (sessions are at 9:00-10:00 in the Americas)
            sessions.set_status(counselor, appointment.id, "held")
            sessions.save_notes(counselor, appointment.id, dict(zip(sessions.NOTE_PARTS, notes)))
        return appointment

    @staticmethod
    def role(couple: Couple, partner: User) -> str:
        return "hurt" if partner.id == couple.hurt_partner_id else "involved"

    def start_series(self, slug: str, first_due: int, weeks: int) -> None:
        result = series.assign_repeating(self.rivera, self.jr.id, worksheets.version_by_slug(slug).id,
                                         series.Recurrence(interval_weeks=weeks), due_date=self.day(first_due),
                                         note=story.NOTES.get(slug))
        self.series_ids[slug] = result.assignments[0].series_id

    def instance(self, slug: str, period: int) -> Assignment:
        return session.scalar(select(Assignment).where(Assignment.series_id == self.series_ids[slug],
                                                       Assignment.period == period))

    def topic(self, role: str) -> None:
        partner = next(p for p in self.jr.partners if self.role(self.jr, p) == role)
        text, visibility = story.TOPICS[role]
        topics.add_topic(partner, text, TOPIC_SHARED if visibility == "shared" else TOPIC_COUNSELOR)
