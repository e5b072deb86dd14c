"""Time zones: the list people choose from, the practice's default by country, and local <-> UTC."""
from datetime import date, datetime, time, timezone
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from wtforms import SelectField

from .errors import RuleError

# A new practice's default, so that a US practice does not start on UTC (the admin can change it).
DEFAULT_BY_COUNTRY = {"US": "America/New_York", "GB": "Europe/London", "UK": "Europe/London", "EU": "Europe/Berlin"}
FALLBACK = "UTC"


def default_for_country(country: str | None) -> str:
    return DEFAULT_BY_COUNTRY.get((country or "").upper(), FALLBACK)


@lru_cache(maxsize=1)
def names() -> tuple[str, ...]:
    """Every zone a person may hold: real places ("Europe/Paris"), plus UTC; no aliases like
    "Etc/GMT+3" that read backwards."""
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return ("UTC", *zones)


@lru_cache(maxsize=1)
def offered() -> tuple[str, ...]:
    """The zones a list offers: one per place people live, by country (tzdata's zone.tab, about 400),
    without the old and alternative names ("Africa/Asmera", "US/Pacific") that made the list of
    names() some 500 long on a phone."""
    try:
        table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        return names()
    zones = {line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")}
    return ("UTC", *sorted(zones & set(names())))


def choices(current: str | None = None) -> list[tuple[str, str]]:
    """The offered zones, and the person's own if it is not among them (an older name they chose)."""
    own = (current,) if current in names() and current not in offered() else ()
    return [(name, name.replace("_", " ")) for name in (*offered(), *own)]


def require_timezone(name: str | None, field: str = "timezone") -> str:
    """The name if it is a time zone we offer; otherwise a RuleError next to the field."""
    if not name or name not in names():
        raise RuleError("Please choose a time zone from the list.", field=field)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleError("Please choose a time zone from the list.", field=field) from None
    return name


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or FALLBACK)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(FALLBACK)


def local_to_utc(day: date, at: time, zone_name: str, field: str = "start_time") -> datetime:
    """A wall-clock time in a zone, as UTC. A time skipped by a clock change is refused, not guessed."""
    local = datetime.combine(day, at, tzinfo=zone(zone_name))
    utc = local.astimezone(timezone.utc)
    if utc.astimezone(zone(zone_name)).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise RuleError("That time does not exist on that day: the clocks change then. Please choose another time.",
                        field=field)
    return utc


def today_in(zone_name: str | None) -> date:
    """Today's date where the person is: at 20:00 in New York it is still today there, though UTC (and
    the server's date) has moved on to tomorrow."""
    return datetime.now(timezone.utc).astimezone(zone(zone_name)).date()


def to_local(moment: datetime | None, zone_name: str | None) -> datetime | None:
    return moment.astimezone(zone(zone_name)) if moment is not None else None


def format_local(moment: datetime | None, zone_name: str | None, style: str = "long") -> str:
    """'Tuesday 3 March 2026, 14:30 (Europe/London)'; 'short' leaves out the zone and year."""
    local = to_local(moment, zone_name)
    if local is None:
        return ""
    if style == "short":
        return local.strftime("%a %-d %b, %H:%M")
    if style == "date":
        return local.strftime("%A %-d %B %Y")
    if style == "day":  # a row of a table: "3 Mar 2026"
        return local.strftime("%-d %b %Y")
    if style == "day_month":  # within this year's work: "3 Mar"
        return local.strftime("%-d %b")
    if style == "day_time":  # a moment in a history that may span years: "3 Mar 2026, 14:30"
        return local.strftime("%-d %b %Y, %H:%M")
    return f"{local.strftime('%A %-d %B %Y, %H:%M')} ({(zone_name or FALLBACK).replace('_', ' ')})"


class TimezoneField(SelectField):
    """A time zone to choose from the offered list, which keeps the person's own zone if it is an
    older name (so that saving a form never moves anyone). The choice is checked by the services
    (require_timezone), so an unknown zone gets a plain message next to the field."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=choices(), validate_choice=False, **kwargs)

    def process_data(self, value):
        super().process_data(value)
        self.choices = choices(self.data)
