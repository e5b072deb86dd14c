"""The demo practice's story as data: its people, and every word they write. All invented for the demo."""
from dataclasses import dataclass

PRACTICE_NAME = "Riverside Counseling (demo)"
STAFF_PASSPHRASES = {"admin": "demo-admin-passphrase", "counselor": "demo-counselor-passphrase"}
PARTNER_PASSPHRASE = "demo-partner-passphrase"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    password: str
    sees: str


DEMO_LOGINS = (
    DemoLogin("admin", "admin@demo.example", STAFF_PASSPHRASES["admin"],
              "practice settings, the counselors, undelivered email"),
    DemoLogin("counselor", "counselor@demo.example", STAFF_PASSPHRASES["counselor"],
              "the caseload; open Riley & Jordan for tomorrow's session"),
    DemoLogin("counselor", "okafor@demo.example", STAFF_PASSPHRASES["counselor"],
              "a second caseload: Morgan & Casey, in stage 3"),
    DemoLogin("partner", "riley@demo.example", PARTNER_PASSPHRASE,
              "Riley's homework, check-in chart, two session summaries"),
    DemoLogin("partner", "jordan@demo.example", PARTNER_PASSPHRASE,
              "Jordan's homework, a revealed exercise, tomorrow's topics"),
    DemoLogin("partner", "sam@demo.example", PARTNER_PASSPHRASE, "a new couple's first week (stage 1)"),
    DemoLogin("partner", "alex@demo.example", PARTNER_PASSPHRASE, "a check-in still to do (stage 1)"),
    DemoLogin("partner", "morgan@demo.example", PARTNER_PASSPHRASE, "an intimacy exercise, unlocked (stage 3)"),
    DemoLogin("partner", "casey@demo.example", PARTNER_PASSPHRASE, "an intimacy exercise, unlocked (stage 3)"),
)

COUNSELORS = (("Dr. Rivera", "counselor@demo.example", "America/New_York"),
              ("Dr. Okafor", "okafor@demo.example", "America/Chicago"))

# A private check-in with nothing alarming in it: every question answered "never" or "no".
CALM_CHECK_IN = {
    "insulted_or_screamed_at": "never", "put_down_or_humiliated": "never", "afraid_of_partner": "never",
    "hurt_or_threatened": "never", "controlled_by_partner": "never", "jealous_or_monitored": "never",
    "pressured_sexually": "never", "ever_hurt_or_afraid": "never", "own_behaviour": "never",
    "cannot_say_in_joint_sessions": "no", "thoughts_of_self_harm": "never", "could_be_used_against_me": "no",
}
# Sam is unsure whether what they write here could be read at home: an answer the counselor is asked to
# read (the caseload's red badge), and a gentle one for a demo.
SAM_CHECK_IN = {**CALM_CHECK_IN, "could_be_used_against_me": "not_sure"}
SAM_CHECK_IN_NOTE = "Mostly I feel tired. I am glad we started, and a little nervous about the first session."

# ---- Jordan & Riley: six weeks in, stage 2. Riley is the hurt partner. ----------------------------

# Weekly check-in ratings (trust, safety, communication, closeness), oldest first: a slow climb with a dip.
WEEKLY = {
    "hurt": [(2, 4, 3, 2), (3, 4, 3, 3), (3, 5, 4, 3), (2, 4, 3, 3), (4, 6, 5, 4), (5, 6, 6, 5)],
    "involved": [(4, 5, 3, 4), (4, 5, 4, 4), (5, 6, 4, 5), (4, 5, 4, 4), (5, 6, 6, 5), (6, 7, 6, 6)],
}
WEEKLY_REMINDERS = ["most_days", "most_days", "once_or_twice", "most_days", "once_or_twice", "once_or_twice"]
WEEKLY_HELPED = {
    "hurt": ["A long walk on my own.", "Jordan answered my question without getting defensive.", "",
             "My sister's phone call.", "Cooking dinner together on Sunday.", "Jordan told me about a hard moment before I asked."],
    "involved": ["Writing things down before I talk.", "Riley let me sit with them for a while.", "",
                 "Going to bed at the same time.", "The time-out word worked.", "Saying sorry without explaining."],
}
# CSI-4 points per item (happiness 0-6, warm 0-5, rewarding 0-5, satisfied 0-5), every two weeks.
CSI = {"hurt": [(1, 2, 3, 2), (2, 3, 3, 3), (3, 4, 4, 4)], "involved": [(2, 3, 3, 3), (3, 3, 4, 3), (3, 4, 5, 4)]}
CSI_OPTIONS = {
    "csi_happiness": ["extremely_unhappy", "fairly_unhappy", "a_little_unhappy", "happy", "very_happy",
                      "extremely_happy", "perfect"],
    "csi_warm": ["not_at_all_true", "a_little_true", "somewhat_true", "mostly_true", "almost_completely_true",
                 "completely_true"],
    "csi_rewarding": ["not_at_all", "a_little", "somewhat", "mostly", "almost_completely", "completely"],
    "csi_satisfied": ["not_at_all", "a_little", "somewhat", "mostly", "almost_completely", "completely"],
}

