"""Which layout a page of the sign-in family wears (its templates extend `ta_layout`), and its footer.

The account pages (change password, two-factor, recovery codes) and the pages at the door (an
invitation, a reset link, the second step of signing in) belong to one person: the one signed in,
or else the one a link or a half-finished sign-in names. They wear that person's layout, so a partner
keeps their portal's Sign out, Quick exit and their practice's crisis numbers, and staff keep their
menu without a partner's Quick exit or crisis footer. Pages that belong to no one yet (the sign-in
page) wear the neutral layout, whose footer carries the crisis numbers: a partner may be at the door.
"""
from dataclasses import dataclass
from typing import Callable

from flask import g

from ..models.user import ROLE_ADMIN, ROLE_CLIENT, ROLE_COUNSELOR, User
from ..security.identity import signed_in_user
from ..services.crisis import crisis_before_sign_in, crisis_for
from . import bp


def _their_practices_crisis_numbers(person: User | None) -> dict:
    note, resources = crisis_for(person.practice)
    return {"crisis_note": note, "crisis": resources}


def _crisis_numbers_before_sign_in(person: User | None) -> dict:
    note, resources = crisis_before_sign_in()
    return {"crisis_note": note, "crisis": resources}


def _no_crisis_footer(person: User | None) -> dict:
    return {}  # staff pages carry none, as on every other staff page


@dataclass(frozen=True)
class AccountLayout:
    template: str
    footer: Callable[[User | None], dict]  # the footer's template values, for the page's person


PARTNER = AccountLayout("therapist_app/_client_layout.html", _their_practices_crisis_numbers)
STAFF = AccountLayout("therapist_app/_staff_layout.html", _no_crisis_footer)
# Before sign-in: the neutral look, with the practice's own crisis numbers once the person is known.
PARTNER_AT_THE_DOOR = AccountLayout("therapist_app/base.html", _their_practices_crisis_numbers)
# Staff before sign-in: their look, without a menu they cannot use yet.
STAFF_AT_THE_DOOR = AccountLayout("therapist_app/auth/_staff_at_the_door.html", _no_crisis_footer)
SIGNED_OUT = AccountLayout("therapist_app/base.html", _crisis_numbers_before_sign_in)

SIGNED_IN_LAYOUTS = {ROLE_CLIENT: PARTNER, ROLE_COUNSELOR: STAFF, ROLE_ADMIN: STAFF}
AT_THE_DOOR_LAYOUTS = {ROLE_CLIENT: PARTNER_AT_THE_DOOR, ROLE_COUNSELOR: STAFF_AT_THE_DOOR,
                       ROLE_ADMIN: STAFF_AT_THE_DOOR}


def page_for(person: User | None) -> None:
    """Names whom this page is for when no one is signed in yet (a link's or a pending sign-in's person)."""
    g.ta_page_for = person


def _person_and_layout() -> tuple[User | None, AccountLayout]:
    user = signed_in_user()
    if user is not None:
        return user, SIGNED_IN_LAYOUTS[user.role]
    named = g.get("ta_page_for")
    return named, (AT_THE_DOOR_LAYOUTS[named.role] if named is not None else SIGNED_OUT)


@bp.context_processor
def layout_and_footer() -> dict:
    person, layout = _person_and_layout()
    return {"ta_layout": layout.template, **layout.footer(person)}
