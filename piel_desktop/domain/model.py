"""Entities of the archive as plain, immutable data, and the rules on them.

These are what read queries return and what crosses the worker-thread boundary in the
window: frozen dataclasses holding only standard-library values.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from piel_desktop.domain.errors import InvalidValue

#: The six official languages of the United Nations, as ISO 639-1 codes.
LANGUAGES: tuple[str, ...] = ("ar", "en", "es", "fr", "ru", "zh")
RIGHT_TO_LEFT: frozenset[str] = frozenset({"ar"})

E = TypeVar("E", bound=StrEnum)


def check_language(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGUAGES`; raise InvalidValue otherwise."""
    if lang not in LANGUAGES:
        raise InvalidValue(field="language", value=lang)
    return lang


class OutcomeKind(StrEnum):
    """What a meeting did: the verb of the outcome."""

    RECOMMENDATION = "recommendation"
    AGREEMENT = "agreement"
    DECISION = "decision"
    REQUEST = "request"
    PROPOSAL = "proposal"
    DISCUSSION = "discussion"


class OutcomeStatus(StrEnum):
    """Follow-up status of an outcome: proposed → agreed → in progress → implemented,
    or, at any step before implementation, superseded (by a later outcome) or
    withdrawn (by the group)."""

    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


_ENDINGS = frozenset({OutcomeStatus.SUPERSEDED, OutcomeStatus.WITHDRAWN})
#: Allowed status moves made by hand. Implemented, superseded and withdrawn are final;
#: an agreed outcome may be recorded as implemented without passing "in progress".
#: (Concurrent moves made at two offices merge by the sync rules, not these.)
STATUS_MOVES: dict[OutcomeStatus, frozenset[OutcomeStatus]] = {
    OutcomeStatus.PROPOSED: frozenset({OutcomeStatus.AGREED}) | _ENDINGS,
    OutcomeStatus.AGREED: frozenset({OutcomeStatus.IN_PROGRESS, OutcomeStatus.IMPLEMENTED}) | _ENDINGS,
    OutcomeStatus.IN_PROGRESS: frozenset({OutcomeStatus.IMPLEMENTED}) | _ENDINGS,
    OutcomeStatus.IMPLEMENTED: frozenset(),
    OutcomeStatus.SUPERSEDED: frozenset(),
    OutcomeStatus.WITHDRAWN: frozenset(),
}


#: Statuses after which an outcome is no longer awaited: one past its due date with
#: another status is overdue.
SETTLED: frozenset[OutcomeStatus] = frozenset({OutcomeStatus.IMPLEMENTED}) | _ENDINGS


def can_move(current: OutcomeStatus, new: OutcomeStatus) -> bool:
    """True if an outcome may go from ``current`` to ``new`` (staying put is allowed)."""
    return new == current or new in STATUS_MOVES[current]


class TranslationStatus(StrEnum):
    """Standing of one language version of a text."""

    ORIGINAL = "original"
    OFFICIAL = "official"  # an official translation
    WORKING = "working"  # a working or unverified translation


@dataclass(frozen=True)
class TextVersion:
    lang: str
    text: str
    status: TranslationStatus
    #: True for a translation made before its original last changed.
    stale: bool = False

    @property
    def is_original(self) -> bool:
        return self.status is TranslationStatus.ORIGINAL


@dataclass(frozen=True)
class LocalizedText:
    """All language versions of one text field; at most one is the original."""

    versions: tuple[TextVersion, ...] = ()

    @property
    def original(self) -> TextVersion | None:
        return next((v for v in self.versions if v.is_original), None)

    def get(self, lang: str) -> TextVersion | None:
        return next((v for v in self.versions if v.lang == lang), None)

    def pick(self, lang: str) -> TextVersion | None:
        """The version in ``lang`` if there is one, else the original, else any."""
        return self.get(lang) or self.original or (self.versions[0] if self.versions else None)

    def __bool__(self) -> bool:
        return bool(self.versions)


EMPTY_TEXT = LocalizedText()


@dataclass(frozen=True)
class Body:
    id: uuid.UUID
    name: LocalizedText
    acronym: LocalizedText


@dataclass(frozen=True)
class Meeting:
    id: uuid.UUID
    number: int
    start_date: dt.date
    end_date: dt.date | None = None
    venue: LocalizedText = EMPTY_TEXT
    chair: str | None = None
    format: str | None = None
    start_time: str | None = None  # "HH:MM" local at the venue, in time_zone (meeting_time.py)
    time_zone: str | None = None  # IANA id, "Europe/Zurich"


@dataclass(frozen=True)
class Outcome:
    """One outcome with its sub-items, as a tree. ``meeting_numbers`` are the meetings
    that reported it (inherited by sub-items); ``organisations`` the display names of
    the organisations it mentions."""

    id: uuid.UUID
    position: int
    label: str | None
    kind: OutcomeKind
    status: OutcomeStatus
    text: LocalizedText
    addressee: str | None = None
    due_date: dt.date | None = None
    meeting_numbers: tuple[int, ...] = ()
    organisations: tuple[str, ...] = ()
    children: tuple[Outcome, ...] = field(default=())

    def walk(self):
        """This outcome and all its sub-items, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


def parse_enum(cls: type[E], value: object, field: str) -> E:
    """``cls(value)``, raising InvalidValue(field, value) instead of ValueError."""
    try:
        return cls(value)
    except ValueError:
        raise InvalidValue(field=field, value=value) from None


#: Longest office (replica) name, in characters.
OFFICE_NAME_MOST = 200


def check_office_name(name: str) -> str:
    """The office name as stored: trimmed. Raises InvalidValue for an empty name, one
    longer than OFFICE_NAME_MOST characters, or one holding line breaks or tabs."""
    from piel_desktop.domain.errors import InvalidValue
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned or len(cleaned) > OFFICE_NAME_MOST or any(c < " " for c in cleaned):
        raise InvalidValue(field="office", value=name)
    return cleaned
