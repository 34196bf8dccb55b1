"""Field kinds of the record editors and what each accepts (services/registries.py
describes the records with them): :class:`Field`, and :func:`parse` that checks and
normalises one value. Raises InvalidValue or a subclass naming the field."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from piel_desktop.domain.errors import (
    InvalidValue, NotAChoice, NotACountry, NotALink, YearOutOfRange,
)
from piel_desktop.domain.meeting_time import parse_time, parse_zone
from piel_desktop.domain.model import LANGUAGES
from piel_desktop.i18n import country_codes


#: Earliest year of a country effort (the Convention on the Rights of the Child, 1989,
#: rounded down); the latest is next year (efforts announced ahead).
FIRST_YEAR = 1980


@dataclass(frozen=True)
class Field:
    """One field of a registry record.

    ``kind``: line (one line of text, at most ``most`` characters), text (several
    lines), links (web addresses, one a line), country (ISO 3166-1 alpha-2), year,
    date, flag, language (one of the six), languages (several, stored "ar,en"),
    organisation (an organisation's id), documents (document ids), anchor (a text
    record: its original version; one line when ``most`` is given), file (a
    document's file, a path), number (a whole number from 1), meetings (other
    meetings' numbers, as "10, 11" or a tuple), choice (one of ``choices``, codes such
    as "council"; without ``choices`` one of the values an editor offers, checked by
    the service that owns the field: a follow-up note's status), record (the id of
    another record, checked by the service: a clause's instrument or parent clause),
    time (a wall time, stored "HH:MM"), zone (an IANA time zone id).
    """

    name: str
    kind: str
    required: bool = False
    most: int | None = None
    choices: tuple[str, ...] | None = None


_LINK = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _line(f: Field, value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(field=f.name, value=str(value))
    value = " ".join(value.split())
    if f.most and len(value) > f.most:
        raise InvalidValue(field=f.name, value=value)
    return value or None


def _text(f: Field, value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidValue(field=f.name, value=str(value))
    return value.strip() or None


def _links(f: Field, value) -> str | None:
    lines = [line.strip() for line in (_text(f, value) or "").splitlines() if line.strip()]
    for line in lines:
        if not _LINK.match(line):
            raise NotALink(field=f.name, value=line)
    return "\n".join(lines) or None


def _country(f: Field, value) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    code = value.strip().upper() if isinstance(value, str) else value
    if code not in country_codes():
        raise NotACountry(field=f.name, value=str(value))
    return code


def _year(f: Field, value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidValue(field=f.name, value=str(value))
    last = dt.date.today().year + 1
    if not FIRST_YEAR <= value <= last:
        raise YearOutOfRange(field=f.name, value=value, first=FIRST_YEAR, last=last)
    return value


def parse_date(value, field: str) -> dt.date | None:
    """A date (``datetime.date`` or ISO text "2026-03-31"), or None for none (None or
    ""). Raises InvalidValue(field, value) for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidValue(field=field, value=value) from None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidValue(field=field, value=str(value))
    return value


def _date(f: Field, value) -> dt.date | None:
    return parse_date(value, f.name)


def _flag(f: Field, value) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(field=f.name, value=str(value))
    return value


def _language(f: Field, value) -> str | None:
    if value in (None, ""):
        return None
    if value not in LANGUAGES:
        raise InvalidValue(field=f.name, value=str(value))
    return value


def _languages(f: Field, value) -> str | None:
    codes = value.replace(" ", "").split(",") if isinstance(value, str) else list(value or ())
    codes = [c for c in codes if c]
    for code in codes:
        if code not in LANGUAGES:
            raise InvalidValue(field=f.name, value=str(code))
    return ",".join(c for c in LANGUAGES if c in codes) or None


def _id(f: Field, value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise InvalidValue(field=f.name, value=str(value)) from None


def _ids(f: Field, value) -> tuple[uuid.UUID, ...]:
    return tuple(dict.fromkeys(_id(f, v) for v in (value or ()) if v))


def _file(f: Field, value) -> Path | None:
    if value in (None, ""):
        return None
    return Path(value)


def _anchor(f: Field, value) -> str | None:
    return _line(f, value) if f.most else _text(f, value)


#: The largest number a record may carry (meeting numbers and the like): far beyond
#: any real one, and within SQLite's 64-bit integers.
MOST_NUMBER = 999_999


def _number(f: Field, value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MOST_NUMBER:
        raise InvalidValue(field=f.name, value=str(value))
    return value


def _choice(f: Field, value) -> str | None:
    if value in (None, ""):
        return None
    if f.choices is not None and value not in f.choices:
        raise NotAChoice(field=f.name, value=str(value), choices=f.choices)
    return value


def _numbers(f: Field, value) -> tuple[int, ...]:
    items = value.replace(";", ",").replace(" ", ",").split(",") if isinstance(value, str) else list(value or ())
    return tuple(sorted({_number(f, item) for item in items if item not in ("", None)}))


def _time(f: Field, value) -> str | None:
    start = parse_time(value, f.name)
    return None if start is None else start.strftime("%H:%M")


def _zone(f: Field, value) -> str | None:
    return parse_zone(value, f.name)


_PARSERS = {"time": _time, "zone": _zone, "line": _line, "text": _text, "links": _links, "country": _country, "year": _year,
            "date": _date, "flag": _flag, "language": _language, "languages": _languages,
            "organisation": _id, "documents": _ids, "anchor": _anchor, "file": _file,
            "number": _number, "meetings": _numbers,
            "choice": _choice, "record": _id}


def parse(f: Field, value):
    """``value`` of field ``f`` checked and normalised (see :class:`Field` for what each
    kind takes; empty becomes None, or () for lists). Raises InvalidValue or a subclass
    (NotACountry, YearOutOfRange, NotALink, NotAChoice) naming the field."""
    return _PARSERS[f.kind](f, value)

