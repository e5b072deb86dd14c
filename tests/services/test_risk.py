"""Which answers alert the counselor (services/risk.py): the practice's choice for a question where
it made one, else the worksheet's risk_values; a skipped question never alerts."""
from types import SimpleNamespace

from therapist_app.services.risk import has_risk_answer, is_risk_answer, risk_values_for

QUESTION = SimpleNamespace(id="safe_at_home", risk_values=["no"])


def test_the_practice_choice_replaces_the_worksheets_own():
    assert risk_values_for(QUESTION, None) == {"no"}
    assert risk_values_for(QUESTION, {"safe_at_home": ["unsure"]}) == {"unsure"}
    assert risk_values_for(QUESTION, {"other_question": ["yes"]}) == {"no"}


def test_a_risk_answer_alerts_in_a_list_or_alone():
    assert is_risk_answer(QUESTION, "no") and is_risk_answer(QUESTION, ["yes", "no"])
    assert not is_risk_answer(QUESTION, "yes") and not is_risk_answer(QUESTION, None)


def test_a_skipped_question_never_alerts():
    definition = SimpleNamespace(all_fields=lambda: [QUESTION])
    assert has_risk_answer(definition, {"values": {"safe_at_home": "no"}, "states": {}})
    assert not has_risk_answer(definition, {"values": {"safe_at_home": "no"}, "states": {"safe_at_home": "skipped"}})
