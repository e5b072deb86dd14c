"""When a person may get a reminder: from their preferred hour, in their own zone, never at night."""
from datetime import date, datetime, time, timedelta, timezone

from ...timezones import zone

EARLIEST_HOUR = 8   # never before 08:00 local time
LATEST_HOUR = 21    # never from 21:00 local time


def preferred(hour: int | None) -> int:
    return min(max(hour if hour is not None else 18, EARLIEST_HOUR), LATEST_HOUR - 1)


def local_now(now: datetime, zone_name: str | None) -> datetime:
    return now.astimezone(zone(zone_name))


def is_reminder_time(local: datetime, hour: int | None) -> bool:
    """From the preferred hour until 21:00 on the person's own clock. A moment missed while the
    scheduler was down is therefore caught up the same evening, never in the night."""
    return preferred(hour) <= local.hour < LATEST_HOUR


def next_reminder_moment(now: datetime, zone_name: str | None, hour: int | None) -> datetime:
    """`now` if it is reminder time for this person, else their next preferred hour (in UTC)."""
    local = local_now(now, zone_name)
    if is_reminder_time(local, hour):
        return now
    day = local.date() if local.hour < preferred(hour) else local.date() + timedelta(days=1)
    return _at(day, preferred(hour), zone_name)


def _at(day: date, hour: int, zone_name: str | None) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone(zone_name)).astimezone(timezone.utc)


def day_label(day: date) -> str:
    return day.strftime("%A %-d %B")