FIRST_STEPS = {
    "hurt": {"how_long": "Until the summer, then we look again.",
             "who_to_tell": [{"who": "My sister", "what": "That we are in counseling and working on things.",
                              "who_tells": "Me, this weekend"}],
             "support_for_me": "My sister, my running group, and a journal I keep by the bed."},
    "involved": {"how_long": "As long as Riley needs.",
                 "who_to_tell": [{"who": "No one for now", "what": "", "who_tells": ""}],
                 "support_for_me": "My own counselor, and the friend who told me to be honest."},
}
FIRST_STEPS_COMMENT = "Thank you both. Holding big decisions until the summer gives you room; we'll look again then."

NEW_BOUNDARIES = {
    "hurt": {"privacy_communication_boundaries": [
                 {"area": "Phones", "ask": "Tell me if they get in touch, the same day.", "offer": "I won't go through your phone."},
                 {"area": "Evenings", "ask": "A text if you will be late.", "offer": "I'll answer, even when I'm upset."}],
             "physical_boundaries": [{"touch_area": "Sleep", "touch_ask": "Separate rooms for now.",
                                      "touch_offer": "A hug goodnight if I ask."}],
             "window_between_us": "Talking after the children are in bed, twice a week, for half an hour.",
             "agreed_boundaries": "No contact with the other person. A text when late. Phones stay private."},
    "involved": {"contact_status": "fully_ended",
                 "how_i_will_show_it": "I will tell Riley the same day if they ever contact me, and show the message.",
                 "privacy_communication_boundaries": [
                     {"area": "Phones", "ask": "Some privacy for my own messages.", "offer": "I tell you about any contact, the same day."}],
                 "physical_boundaries_respected": [{"touch_area": "Sleep", "touch_respect": "Separate rooms until Riley says.",
                                                    "touch_offer": "A hug when asked."}],
                 "window_between_us": "I'd like us to have a walk on Saturdays, just the two of us.",
                 "agreed_boundaries": "No contact with the other person. I text when I'm late."},
}
NEW_BOUNDARIES_HELD_BACK = ["window_between_us"]  # Jordan keeps one shared answer for the counselor only
AGREED_BOUNDARY = ("No contact with the other person; any contact from them is told the same day. "
                   "A text when either of us will be late. Phones stay private. We look at this again in a month.")
NEW_BOUNDARIES_COMMENT = "Clear and kind to each other. I've written down the wording you agreed in session."

HONEST_CONVERSATION = {
    "hurt": {"feelings_now": ["hurt", "sadness", "hope"], "readiness_to_talk": 6,
             "what_would_make_it_worthwhile": "Hearing the answers without having to pull them out of you.",
             "questions_to_ask": [{"question": "When did you decide to tell me?", "why_it_matters": "I want to understand the timeline."}],
             "what_i_need": "To pause when I ask, and come back to it the next day."},
    "involved": {"feelings_now": ["guilt", "shame", "hope"], "readiness_to_talk": 5,
                 "what_would_make_it_worthwhile": "That Riley feels I am not hiding anything any more.",
                 "what_i_acknowledge": "I broke our trust, and I kept it from you for months.",
                 "impact_i_see": "You stopped sleeping well, and you check your phone when I'm out.",
                 "pause_plan": "We use our time-out word and meet again after twenty minutes."},
}

