"""The access matrix: every route of the plugin, with real ids, as 8 people, against one table of who
may use it. A new route without a line in ROUTES fails here, so no page ships undeclared.

Expected results: "ok" (anything but not-found, a sign-in redirect or a server error), "404" (the
same answer as for something that does not exist), "login" (sent to sign in).
"""
import pytest
from sqlalchemy import select

from helpers import answer_everything, submit
from sessions_support import add_session, add_topic
from support import csrf_token, signed_in
from therapist_app import create_app
from therapist_app.extensions import session as db_session
from therapist_app.models import OutboxMessage, Response, SessionTopic
from therapist_app.services import series, summaries, worksheet_builder
from therapist_app.services.worksheets import version_by_slug

ROLES = ("anonymous", "partner_a", "partner_b", "other_couples_partner", "counselor", "other_counselor",
         "admin", "other_practices_admin")

# Who may use a route, by audience. Everyone else gets "404", except anonymous people, who are
# asked to sign in ("login"). "any" routes are the sign-in family: reachable by all.
AUDIENCES = {
    "any": set(ROLES),
    "signed_in": set(ROLES) - {"anonymous"},
    "staff": {"counselor", "other_counselor", "admin", "other_practices_admin"},
    "any_partner": {"partner_a", "partner_b", "other_couples_partner"},
    "the_couple": {"partner_a", "partner_b"},
    "the_author": {"partner_a"},
    "any_counselor": {"counselor", "other_counselor"},
    "the_counselor": {"counselor"},
    "any_admin": {"admin", "other_practices_admin"},
    "the_admin": {"admin"},
}
ROUTES = {
    "ta_auth.accept_invitation": "any", "ta_auth.change_password": "signed_in", "ta_auth.csrf_token": "any",
    "ta_auth.forgot_password": "any", "ta_auth.home": "any", "ta_auth.login": "any", "ta_auth.login_json": "any",
    "ta_auth.logout": "any", "ta_auth.reminders_off": "any", "ta_auth.reset_password": "any",
    "ta_auth.second_step": "any", "ta_auth.session_alive": "any", "ta_auth.two_factor_account": "staff",
    "ta_auth.two_factor_setup": "any",
    "ta_client.homework": "any_partner", "ta_client.settings": "any_partner", "ta_client.topics_page": "any_partner",
    "ta_client.summaries_list": "any_partner", "ta_client.next_session_ics": "any_partner",
    "ta_client.finished": "any_partner", "ta_client.check_in_history": "any_partner",
    "ta_client.exercise": "the_couple", "ta_client.review": "the_couple", "ta_client.save_section": "the_couple",
    "ta_client.autosave": "the_couple", "ta_client.readiness": "the_couple", "ta_client.submit": "the_couple",
    "ta_client.skip_unanswered": "the_couple", "ta_client.addendum": "the_couple", "ta_client.summary": "the_couple",
    "ta_client.summary_pdf": "the_couple", "ta_client.withdraw_topic": "the_author",
    "ta_client.download_answers": "any_partner",
    "ta_counselor.dashboard": "any_counselor", "ta_counselor.add_couple": "any_counselor",
    "ta_counselor.library": "any_counselor", "ta_counselor.new_worksheet": "any_counselor",
    "ta_counselor.import_worksheet": "any_counselor", "ta_counselor.counselor_settings": "any_counselor",
    "ta_counselor.calendar_settings": "any_counselor", "ta_counselor.rotate_calendar_token": "any_counselor",
    "ta_counselor.calendar_feed": "any",  # its secret token is the key; a wrong one is 404 for everyone
    "ta_counselor.duplicate_worksheet": "any_counselor", "ta_counselor.export_questionnaire": "any_counselor",
    "ta_counselor.preview_version": "any_counselor",
    **{f"ta_counselor.{name}": "the_counselor" for name in (
        "couple", "assign", "pacing", "prep_packet", "reissue_invitation", "invitations_to_hand_over",
        "schedule_session", "answers",
        "agreement", "cancel_assignment", "sharing", "release", "export_response", "mark_reviewed", "change_series", "series_schedule",
        "session_page", "reschedule_session", "session_status", "session_notes", "session_prep_packet",
        "session_summary", "summary_preview", "summary_preview_pdf", "publish_summary", "edit_worksheet",
        "preview_draft", "publish_worksheet", "worksheet_add_field", "worksheet_add_section", "worksheet_details",
        "worksheet_field", "worksheet_field_action", "care_status", "export_couple", "delete_couple")},
    "ta_admin.counselors": "any_admin", "ta_admin.practice": "any_admin", "ta_admin.undelivered_email": "any_admin",
    "ta_admin.risk_answers": "any_admin", "ta_admin.risk_phrases": "any_admin",
    "ta_admin.risk_alert_emails": "any_admin", "ta_admin.set_active": "the_admin", "ta_admin.retry_email": "the_admin",
    "ta_admin.couples": "any_admin",
    **{f"ta_admin.{name}": "the_admin" for name in (
        "couple", "transfer_couple", "care_status", "delete_couple", "deactivate_counselor", "reissue_counselor_invitation")},
    "ta_admin.audit_log_page": "any_admin", "ta_admin.audit_log_csv": "any_admin",
}
# Routes that end or change the browser's own session are checked last, so that they spoil nothing.
LAST = ("ta_auth.logout",)


