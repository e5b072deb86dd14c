"""What partners see of each other (therapist_app/visibility.py): nothing before submission, and only
what is shared, not held back and, where the counselor releases, released."""
from helpers import save_section
from support import signed_in
from therapist_app.visibility import released_key


def test_the_other_partner_does_not_see_a_draft_before_submission(app, factory):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    save_section(signed_in(app, couple.partner_a), assignment.id, {"what_partner_feels": "draft only words"})
    other = signed_in(app, couple.partner_b)
    for path in (f"/my/homework/{assignment.id}", f"/my/homework/{assignment.id}?edit=1",
                 f"/my/homework/{assignment.id}/review", "/my/"):
        assert "draft only words" not in other.get(path).get_data(as_text=True)


def test_a_released_answer_is_named_by_its_author_and_question():
    assert released_key(7, "what_partner_feels") == "7:what_partner_feels"
