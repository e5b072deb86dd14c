"""A demo practice for `make run`: a practice six weeks in, built through the services like real use.

Every step goes through the same services as a real action, so the demo is valid and encrypted like
real data. Services stamp `utcnow()` and `date.today()`; to place the story in the past, each step runs
with the clock moved by time-machine (`_Story.at`), relative to the real today, so "tomorrow" is
always tomorrow. Nothing here prints or logs what anyone wrote.
"""
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone

import time_machine
from flask import current_app
from sqlalchemy import delete, select

from ..extensions import session
from ..models import (Appointment, Assignment, AssignmentSeries, CalendarFeed, Couple, Invitation,
                      OutboxMessage, PendingSave, Practice, Response, ResponseRevision, SessionSummary,
                      SessionTopic, User, Worksheet, WorksheetVersion)
from ..models.base import utcnow
from ..models.practice import JOINT_GATE_WARN
from ..models.session_topic import TOPIC_COUNSELOR, TOPIC_SHARED
from ..models.user import ROLE_ADMIN, ROLE_COUNSELOR
from ..security.passwords import hash_password
from ..timezones import to_local
from . import assignments, couples, releases, responses, reviews, series, sessions, summaries, topics, worksheets
from . import demo_story as story
from .demo_story import DEMO_LOGINS, DemoLogin

DEMO_PRACTICE = story.PRACTICE_NAME
__all__ = ["DEMO_LOGINS", "DEMO_PRACTICE", "DemoLogin", "seed_demo", "remove_demo"]


def seed_demo(reset: bool = False) -> tuple[bool, tuple[DemoLogin, ...]]:
    """Creates the demo practice unless it exists (`reset`: rebuilds it). Returns (created, logins)."""
    worksheets.sync_library(current_app.config["THERAPIST_WORKSHEETS_DIR"])
    existing = session.scalar(select(Practice.id).where(Practice.name == DEMO_PRACTICE))
    if existing and not reset:
        return False, DEMO_LOGINS
    if existing:
        remove_demo(existing)
    # "Today" is Dr. Rivera's: her session tomorrow is tomorrow on her own calendar.
    _Story(to_local(utcnow(), story.COUNSELORS[0][2]).date()).tell()
    return True, DEMO_LOGINS


def remove_demo(practice_id: int) -> None:
    """Deletes the demo practice's own rows, children before parents. Nothing outside it is touched,
    and its audit events stay: the log is append-only (they name the old people by id only)."""
    users = select(User.id).where(User.practice_id == practice_id)
    couple_ids = select(Couple.id).where(Couple.practice_id == practice_id)
    assignment_ids = select(Assignment.id).where(Assignment.couple_id.in_(couple_ids))
    response_ids = select(Response.id).where(Response.assignment_id.in_(assignment_ids))
    appointment_ids = select(Appointment.id).where(Appointment.couple_id.in_(couple_ids))
    own_worksheets = select(Worksheet.id).where(Worksheet.practice_id == practice_id)
    for statement in (
        delete(ResponseRevision).where(ResponseRevision.response_id.in_(response_ids)),
        delete(PendingSave).where(PendingSave.user_id.in_(users)),
        delete(Response).where(Response.assignment_id.in_(assignment_ids)),
        delete(SessionSummary).where(SessionSummary.appointment_id.in_(appointment_ids)),
        delete(SessionTopic).where(SessionTopic.couple_id.in_(couple_ids)),
        delete(Appointment).where(Appointment.couple_id.in_(couple_ids)),
        delete(Assignment).where(Assignment.couple_id.in_(couple_ids)),
        delete(AssignmentSeries).where(AssignmentSeries.couple_id.in_(couple_ids)),
        delete(Couple).where(Couple.practice_id == practice_id),
        delete(WorksheetVersion).where(WorksheetVersion.worksheet_id.in_(own_worksheets)),
        delete(Worksheet).where(Worksheet.practice_id == practice_id),
        delete(Invitation).where(Invitation.user_id.in_(users)),
        delete(CalendarFeed).where(CalendarFeed.counselor_id.in_(users)),
        delete(OutboxMessage).where(OutboxMessage.user_id.in_(users)),
        delete(User).where(User.practice_id == practice_id),
        delete(Practice).where(Practice.id == practice_id),
    ):
        session.execute(statement.execution_options(synchronize_session=False))
    session.commit()
    session.expire_all()


