"""Time zones: the list people choose from, the practice's default by country, and local <-> UTC."""
from datetime import date, datetime, time, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import RuleError

# A new practice's default, so that a US practice does not start on UTC (the admin can change it).
DEFAULT_BY_COUNTRY = {"US": "America/New_York", "GB": "Europe/London", "UK": "Europe/London", "EU": "Europe/Berlin"}
FALLBACK = "UTC"


def default_for_country(country: str | None) -> str:
    return DEFAULT_BY_COUNTRY.get((country or "").upper(), FALLBACK)


@lru_cache(maxsize=1)
def names() -> tuple[str, ...]:
    """Real places only ("Europe/Paris"), plus UTC; no aliases like "Etc/GMT+3" that read backwards."""
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return ("UTC", *zones)


def choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in names()]


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
    return f"{local.strftime('%A %-d %B %Y, %H:%M')} ({(zone_name or FALLBACK).replace('_', ' ')})"
