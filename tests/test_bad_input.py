"""Bad input never reaches a 500: a calm page or JSON with a 4xx, whatever a person or a script sends."""
import io
import json

from flask import current_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import answer_everything, submit
from sessions_support import add_session, add_topic
from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session
from therapist_app.models import OutboxMessage, Response, SessionTopic
from therapist_app.services import series, worksheet_builder
from therapist_app.services.worksheets import version_by_slug

HUGE_ID = "99999999999999999999"


class World:
    """One practice with a counselor, an admin and a couple with homework, each signed in."""

    def __init__(self, app, factory):
        self.couple = factory.couple()
        self.counselor = self.couple.counselor
        self.admin = factory.admin(self.counselor.practice)
        self.assignment = factory.assign(self.couple, "empathy-exchange")
        partner = signed_in(app, self.couple.partner_a)
        answer_everything(partner, self.assignment)
        submit(partner, self.assignment.id)
        self.response_id = db_session.query(Response.id).filter_by(assignment_id=self.assignment.id).scalar()
        self.worksheet = worksheet_builder.duplicate(self.counselor, version_by_slug("empathy-exchange").id)
        self.field_id = self.worksheet.draft_definition["sections"][0]["fields"][0]["id"]
        self.version_id = version_by_slug("empathy-exchange").id
        self.app = app
        self.appointment_id = add_session(signed_in(app, self.counselor), self.couple, days=2).id
        add_topic(signed_in(app, self.couple.partner_a), "Something for next time")
        self.topic_id = db_session.query(SessionTopic.id).scalar()
        check_in = version_by_slug("weekly-trust-check-in").id
        self.series_id = series.assign_repeating(self.counselor, self.couple.id, check_in,
                                                 series.Recurrence()).assignments[0].series_id
        self.message_id = db_session.query(OutboxMessage.id).limit(1).scalar()

    def ids(self) -> dict:
        return {"couple_id": self.couple.id, "assignment_id": self.assignment.id, "response_id": self.response_id,
                "worksheet_id": self.worksheet.id, "version_id": self.version_id, "counselor_id": self.counselor.id,
                "field_id": self.field_id, "token": "not-a-real-invitation", "partner_id": self.couple.partner_b_id,
                "appointment_id": self.appointment_id, "topic_id": self.topic_id, "series_id": self.series_id,
                "message_id": self.message_id}

    def client_for(self, rule: str):
        person = {"/my": self.couple.partner_a, "/counselor": self.counselor, "/admin": self.admin}
        for prefix, user in person.items():
            if rule.startswith(prefix):
                return signed_in(self.app, user)
        return self.app.test_client()


def _url(rule, ids: dict, **overrides) -> str:
    """A real URL for the rule: our ids for its arguments, the gentlest choice of an any(…)."""
    values = {}
    for argument, converter in rule._converters.items():
        if argument in overrides:
            values[argument] = overrides[argument]
        elif type(converter).__name__ == "AnyConverter":
            values[argument] = sorted(converter.items)[0]
        else:
            values[argument] = ids[argument]
    return current_app.url_map.bind("localhost").build(rule.endpoint, values)


def _our_rules(app, method):
    return sorted((r for r in app.url_map.iter_rules() if method in r.methods and r.endpoint.startswith("ta_")
                   and not r.endpoint.startswith("ta_assets")), key=lambda r: r.rule)


def test_a_huge_id_in_any_url_is_a_calm_404(app, factory):
    world = World(app, factory)
    checked = 0
    for method in ("GET", "POST"):
        for rule in _our_rules(app, method):
            huge = {a: HUGE_ID for a, c in rule._converters.items() if type(c).__name__ == "RowIdConverter"}
            if not huge:
                continue
            client = world.client_for(rule.rule)
            url = _url(rule, world.ids(), **huge)
            response = client.get(url) if method == "GET" else client.post(
                url, data={"csrf_token": csrf_token(client)})
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked >= 25


