"""The time-zone list people choose from (timezones.py): one zone per place, and nobody moved by it."""
import re

from support import csrf_token, signed_in
from therapist_app.extensions import session as db_session


def _offered(html: str) -> list[str]:
    select = html[html.index('name="timezone"'):]
    return re.findall(r'<option[^>]*value="([^"]+)"', select[:select.index("</select>")])


def test_a_partner_chooses_from_one_zone_per_place_not_every_old_name(app, factory):
    couple = factory.couple()
    page = signed_in(app, couple.partner_a).get("/my/settings").get_data(as_text=True)
    offered = _offered(page)
    assert "America/New_York" in offered and "Europe/Kyiv" in offered and offered[0] == "UTC"
    assert "Africa/Asmera" not in offered and "US/Pacific" not in offered and "Europe/Kiev" not in offered
    assert len(offered) < 450


def test_a_zone_chosen_under_an_older_name_stays_chosen_and_saving_keeps_it(app, factory):
    couple = factory.couple()
    couple.partner_a.timezone = "US/Pacific"
    db_session.commit()
    partner = signed_in(app, couple.partner_a)
    page = partner.get("/my/settings").get_data(as_text=True)
    assert "US/Pacific" in _offered(page)
    assert 'selected value="US/Pacific"' in page or 'value="US/Pacific" selected' in page
    partner.post("/my/settings", data={"csrf_token": csrf_token(partner), "email_reminders": "y",
                                       "reminder_hour": "18", "timezone": "US/Pacific"})
    db_session.expire_all()
    assert couple.partner_a.timezone == "US/Pacific" and couple.partner_a.reminder_hour == 18


def test_a_zone_not_on_the_list_is_refused_next_to_the_field(app, factory):
    couple = factory.couple()
    partner = signed_in(app, couple.partner_a)
    page = partner.post("/my/settings", data={"csrf_token": csrf_token(partner), "reminder_hour": "18",
                                              "timezone": "Mars/Olympus_Mons"})
    assert page.status_code == 422 and "Please choose a time zone from the list." in page.get_data(as_text=True)