class _Story:
    """The practice's six weeks, told in order. Steps are (days from today, UTC hour, step)."""

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

    def tell(self) -> None:
        self.staff()
        steps = self.jordan_and_riley() + self.sam_and_alex() + self.morgan_and_casey()
        for days, hour, step in sorted(steps, key=lambda s: (s[0], s[1])):
            with self.at(days, hour // 100, hour % 100):
                step()
        self.forget_past_mail()

    # ---- the practice -------------------------------------------------------------------------

    def staff(self) -> None:
        with self.at(-70, 12):
            # Two-factor sign-in is off, so `make run` signs in in one step (every staff page says so in a
            # banner); the joint-homework gate warns instead of blocking, so stage-1 homework is visible.
            practice = Practice(name=DEMO_PRACTICE, country="US", require_two_factor=False,
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

    # ---- Jordan & Riley: six weeks in, stage 2; the couple the demo counselor opens first ----------

    def jordan_and_riley(self) -> list:
        counselor = self.rivera
        steps = [(-44, 1400, lambda: setattr(self, "jr", self.add_couple(counselor, ("Riley", "Jordan")))),
                 (-43, 2000, lambda: self.calm_check_ins(self.jr)),
                 (-42, 1300, lambda: self.read_check_ins(counselor, self.jr))]
        for days, *notes in story.SESSIONS:
            steps.append((-days, 1200, lambda d=days, n=notes: self.appointments.__setitem__(
                d, self.held_session(counselor, self.jr, -d, time(10), n))))
            steps.append((-days, 1100, self.read_measures))
        return steps + self.jr_homework() + self.jr_measures() + self.jr_sessions_ahead()

    def jr_homework(self) -> list:
        counselor = self.rivera

        def give(slug, due_in):
            return lambda: self.work.__setitem__(slug, self.assign(counselor, self.jr, slug, due_in))

        def done(slug, held_back=None):
            return lambda: self.both_answer(self.jr, lambda: self.work[slug], story.ANSWERS[slug], held_back)

        def review(slug, comment=None):
            return lambda: self.review_both(counselor, self.work[slug], comment)
        return [
            (-42, 1700, give("first-steps", -37)), (-38, 2000, done("first-steps")),
            (-35, 1700, review("first-steps", story.FIRST_STEPS_COMMENT)),
            (-28, 1700, give("new-boundaries", -23)),
            (-24, 2000, done("new-boundaries", {"involved": story.NEW_BOUNDARIES_HELD_BACK})),
            (-21, 1700, self.agree_and_release), (-21, 1710, give("trigger-plan", -16)),
            (-17, 2000, done("trigger-plan")), (-14, 1700, review("trigger-plan")),
            (-14, 1710, give("honest-conversation", -9)), (-10, 2000, done("honest-conversation")),
            (-7, 1700, lambda: couples.set_pacing(self.jr.counselor, self.jr.id, stage=2)),
            (-7, 1705, review("honest-conversation")),  # read; to be released after tomorrow's session
            (-7, 1710, give("empathy-exchange", -2)),
            (-3, 2000, done("empathy-exchange")),  # waits for the counselor's review
        ]

    def read_measures(self) -> None:
        """Before each session the counselor reads the weekly check-ins and questionnaires sent since."""
        unread = select(Response.id).join(Assignment).where(
            Assignment.couple_id == self.jr.id, Assignment.series_id.is_not(None),
            Response.submitted_at.is_not(None), Response.reviewed_at.is_(None))
        for response_id in session.scalars(unread).all():
            reviews.mark_reviewed(self.rivera, response_id)

    def agree_and_release(self) -> None:
        work = self.work["new-boundaries"]
        assignments.record_agreement(self.rivera, work.id, "agreed_boundaries", story.AGREED_BOUNDARY)
        releases.release(self.rivera, work.id, None)  # everything shared; the held-back answer never is
        self.review_both(self.rivera, work, story.NEW_BOUNDARIES_COMMENT)

    def jr_measures(self) -> list:
        steps = [(-42, 1720, lambda: self.start_series("weekly-trust-check-in", -39, 1)),
                 (-35, 1720, lambda: self.start_series("couples-satisfaction-index", -33, 2))]
        for week in range(1, 7):  # what the scheduler does each day, for this couple only
            steps.append((min(-42 + 7 * week, -1), 1730, lambda: series.create_due_instances(couple_id=self.jr.id)))
        steps += [(-40 + 7 * week, 2100, lambda w=week: self.weekly_check_in(w)) for week in range(6)]
        steps += [(days, 2110, lambda i=index: self.csi_answer(i)) for index, days in enumerate((-34, -20, -6))]
        return steps

    def weekly_check_in(self, week: int) -> None:
        for partner in self.jr.partners:
            role = self.role(self.jr, partner)
            values = dict(zip(("trust_rating", "safety_rating", "communication_rating", "closeness_rating"),
                              story.WEEKLY[role][week]))
            values.update(painful_reminders=story.WEEKLY_REMINDERS[week],
                          helped_this_week=story.WEEKLY_HELPED[role][week])
            self.answer(partner, self.instance("weekly-trust-check-in", week).id, values)

    def csi_answer(self, index: int) -> None:
        for partner in self.jr.partners:
            points = story.CSI[self.role(self.jr, partner)][index]
            values = {item: story.CSI_OPTIONS[item][p] for item, p in zip(story.CSI_OPTIONS, points)}
            self.answer(partner, self.instance("couples-satisfaction-index", index).id, values)

    def jr_sessions_ahead(self) -> list:
        def tomorrow():
            sessions.schedule(self.rivera, self.jr.id, sessions.SessionDetails(self.day(1), time(10)))
        return [(-14, 1800, lambda: self.publish_summary(14)), (-7, 1750, tomorrow),
                (-7, 1800, lambda: self.publish_summary(7)),
                (-3, 2130, lambda: self.topic("hurt")), (-1, 2000, lambda: self.topic("involved"))]

    def publish_summary(self, days: int) -> None:
        appointment = self.appointments[days]
        worked_on, note = story.SUMMARIES[days]
        keys = [choice.key for choice in summaries.agreement_choices(appointment)]
        draft = summaries.SummaryDraft(parts={summaries.BOTH: {"worked_on": worked_on, "note": note}}, agreements=keys)
        summaries.save_draft(self.rivera, appointment.id, draft)
        summaries.publish(self.rivera, appointment.id)

    # ---- Sam & Alex: stage 1, a check-in to read ---------------------------------------------------

    def sam_and_alex(self) -> list:
        counselor = self.rivera

        def start():
            self.sa = self.add_couple(counselor, ("Sam", "Alex"))
            for slug, due_in in (("first-steps", 2), ("weekly-trust-check-in", 0)):  # due today: a reminder
                self.assign(counselor, self.sa, slug, due_in)
            sessions.schedule(counselor, self.sa.id, sessions.SessionDetails(self.day(3), time(10)))

        def sam_checks_in():
            sam = self.sa.partner_a
            self.answer(sam, self.check_in_of(self.sa, sam).id,
                        {**story.SAM_CHECK_IN, "private_note_for_counselor": story.SAM_CHECK_IN_NOTE})
        return [(-5, 1500, start), (-2, 2000, sam_checks_in)]

    # ---- Morgan & Casey: stage 3, physical-intimacy work unlocked (Dr. Okafor) ----------------------

    def morgan_and_casey(self) -> list:
        counselor = self.okafor

        def exchange():
            couples.set_pacing(self.mc.counselor, self.mc.id, stage=2)
            self.mc_work = self.assign(counselor, self.mc, "empathy-exchange", -25)

        def unlock():
            couples.set_pacing(self.mc.counselor, self.mc.id, stage=3, intimacy_unlocked=True)
            self.reconnect = self.assign(counselor, self.mc, "mindful-reconnection", 4)
            sessions.schedule(counselor, self.mc.id, sessions.SessionDetails(self.day(2), time(9)))

        def morgan_begins():
            responses.set_readiness(self.mc.partner_a, self.reconnect.id, True)
            responses.save_draft(self.mc.partner_a, self.reconnect.id, dict(story.MINDFUL_RECONNECTION), {})
        return [(-60, 1500, lambda: setattr(self, "mc", self.add_couple(counselor, ("Morgan", "Casey")))),
                (-59, 2000, lambda: self.calm_check_ins(self.mc)),
                (-58, 1400, lambda: self.read_check_ins(counselor, self.mc)),
                *[(-days, 1200, lambda d=days, n=notes: self.held_session(counselor, self.mc, -d, time(9), n))
                  for days, *notes in story.MC_SESSIONS],
                (-31, 1700, exchange),
                (-27, 2000, lambda: self.both_answer(self.mc, lambda: self.mc_work, story.EMPATHY_EXCHANGE)),
                (-24, 1700, lambda: self.review_both(counselor, self.mc_work, story.EMPATHY_COMMENT)),
                (-10, 1700, unlock), (-4, 2000, morgan_begins)]