class World:
    """Two practices; in the first, a couple with everything a route can name, and a second couple."""

    def __init__(self, app, factory):
        self.couple = factory.couple()
        counselor = self.couple.counselor
        practice = counselor.practice
        other = factory.couple(factory.counselor(practice))
        self.assignment = factory.assign(self.couple, "empathy-exchange")
        for partner in self.couple.partners:
            client = signed_in(app, partner)
            answer_everything(client, self.assignment)
            submit(client, self.assignment.id)
        # A session already held (its summary is published below: none goes out before a session
        # happens), and the next one, which the partner's topic is for.
        self.appointment = add_session(signed_in(app, counselor), self.couple, days=-2)
        add_session(signed_in(app, counselor), self.couple, days=2)
        add_topic(signed_in(app, self.couple.partner_a), "A topic for next time")
        self.worksheet = worksheet_builder.duplicate(counselor, version_by_slug("empathy-exchange").id)
        add_session(signed_in(app, other.counselor), other, days=3)
        self.series = series.assign_repeating(counselor, self.couple.id, version_by_slug("weekly-trust-check-in").id,
                                              series.Recurrence()).assignments[0].series_id
        summaries.save_draft(counselor, self.appointment.id, summaries.SummaryDraft(
            parts={"both": {"worked_on": "How we listen", "note": "See you next week"}}))
        self.summary = summaries.publish(counselor, self.appointment.id).id
        failed = db_session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == self.couple.partner_a_id))
        failed.status = "failed"
        db_session.commit()
        self.failed_message = failed.id
        self.people = {"anonymous": None, "partner_a": self.couple.partner_a, "partner_b": self.couple.partner_b,
                       "other_couples_partner": other.partner_a, "counselor": counselor,
                       "other_counselor": other.counselor, "admin": factory.admin(practice),
                       "other_practices_admin": factory.admin(factory.practice())}
        self.app = app

    def ids(self) -> dict:
        scalar = db_session.scalar
        return {
            "couple_id": self.couple.id, "assignment_id": self.assignment.id,
            "response_id": scalar(select(Response.id).where(Response.assignment_id == self.assignment.id)),
            "appointment_id": self.appointment.id, "partner_id": self.couple.partner_a_id,
            "topic_id": scalar(select(SessionTopic.id)), "worksheet_id": self.worksheet.id,
            "version_id": version_by_slug("empathy-exchange").id, "counselor_id": self.couple.counselor_id,
            "field_id": self.worksheet.draft_definition["sections"][0]["fields"][0]["id"],
            "summary_id": self.summary, "series_id": self.series, "message_id": self.failed_message,
            "token": "not-a-real-token",
        }


def _url(app, rule, ids):
    values = {a: sorted(c.items)[0] if type(c).__name__ == "AnyConverter" else ids[a]
              for a, c in rule._converters.items()}
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def _outcome(response) -> str:
    if response.status_code >= 500:
        return "500"
    if response.status_code == 404:
        return "404"
    location = response.headers.get("Location", "").split("?")[0]
    if (response.status_code == 302 and location.endswith("/login")) or (
            response.status_code == 401 and response.is_json):
        return "login"
    return "ok"


def _expected(role: str, audience: str) -> str:
    if role in AUDIENCES[audience]:
        return "ok"
    return "login" if role == "anonymous" else "404"


def test_every_route_is_declared():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    endpoints = {r.endpoint for r in app.url_map.iter_rules()
                 if r.endpoint.startswith("ta_") and not r.endpoint.startswith("ta_assets")}
    assert endpoints - set(ROUTES) == set(), "declare who may use these routes in ROUTES"
    assert set(ROUTES) - endpoints == set(), "these declared routes no longer exist"


@pytest.mark.timeout(600)
def test_every_route_as_every_role_matches_the_table(app, factory):
    world = World(app, factory)
    ids = world.ids()
    clients = {role: signed_in(app, person) if person else app.test_client() for role, person in world.people.items()}
    tokens = {role: csrf_token(client) for role, client in clients.items()}
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint in ROUTES),
                   key=lambda r: (r.endpoint in LAST, r.endpoint))
    mismatches, cases = [], 0
    for rule in rules:
        audience = ROUTES[rule.endpoint]
        url = _url(app, rule, ids)
        # Refused people first: whatever the allowed ones change cannot make a refusal look right.
        for role in sorted(ROLES, key=lambda r: r in AUDIENCES[audience]):
            client = clients[role]
            method = "GET" if "GET" in rule.methods else "POST"
            response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": tokens[role]})
            cases += 1
            got, wanted = _outcome(response), _expected(role, audience)
            if audience != "any" and got != wanted or got == "500":
                mismatches.append(f"{method} {url} as {role}: {got}, expected {wanted}")
    print(f"access matrix: {cases} route x role cases over {len(rules)} routes and {len(ROLES)} roles")
    assert mismatches == [], "\n".join(mismatches)
    assert cases == len(rules) * len(ROLES) >= 80 * 8
