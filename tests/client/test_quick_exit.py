"""Quick exit with typing not yet saved (client/saving_views.py): the page's leaving save carries
`sign_out=1`, and the person is signed out whatever that save meets."""
import pytest

from helpers import first_long_text_field
from support import csrf_token, signed_in
from therapist_app.services import assignments


def _quick_exit(client, assignment, field_id, text, revision):
    return client.post(f"/my/homework/{assignment.id}/draft?section=0&beacon=1&sign_out=1",
                       data={"csrf_token": csrf_token(client), "revision": str(revision), f"a__{field_id}": text,
                             "page": "0123456789abcdef", "page_save": "1"},
                       headers={"Accept": "application/json"})


def _still_signed_in(client) -> bool:
    return client.get("/my/").status_code == 200


@pytest.mark.parametrize("what_the_save_meets", ["a save from another tab", "a closed exercise"])
def test_quick_exit_signs_out_even_when_its_save_cannot_be_written(app, factory, what_the_save_meets):
    couple = factory.couple()
    assignment = factory.assign(couple, "empathy-exchange")
    field_id = first_long_text_field(assignment)
    phone, other_tab = signed_in(app, couple.partner_a), signed_in(app, couple.partner_a)
    if what_the_save_meets == "a save from another tab":
        other_tab.post(f"/my/homework/{assignment.id}/draft?section=0",
                       data={"csrf_token": csrf_token(other_tab), "revision": "0", f"a__{field_id}": "Other tab"},
                       headers={"Accept": "application/json"})
    else:
        assignments.cancel(couple.counselor, assignment.id)
    assert _still_signed_in(phone)
    exit_ = _quick_exit(phone, assignment, field_id, "Typed just before leaving", revision=0)
    assert exit_.status_code == 200 and exit_.json == {"ok": False}
    assert not _still_signed_in(phone)
