"""A meeting's start time in the IANA time zone of its venue.

What is stored is what a person meant: the local wall time (``"14:00"``) on the
meeting's start date, and the zone id (``"Europe/Zurich"``, Geneva's: IANA has no Europe/Geneva). The UTC instant every
office shows is derived from those two with :func:`start_instant`, so a zone's rules
changing later (new tz data) keeps the meeting at 14:00 local, as its invitation said.

Days when the clocks change: a local time skipped when the clocks go forward
(02:30 on the last Sunday of March in Europe/Zurich) does not exist and is refused
(NonexistentLocalTime); a local time that happens twice when they go back (02:30 on the
last Sunday of October) is ambiguous and refused too (AmbiguousLocalTime) rather than
guessed, since nobody schedules a meeting then and a wrong guess moves it by an hour.

A zone without a time is allowed (the venue's zone, known before the hour is); a time
without a zone is refused (TimeWithoutZone). Time zone data: Python's ``zoneinfo``, with
the ``tzdata`` package as its fallback where the system has none (Windows, frozen builds).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import lru_cache

from piel_desktop.domain.errors import (
    AmbiguousLocalTime, InvalidValue, NonexistentLocalTime, NotATimeZone, TimeWithoutZone,
)

_TIME = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every IANA zone id the time zone data knows, sorted ("Africa/Abidjan", ...)."""
    return tuple(sorted(zoneinfo.available_timezones()))


def parse_time(value, field: str = "start_time") -> dt.time | None:
    """A wall time (``datetime.time`` or text "14:00", "9.30", "14h00"), or None for
    none (None or ""). Seconds are dropped. Raises InvalidValue(field, value)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = _TIME.match(value) if isinstance(value, str) else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InvalidValue(field=field, value=str(value))
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_zone(value, field: str = "time_zone") -> str | None:
    """An IANA zone id as the data spells it (case aside: "europe/zurich" gives
    "Europe/Zurich"), or None for none. Raises NotATimeZone(field, value)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    names = zone_names()
    if text in names:
        return text
    folded = {n.casefold(): n for n in names}
    if text.casefold() in folded:
        return folded[text.casefold()]
    raise NotATimeZone(field=field, value=text)


def start_instant(day: dt.date, start: dt.time | None, zone: str | None) -> dt.datetime | None:
    """The UTC instant (aware datetime) a meeting starts: wall time ``start`` on ``day``
    in ``zone``; None when there is no time. Raises TimeWithoutZone, NotATimeZone,
    NonexistentLocalTime (clocks going forward skip it) or AmbiguousLocalTime (clocks
    going back repeat it); params name the field "start_time"."""
    if start is None:
        return None
    if zone is None:
        raise TimeWithoutZone(field="time_zone", value=start.strftime("%H:%M"))
    tz = zoneinfo.ZoneInfo(parse_zone(zone))
    local = dt.datetime.combine(day, start)
    params = dict(field="start_time", value=start.strftime("%H:%M"), date=day.isoformat(),
                  zone=zone)
    early, late = local.replace(tzinfo=tz, fold=0), local.replace(tzinfo=tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        # fold only matters in a gap or an overlap: a gap's time does not survive a
        # round trip through UTC, an overlap's does (both readings are real instants).
        back = early.astimezone(dt.timezone.utc).astimezone(tz).replace(tzinfo=None)
        raise (NonexistentLocalTime if back != local else AmbiguousLocalTime)(**params)
    return early.astimezone(dt.timezone.utc)


def check_start(day: dt.date | None, start, zone) -> tuple[dt.time | None, str | None]:
    """``(start, zone)`` parsed and checked against ``day`` (see :func:`start_instant`).
    Raises InvalidValue or a subclass naming the wrong field."""
    start, zone = parse_time(start), parse_zone(zone)
    if start is not None and day is not None:
        start_instant(day, start, zone)
    elif start is not None and zone is None:
        raise TimeWithoutZone(field="time_zone", value=start.strftime("%H:%M"))
    return start, zone
