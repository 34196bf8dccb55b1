"""What an import does, grouped by meeting, as plain data for the preview.

Computed inside the import's transaction, after the merge and before the commit (or
the rollback of a dry run), so deleted records are read from their tombstones.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from piel_desktop.storage.merge import Effect
from piel_desktop.storage.sync import dumps, shape

#: Items listed per meeting; the counts always cover everything.
MOST_ITEMS = 200
_LINK_TABLES = ("meeting_outcome", "outcome_organisation")
#: Columns pointing at a text anchor, by table: what a text or text version belongs to.
_TEXT_COLUMNS = {
    "body": ("name_id", "acronym_id"), "instrument": ("citation_id",), "clause": ("text_id",),
    "meeting": ("venue_id",), "outcome": ("text_id",), "organisation": ("name_id", "acronym_id"),
    "report": ("summary_id", "action_requested_id"), "achievement": ("title_id", "text_id"),
    "consultation": ("topic_id", "results_id"),
}


@dataclass(frozen=True)
class PreviewItem:
    action: str  # "new", "changed", "deleted", "restored"
    kind: str  # table name of the record (the text's owner for texts)
    label: str  # a few words that identify the record
    conflict: bool


@dataclass
class PreviewGroup:
    meeting: int | None  # None: records that belong to no meeting
    counts: Counter = field(default_factory=Counter)
    items: list[PreviewItem] = field(default_factory=list)


@dataclass
class Preview:
    groups: list[PreviewGroup] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # action -> records, plus "conflict"

    @property
    def empty(self) -> bool:
        return not self.counts


class _Lookup:
    """Reads records whether live or tombstones; the maps that place a record under its
    meetings are read once, in bulk, so that a preview of 100,000 records stays fast."""

    def __init__(self, con) -> None:
        self.con = con
        self._maps = None
        self._memo: dict[tuple, list[int]] = {}

    def values(self, table: str, key: list) -> dict | None:
        s = shape(table)
        where = " AND ".join(f'"{k}" = ?' for k in s.keys)
        cols = ", ".join(f'"{c}"' for c in (*s.keys, *s.columns))
        row = self.con.execute(f'SELECT {cols} FROM "{table}" WHERE {where}', key).fetchone()
        if row:
            return dict(zip((*s.keys, *s.columns), row))
        row = self.con.execute("SELECT data FROM tombstone WHERE tbl = ? AND row_key = ?",
                               (table, dumps(key))).fetchone()
        return json.loads(row[0]) if row else None

    def _rows(self, table: str, columns: tuple[str, ...]):
        """Values of ``columns`` of every live and tombstoned record of ``table``."""
        yield from self.con.execute(f'SELECT {", ".join(columns)} FROM "{table}"')
        for (data,) in self.con.execute("SELECT data FROM tombstone WHERE tbl = ?", (table,)):
            values = json.loads(data)
            yield tuple(values.get(c) for c in columns)

    @property
    def maps(self) -> dict:
        if self._maps is None:
            owners = {}
            for table, columns in _TEXT_COLUMNS.items():
                for column in columns:
                    for record_id, text_id in self._rows(table, ("id", column)):
                        if text_id:
                            owners.setdefault(text_id, (table, [record_id]))
            meetings_of = defaultdict(set)
            numbers = dict(self._rows("meeting", ("id", "number")))
            for meeting_id, outcome_id in self._rows("meeting_outcome", ("meeting_id", "outcome_id")):
                if meeting_id in numbers:
                    meetings_of[outcome_id].add(numbers[meeting_id])
            self._maps = {"owner": owners, "number": numbers, "meetings_of": meetings_of,
                          "parent": dict(self._rows("outcome", ("id", "parent_id"))),
                          "text_of": dict(self._rows("text_version", ("id", "text_id")))}
        return self._maps

    def owner(self, text_id: str | None) -> tuple[str, list] | None:
        return self.maps["owner"].get(text_id)

    def text_id(self, table: str, key: list) -> str | None:
        return key[0] if table == "text" else self.maps["text_of"].get(key[0])

    def meetings(self, table: str, key: list) -> list[int]:
        """Numbers of the meetings a record belongs to (remembered per record)."""
        found = self._memo.get((table, key[0]))
        if found is None:
            found = self._memo[(table, key[0])] = self._meetings(table, key)
        return found

    def _meetings(self, table: str, key: list) -> list[int]:
        maps = self.maps
        if table in ("text", "text_version"):
            owner = self.owner(self.text_id(table, key))
            return self.meetings(*owner) if owner else []
        if table == "meeting":
            number = maps["number"].get(key[0])
            return [number] if number is not None else []
        if table == "meeting_outcome":
            return self.meetings("meeting", [key[0]])
        if table in ("outcome", "outcome_organisation"):
            outcome = key[0]
            for _ in range(20):  # sub-items take their meetings from the top-level outcome
                parent = maps["parent"].get(outcome)
                if not parent:
                    break
                outcome = parent
            return sorted(maps["meetings_of"].get(outcome, ()))
        return []

    def label(self, table: str, key: list) -> str:
        if table in ("text", "text_version"):
            row = self.con.execute("SELECT body FROM text_version WHERE text_id = ? ORDER BY status != 'original'",
                                   (self.text_id(table, key),)).fetchone()
            return _cut(row[0]) if row else key[0][:8]
        values = self.values(table, key) or {}
        if table == "meeting":
            return str(values.get("number", ""))
        texts = [values.get(c) for c in _TEXT_COLUMNS.get(table, ()) if values.get(c)]
        text = self.label("text", [texts[0]]) if texts else ""
        if table == "outcome":
            return f"{values.get('label') or ''} {text}".strip()
        return text or "/".join(str(k)[:8] for k in key)


def _cut(text: str, most: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


def describe_effects(con, effects: Iterable[Effect]) -> Preview:
    """Group the merge's effects by meeting number (records of no meeting last)."""
    lookup = _Lookup(con)
    preview = Preview()
    groups: dict[int | None, PreviewGroup] = defaultdict(lambda: PreviewGroup(None))
    last: dict[tuple, Effect] = {}
    for effect in effects:  # a record hidden then revived in one merge counts once, as its last effect
        last[(effect.table, tuple(effect.key))] = effect
    for effect in last.values():
        if effect.table in _LINK_TABLES:  # links are part of the records they join
            continue
        preview.counts[effect.action] += 1
        preview.counts["conflict"] += effect.conflict
        numbers = lookup.meetings(effect.table, effect.key) or [None]
        group = groups[numbers[0]]
        group.meeting = numbers[0]
        group.counts[effect.action] += 1
        if effect.conflict:
            group.counts["conflict"] += 1
        if len(group.items) < MOST_ITEMS:
            kind = effect.table
            if kind in ("text", "text_version"):
                owner = lookup.owner(lookup.text_id(kind, effect.key))
                kind = owner[0] if owner else kind
            group.items.append(PreviewItem(effect.action, kind, lookup.label(effect.table, effect.key), effect.conflict))
    if not preview.counts["conflict"]:
        del preview.counts["conflict"]
    preview.groups = sorted(groups.values(), key=lambda g: (g.meeting is None, g.meeting or 0))
    return preview
