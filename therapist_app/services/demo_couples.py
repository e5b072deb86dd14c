"""The demo practice's story in steps: three couples over six weeks, each step placed on a day and
an hour (what they write is data, in demo_story)."""
from datetime import time

from sqlalchemy import select

from ..extensions import session
from ..models import Assignment, Response
from . import assignments, couples, releases, responses, reviews, series, sessions, summaries
from . import demo_story as story
from .demo_actions import StoryActions


class DemoStory(StoryActions):
    """The practice's six weeks, told in order. Steps are (days from today, UTC hour, step)."""

    def tell(self) -> None:
        self.staff()
        steps = self.jordan_and_riley() + self.sam_and_alex() + self.morgan_and_casey()
        for days, hour, step in sorted(steps, key=lambda s: (s[0], s[1])):
            with self.at(days, hour // 100, hour % 100):
                step()
        self.forget_past_mail()

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