TRIGGER_PLAN = {
    "hurt": {"trigger_plan": [{"trigger": "Your phone buzzing at dinner", "signal": "I go quiet",
                               "what_helps": "You show me who it is", "reassurance": "Tell me you're here"}],
             "time_out_word": "Lighthouse", "when_it_is_too_much": "I go for a walk and text when I'm back."},
    "involved": {"trigger_plan": [{"trigger": "Driving past the old office", "signal": "You hold my hand tighter",
                                   "what_helps": "Talking about the day ahead", "reassurance": "I say I chose us"}],
                 "time_out_word": "Lighthouse", "when_it_is_too_much": "I sit with Riley quietly and don't argue."},
}

# (days before today, what we worked on, observations, plan) and, for some, the published summary.
SESSIONS = [
    (42, "First session together: how we work, safety, and the weekly check-in.",
     "Both engaged. Riley quiet at first, warmer by the end.", "Private check-ins; first steps exercise."),
    (35, "The first steps: what to hold off on, who knows.", "Jordan anxious to 'fix it fast'.",
     "Slow the pace; start the monthly questionnaire."),
    (28, "Boundaries: privacy, contact, closeness for now.", "Good listening from both.", "New boundaries exercise."),
    (21, "Reading the boundaries together; agreeing the wording.", "Riley relieved.", "Trigger plan."),
    (14, "Triggers and the time-out word.", "Jordan used the word well in the room.", "Preparing for the honest conversation."),
    (7, "Getting ready for the honest conversation, and moving to stage 2.", "Both steadier; scores up.",
     "Release the honest-conversation answers after next session."),
]
SUMMARIES = {
    14: ("Triggers, and a word either of you can use to take a break.",
         "You both did something brave this week. Keep the time-out word light and easy to use."),
    7: ("Getting ready for an honest conversation, and the boundaries you agreed.",
        "We'll hold the conversation itself in session, together. Go gently with each other until then."),
}
TOPICS = {
    "hurt": ("I'd like to talk about the weekend with my parents.", "shared"),
    "involved": ("How to answer questions without getting defensive.", "counselor"),
}

# ---- Morgan & Casey: stage 3, physical-intimacy work unlocked. Morgan is the hurt partner. -----------

MINDFUL_RECONNECTION = {"comfort_now": 6,
                        "before_any_closeness": "That we can stop at any moment, and that stopping is fine."}
EMPATHY_EXCHANGE = {
    "hurt": {"what_partner_feels": "Ashamed, and worried that I'll never trust you again.",
             "one_request": "Ask me how my day really was."},
    "involved": {"what_partner_feels": "Tired of being strong, and still angry some days.",
                 "one_request": "Tell me when a reminder catches you."},
}

NOTES = {
    "first-steps": "Take your time with this. We will talk it through next session.",
    "new-boundaries": "Write what feels true for now; boundaries can change later.",
    "honest-conversation": "This is preparation only. We'll have the conversation itself in session.",
    "trigger-plan": "Keep it short and practical.",
    "weekly-trust-check-in": "A minute a week. Ups and downs are normal.",
    "couples-satisfaction-index": "Four short questions, every couple of weeks.",
    "mindful-reconnection": "Only when you both feel ready. 'Not yet' is always fine.",
    "empathy-exchange": "Try to write from your partner's side.",
}

MC_SESSIONS = [
    (31, "Where we are after the first month; moving on to understanding each other.", "Casey more open than before.",
     "Empathy exchange."),
    (10, "Closeness, and what each of you needs before it.", "Both asked, calmly, to start slowly.",
     "Unlock the reconnection exercise; either may say 'not yet'."),
]
EMPATHY_COMMENT = "You each wrote from the other's side, which is harder than it looks. Well done."

ANSWERS = {"first-steps": FIRST_STEPS, "new-boundaries": NEW_BOUNDARIES, "honest-conversation": HONEST_CONVERSATION,
           "trigger-plan": TRIGGER_PLAN, "empathy-exchange": EMPATHY_EXCHANGE}
