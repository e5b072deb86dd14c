"""wants_json (therapist_app/negotiation.py): the pages' own scripts get JSON, browsers get pages."""
from therapist_app.negotiation import wants_json


def test_a_script_asking_for_json_gets_it_and_a_browser_gets_a_page(app):
    with app.test_request_context("/", headers={"Accept": "application/json"}):
        assert wants_json()
    with app.test_request_context("/", json={"a": 1}):
        assert wants_json()
    with app.test_request_context("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}):
        assert not wants_json()
