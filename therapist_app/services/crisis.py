"""Crisis resources for the footer of every client page, by the practice's country."""
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import session
from ..models import Practice


@dataclass(frozen=True)
class CrisisResources:
    emergency: str
    lines: tuple[str, ...]


RESOURCES = {
    "US": CrisisResources("911", ("988 Suicide & Crisis Lifeline: call or text 988",
                                  "National Domestic Violence Hotline: 1-800-799-7233, or text START to 88788")),
    "GB": CrisisResources("999", ("Samaritans: 116 123",
                                  "National Domestic Abuse Helpline: 0808 2000 247")),
    "UK": CrisisResources("999", ("Samaritans: 116 123",
                                  "National Domestic Abuse Helpline: 0808 2000 247")),
    "EU": CrisisResources("112", ()),
}
COUNTRY_NAMES = {"US": "United States", "GB": "United Kingdom", "EU": "European Union (112)"}
DEFAULT_NOTE = "This portal is not watched in real time."
# Before anyone has signed in, the practice may not be known (several practices share one sign-in page).
UNKNOWN_PRACTICE = CrisisResources("your local emergency number (112 in Europe, 911 in the US, 999 in the UK)", ())


def crisis_for(practice) -> tuple[str, CrisisResources]:
    """(the practice's note, its resources); unknown countries fall back to the EU number 112."""
    country = (practice.country or "").upper()
    resources = RESOURCES.get(country) or RESOURCES["EU"]
    return (practice.footer_note or DEFAULT_NOTE), resources


def crisis_before_sign_in(practice=None) -> tuple[str, CrisisResources]:
    """The footer of the sign-in family of pages: the practice's own when it is known (an invitation,
    or the only practice), else the emergency numbers of the countries served."""
    if practice is None:
        practices = session.scalars(select(Practice).limit(2)).all()
        practice = practices[0] if len(practices) == 1 else None
    return crisis_for(practice) if practice is not None else (DEFAULT_NOTE, UNKNOWN_PRACTICE)
