"""Crisis resources for the footer of every client page, by the practice's country."""
from dataclasses import dataclass


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


def crisis_for(practice) -> tuple[str, CrisisResources]:
    """(the practice's note, its resources); unknown countries fall back to the EU number 112."""
    country = (practice.country or "").upper()
    resources = RESOURCES.get(country) or RESOURCES["EU"]
    return (practice.footer_note or DEFAULT_NOTE), resources