def test_a_non_numeric_revision_on_submit_asks_to_review_again(app, factory):
    world = World(app, factory)
    partner = signed_in(app, world.couple.partner_b)
    response = partner.post(f"/my/homework/{world.assignment.id}/submit",
                            data={"csrf_token": csrf_token(partner), "revision": "abc"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/review")


def test_sign_in_json_that_is_not_an_object_is_a_wrong_sign_in(app):
    client = app.test_client()
    for body in ("[1, 2, 3]", "42", '"text"', "null"):
        response = client.post("/login.json", data=body, content_type="application/json",
                               headers={"X-CSRFToken": csrf_token(client), "Accept": "application/json"})
        assert response.status_code == 401 and response.json["ok"] is False


def test_a_deeply_nested_fhir_import_is_refused_with_a_message(app, factory):
    counselor = signed_in(app, factory.counselor())
    hostile = ("[" * 200_000 + "]" * 200_000).encode()
    response = counselor.post("/counselor/worksheets/import", data={
        "csrf_token": csrf_token(counselor), "questionnaire": (io.BytesIO(hostile), "deep.json")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "nested too deeply" in response.get_data(as_text=True)


def test_a_builder_field_id_with_a_newline_is_not_found(app, factory):
    world = World(app, factory)
    counselor = signed_in(app, world.counselor)
    for field_id in ("q%0AX-Injected: 1", "q%0D%0A", "Q", "q%20x"):
        response = counselor.post(f"/counselor/worksheets/{world.worksheet.id}/fields/{field_id}",
                                  data={"csrf_token": csrf_token(counselor)})
        assert response.status_code == 404


def test_a_five_mebibyte_autosave_is_refused_with_413_and_a_message(app, factory):
    world = World(app, factory)
    partner = signed_in(app, world.couple.partner_b)
    response = partner.post(f"/my/homework/{world.assignment.id}/draft",
                            data={"csrf_token": csrf_token(partner), "a__what_partner_feels": "x" * (5 * 1024 * 1024)},
                            headers={"Accept": "application/json"})
    assert response.status_code == 413
    assert response.json["error"] == "too_large" and "still on your screen" in response.json["message"]
    page = partner.post("/my/settings", data={"csrf_token": csrf_token(partner), "timezone": "x" * (3 * 1024 * 1024)})
    assert page.status_code == 413 and "too much to send at once" in page.get_data(as_text=True)


FORM_KEYS = ["revision", "action", "note", "comment", "wording", "field_id", "hold_back", "stage", "hurt_partner",
             "worksheet", "assignee", "due_date", "title", "purpose", "estimated_minutes", "label", "type", "options",
             "columns", "email", "display_name", "name", "country", "paper_size", "login", "password", "next",
             "timezone", "reminder_hour", "email_reminders", "ready", "shared", "a_name", "a_email", "b_name",
             "b_email", "intimacy_unlocked", "joint_paused", "footer_note", "confirm", "a__what_partner_feels",
             "s__what_partner_feels", "a__in_my_partners_shoes-0-x", "section", "questionnaire"]
TEXT = st.one_of(st.text(max_size=60), st.sampled_from(["", "0", "-1", HUGE_ID, "1e400", "NaN", "both", "yes",
                                                         "2026-02-30", "next", "review", "\x00", "a\nb", "é" * 3]))
BODIES = st.dictionaries(st.one_of(st.sampled_from(FORM_KEYS), st.text(min_size=1, max_size=12)),
                         st.one_of(TEXT, st.lists(TEXT, max_size=3)), max_size=8)


def test_generated_bodies_on_every_form_route_never_cause_a_server_error(app, factory):
    """Every POST route, as the role that may use it, with generated form bodies and a valid CSRF token.
    Testing mode lets exceptions escape, so any crash fails here rather than hiding in a 500."""
    world = World(app, factory)
    rules = [r for r in _our_rules(app, "POST") if r.endpoint not in ("ta_auth.logout", "ta_admin.set_active")]
    sent = []

    for rule in rules:
        client = world.client_for(rule.rule)
        url = _url(rule, world.ids())
        token = csrf_token(client)

        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
        @given(body=BODIES)
        def post_generated(body):
            response = client.post(url, data={**body, "csrf_token": token})
            sent.append(response.status_code)
            assert response.status_code < 500, (url, body, response.status_code)

        post_generated()
    assert len(rules) >= 25 and len(sent) >= 25 * 12
    print(f"{len(sent)} generated bodies over {len(rules)} form routes; none caused a server error")


def test_json_bodies_of_any_shape_to_the_json_routes_never_cause_a_server_error(app, factory):
    world = World(app, factory)
    partner = signed_in(app, world.couple.partner_b)
    shapes = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                          lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                        max_size=4), max_leaves=12)

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=shapes)
    def post_json(body):
        for url in ("/login.json", f"/my/homework/{world.assignment.id}/draft"):
            response = partner.post(url, data=json.dumps(body), content_type="application/json",
                                    headers={"X-CSRFToken": csrf_token(partner), "Accept": "application/json"})
            assert response.status_code < 500

    post_json()


def test_an_invisible_nul_character_is_refused_beside_the_field_on_every_database(app, factory):
    world = World(app, factory)
    admin = signed_in(app, world.admin)
    page = admin.post("/admin/practice", data={"csrf_token": csrf_token(admin), "name": "Practice", "country": "US",
                                               "paper_size": "A4", "default_timezone": "UTC", "footer_note": "\x00"})
    assert page.status_code == 200 and "invisible character that can" in page.get_data(as_text=True)


def test_reloading_a_refused_forms_address_goes_back_to_its_page_not_a_bare_405(app, factory):
    """A refused reschedule leaves ".../edit" in the address bar; a reload from there was a GET, met
    with an unstyled "Method Not Allowed". It now goes to the session's page, and nothing is sent."""
    couple = factory.couple()
    counselor = signed_in(app, couple.counselor)
    booked = add_session(counselor, couple, days=3)
    reload = counselor.get(f"/counselor/sessions/{booked.id}/edit")
    assert reload.status_code == 303 and reload.headers["Location"].endswith(f"/counselor/sessions/{booked.id}")
    nowhere = counselor.get("/logout")  # posts only, and no page above it: a calm page, not a bare one
    assert nowhere.status_code == 405 and "This page isn" in nowhere.get_data(as_text=True)
