"""The merge rule of sync between offices, as pure functions (no database, no files).

Every write to a field of a record carries a *stamp*: the changeset that made it,
written as ``"<hlc:16 hex>.<replica:32 hex>"``. ``hlc`` is a hybrid logical clock
(milliseconds << 16 | counter) that is larger than every clock its replica had seen
when it wrote, so a write always sorts after the writes it could see. Fixed width makes
the string order the (hlc, replica) order, so the newest stamp is ``max()`` of strings.

Each changeset also has a *context*: the version vector (replica hex -> highest hlc
covered) of its replica when it was made, itself included. A write *saw* another when
its context covers the other's stamp. Two writes of one field are concurrent when
neither saw the other.

The rule (see docs/package-format.md): the field keeps the write with the largest
stamp, everywhere; a concurrent write that lost with a different value is kept as a
conflict; a later write that saw a conflict's value resolves it. The same inputs give
the same result on every replica, so archives that have seen the same writes converge.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

#: Key of a record's clock giving the stamp of every field without its own entry.
ALL_FIELDS = "*"
#: The pseudo-field that says whether a record is deleted (a tombstone).
DELETED = "_deleted"
#: Fields that follow other writes (when and by whom; a text version's revision
#: counters); they take the newest write and never make a conflict of their own.
BOOKKEEPING_FIELDS = frozenset({"created_at", "updated_at", "changed_by", "revision", "source_revision"})

Context = Mapping[str, int]
_STAMP = re.compile(r"[0-9a-f]{16}\.[0-9a-f]{32}")


@dataclass(frozen=True, order=True)
class Stamp:
    """The changeset that wrote a value: (hlc, replica as 32 lowercase hex digits)."""

    hlc: int
    replica: str

    @classmethod
    def parse(cls, text: str) -> Stamp:
        """Raises ValueError for anything but ``"<16 hex>.<32 hex>"``."""
        if not isinstance(text, str) or not _STAMP.fullmatch(text):
            raise ValueError(f"not a stamp: {text!r}")
        return cls(int(text[:16], 16), text[17:])

    def __str__(self) -> str:
        return f"{self.hlc:016x}.{self.replica}"

    @property
    def wall_ms(self) -> int:
        """Milliseconds since 1970 (UTC) when it was written, for display only."""
        return self.hlc >> 16


def next_hlc(known: Iterable[int], now_ms: int | None = None) -> int:
    """A clock value larger than every value in ``known`` and not behind the wall clock."""
    now = (int(time.time() * 1000) if now_ms is None else now_ms) << 16
    return max(now, max(known, default=0) + 1)


def covers(context: Context, stamp: Stamp) -> bool:
    """True if a write with this context had seen ``stamp``."""
    return context.get(stamp.replica, -1) >= stamp.hlc


def join(a: Context, b: Context) -> dict[str, int]:
    """The smallest version vector covering both."""
    merged = dict(a)
    for replica, hlc in b.items():
        if hlc > merged.get(replica, -1):
            merged[replica] = hlc
    return merged


def is_newer(stamp: Stamp, since: Context) -> bool:
    """True if a peer that has seen ``since`` has not seen ``stamp``."""
    return not covers(since, stamp)


class Outcome(Enum):
    """What merging one incoming field write does to the local value."""

    SAME = "same"          # the very same write
    KEEP = "keep"          # local saw incoming: incoming is old news
    TAKE = "take"          # incoming saw local: a plain update
    TAKE_CONFLICT = "take-conflict"  # concurrent, incoming wins: local value is the loser
    KEEP_CONFLICT = "keep-conflict"  # concurrent, local wins: incoming value is the loser


def compare(local: Stamp, incoming: Stamp, context_of: Callable[[Stamp], Context]) -> Outcome:
    """Decide between the local and an incoming write of one field.

    ``context_of`` gives a changeset's context (an empty mapping if unknown, which makes
    the writes concurrent and so still decided the same way everywhere).
    """
    if local == incoming:
        return Outcome.SAME
    if covers(context_of(incoming), local):
        return Outcome.TAKE
    if covers(context_of(local), incoming):
        return Outcome.KEEP
    return Outcome.TAKE_CONFLICT if incoming > local else Outcome.KEEP_CONFLICT


def stamp_of(clock: Mapping[str, str], field: str) -> Stamp:
    """The stamp of ``field`` in a record's clock (its own entry, else the record's)."""
    return Stamp.parse(clock.get(field) or clock[ALL_FIELDS])


@dataclass(frozen=True)
class Loser:
    """A concurrent write that lost: kept so a person can review it."""

    field: str
    value: object
    stamp: Stamp


@dataclass
class Merged:
    """A record after merging: values (``DELETED`` included), clock, the fields whose
    value changed, the losers, and whether any stamp was taken from the incoming side
    (then the record must be written, even if no value changed)."""

    values: dict
    clock: dict[str, str]
    changed: list[str]
    losers: list[Loser]
    restamped: bool = False


def merge_record(local_values: Mapping, local_clock: Mapping[str, str],
                 incoming_values: Mapping, incoming_clock: Mapping[str, str],
                 context_of: Callable[[Stamp], Context]) -> Merged:
    """Merge an incoming version of a record into the local one, field by field.

    Values are plain mappings of field -> value including ``DELETED`` (a bool); clocks
    map field -> stamp text with an ``ALL_FIELDS`` default. Returns a Merged: values,
    compact clock, the fields whose value changed, the concurrent losing writes
    (bookkeeping fields and equal values never lose), and whether a stamp was taken.
    Raises ValueError on a malformed stamp.
    """
    values = dict(local_values)
    clock: dict[str, str] = {}
    changed: list[str] = []
    losers: list[Loser] = []
    restamped = False
    for field in sorted(set(local_values) | set(incoming_values)):
        mine = stamp_of(local_clock, field)
        theirs = stamp_of(incoming_clock, field)
        decision = compare(mine, theirs, context_of)
        new_value = incoming_values.get(field)
        if decision in (Outcome.TAKE, Outcome.TAKE_CONFLICT):
            if decision is Outcome.TAKE_CONFLICT and _conflicting(field, values.get(field), new_value):
                losers.append(Loser(field, values.get(field), mine))
            if values.get(field) != new_value:
                changed.append(field)
            values[field] = new_value
            clock[field] = str(theirs)
            restamped = True
        else:
            if decision is Outcome.KEEP_CONFLICT and _conflicting(field, values.get(field), new_value):
                losers.append(Loser(field, new_value, theirs))
            clock[field] = str(mine)
    return Merged(values, compact(clock), changed, losers, restamped)


def _conflicting(field: str, a, b) -> bool:
    # A concurrent delete and restore conflict too: one office's decision must not vanish.
    return field not in BOOKKEEPING_FIELDS and a != b


def compact(clock: Mapping[str, str]) -> dict[str, str]:
    """The same clock with the most common stamp as the ``ALL_FIELDS`` default."""
    stamps = [s for f, s in clock.items() if f != ALL_FIELDS]
    if not stamps:
        return dict(clock)
    default = max(set(stamps), key=lambda s: (stamps.count(s), s))
    result = {ALL_FIELDS: default}
    result.update({f: s for f, s in sorted(clock.items()) if f != ALL_FIELDS and s != default})
    return result


def is_open_conflict(loser: Stamp, current: Stamp, others: Iterable[Stamp],
                     context_of: Callable[[Stamp], Context]) -> bool:
    """True while nobody has written the field after seeing the losing value.

    ``current`` is the field's stamp now; ``others`` the other losers of the same field.
    """
    if covers(context_of(current), loser):
        return False
    return not any(o != loser and covers(context_of(o), loser) for o in others)


def edits_unseen_by_delete(clock: Mapping[str, str], fields, deleted_by: Stamp,
                           context_of: Callable[[Stamp], Context]) -> list[tuple[Stamp, str]]:
    """(stamp, field) of the writes to a deleted record (``fields`` are its columns)
    that the delete ``deleted_by`` had not seen: edits concurrent with it, newest last."""
    context = context_of(deleted_by)
    found = []
    for field in fields:
        if field in BOOKKEEPING_FIELDS:
            continue
        stamp = stamp_of(clock, field)
        if not covers(context, stamp):
            found.append((stamp, field))
    return sorted(found)
