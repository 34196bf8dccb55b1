"""What an import does, grouped by meeting, as plain data for the preview.

Computed inside the import's transaction, after the merge and before the commit (or
the rollback of a dry run), so deleted records are read from their tombstones.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from piel_desktop.storage.merge import Effect
from piel_desktop.storage.search_index import owners
from piel_desktop.storage.sync import dumps, shape

#: Items listed per meeting; the counts always cover everything.
MOST_ITEMS = 200
#: Columns pointing at a text anchor, by table: what a text or text version belongs to.
_TEXT_COLUMNS = {
    "outcome": ("text_id",), "body": ("name_id", "acronym_id"), "instrument": ("citation_id",),
    "clause": ("text_id",), "meeting": ("venue_id",), "organisation": ("name_id", "acronym_id"),
    "report": ("summary_id", "action_requested_id", "title_id", "references_id"),
    "report_paragraph": ("text_id", "quote_heading_id"), "achievement": ("title_id", "text_id"),
    "consultation": ("topic_id", "results_id"),
}
_ALL_TEXT_COLUMNS = sorted({c for columns in _TEXT_COLUMNS.values() for c in columns})


@dataclass(frozen=True)
class PreviewItem:
    action: str  # "new", "changed", "deleted", "restored"
    kind: str  # table name of the record (the text's owner for texts)
    label: str  # a few words that identify the record
    conflict: bool
    fields: tuple[str, ...] = ()  # for "changed": which fields (a text version's: "body")


@dataclass
class PreviewGroup:
    meeting: int | None  # None: records that belong to no meeting
    counts: Counter = field(default_factory=Counter)
    items: list[PreviewItem] = field(default_factory=list)
    #: The records of a very large import beyond those placed by meeting.
    unsorted: bool = False


@dataclass
class Preview:
    groups: list[PreviewGroup] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # action -> records, plus "conflict"

    @property
    def empty(self) -> bool:
        return not self.counts


class RecordLookup:
    """Reads records whether live or tombstones, by primary key or index, remembering
    what a record belongs to (an import touches many records of one outcome)."""

    def __init__(self, con) -> None:
        self.con = con
        self._memo: dict[tuple, list[int]] = {}
        self._owners: dict[str, tuple[str, list]] = {}  # text id -> owner, read in bulk
        self._text_ids: dict[str, str] = {}  # text version id -> text id, read in bulk

    def values(self, table: str, key: list) -> dict | None:
        columns, sql = _select(table)
        row = self.con.execute(sql, key).fetchone()
        if row:
            return dict(zip(columns, row))
        row = self.con.execute("SELECT data FROM tombstone WHERE tbl = ? AND row_key = ?",
                               (table, dumps(key))).fetchone()
        return json.loads(row[0]) if row else None

    def prefetch(self, effects: list[Effect]) -> None:
        """Read at once what describing these effects asks of live records (the texts'
        owners, the meetings of top-level outcomes) instead of a few queries per effect;
        the rest is looked up one by one as before."""
        versions = [e.key[0] for e in effects if e.table == "text_version"]
        self._text_ids.update(self._rows("SELECT id, text_id FROM text_version WHERE id IN ({})", versions))
        texts = {*(e.key[0] for e in effects if e.table == "text"), *self._text_ids.values()}
        # The search index's owner lookup (kinds there are table names); a text has one owner.
        self._owners.update((text_id, (table, [key])) for text_id, (table, key) in owners(self.con, texts).items())
        if self.con.execute("SELECT 1 FROM tombstone WHERE tbl = 'meeting_outcome' LIMIT 1").fetchone():
            return  # links hidden or deleted: outcomes' meetings are looked up one by one
        outcomes = {e.key[0] for e in effects if e.table == "outcome"}
        outcomes |= {key[0] for table, key in self._owners.values() if table == "outcome"}
        top = [i for i, parent in self._rows("SELECT id, parent_id FROM outcome WHERE id IN ({})", list(outcomes))
               if parent is None and ("outcome", i) not in self._memo]
        links: dict[str, list[str]] = {i: [] for i in top}
        for outcome, meeting in self._rows("SELECT outcome_id, meeting_id FROM meeting_outcome "
                                           "WHERE outcome_id IN ({})", top):
            links[outcome].append(meeting)
        for outcome, meetings in links.items():
            self._memo[("outcome", outcome)] = sorted({n for i in meetings for n in self.meetings("meeting", [i])})

    def _rows(self, sql: str, ids: list) -> Iterable[tuple]:
        """Rows of ``sql`` (``{}`` stands for the placeholders of ``ids``), in chunks."""
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            yield from self.con.execute(sql.format(",".join("?" * len(part))), part)

    def owner(self, text_id: str | None) -> tuple[str, list] | None:
        """The record a text belongs to (outcomes first: indexed, and most texts)."""
        if not text_id:
            return None
        if text_id in self._owners:
            return self._owners[text_id]
        for table, columns in _TEXT_COLUMNS.items():
            for column in columns:
                row = self.con.execute(f'SELECT id FROM "{table}" WHERE "{column}" = ?', (text_id,)).fetchone()
                if row:
                    return table, [row[0]]
        row = self.con.execute(
            "SELECT tbl, row_key FROM tombstone WHERE tbl IN (%s) AND (%s) LIMIT 1" % (
                ", ".join(f"'{t}'" for t in _TEXT_COLUMNS),
                " OR ".join(f"json_extract(data, '$.{c}') = ?" for c in _ALL_TEXT_COLUMNS)),
            (text_id,) * len(_ALL_TEXT_COLUMNS)).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def text_id(self, table: str, key: list) -> str | None:
        if table == "text":
            return key[0]
        if table == "text_version" and key[0] in self._text_ids:
            return self._text_ids[key[0]]
        return (self.values(table, key) or {}).get("text_id")

    def meetings(self, table: str, key: list) -> list[int]:
        """Numbers of the meetings a record belongs to."""
        found = self._memo.get((table, key[0]))
        if found is None:
            found = self._memo[(table, key[0])] = self._meetings(table, key)
        return found

    def _meetings(self, table: str, key: list) -> list[int]:
        if table in ("text", "text_version"):
            owner = self.owner(self.text_id(table, key))
            return self.meetings(*owner) if owner else []
        if table == "meeting":
            number = (self.values("meeting", key) or {}).get("number")
            return [number] if number is not None else []
        if table == "outcome":
            parent = (self.values("outcome", key) or {}).get("parent_id")
            if parent:  # sub-items take their meetings from their outcome
                return self.meetings("outcome", [parent])
            ids = [r[0] for r in self.con.execute(
                "SELECT meeting_id FROM meeting_outcome WHERE outcome_id = ?", (key[0],))]
            ids += [json.loads(r[0])[0] for r in self.con.execute(
                "SELECT row_key FROM tombstone WHERE tbl = 'meeting_outcome' AND row_key LIKE ?",
                (f'%"{key[0]}"]',))]
            return sorted({n for i in ids for n in self.meetings("meeting", [i])})
        if table == "follow_up_note":  # a note is shown under its outcome's meetings
            outcome = (self.values(table, key) or {}).get("outcome_id")
            return self.meetings("outcome", [outcome]) if outcome else []
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
        named = " ".join(str(values[c]) for c in ("country", "year", "symbol", "title", "date", "text")
                         if values.get(c))
        return text or _cut(named) or "/".join(str(k)[:8] for k in key)


@functools.cache
def _select(table: str) -> tuple[tuple[str, ...], str]:
    """(columns, SQL) reading a live record of ``table`` by its primary key."""
    s = shape(table)
    columns = (*s.keys, *s.columns)
    where = " AND ".join(f'"{k}" = ?' for k in s.keys)
    listed = ", ".join(f'"{c}"' for c in columns)
    return columns, f'SELECT {listed} FROM "{table}" WHERE {where}'


def _cut(text: str, most: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


#: When one record meets several effects (a new outcome with its new text), the one shown.
_RANK = {"new": 3, "deleted": 2, "restored": 1, "changed": 0}


def _as_people_see_it(lookup: RecordLookup, effects: Iterable[Effect]) -> list[Effect]:
    """One effect per record as people know records: a text or text version counts as
    a change of the record it belongs to, and a record met twice (hidden, then back)
    counts once."""
    merged: dict[tuple, Effect] = {}
    for effect in effects:
        if effect.table in ("text", "text_version"):
            owner = lookup.owner(lookup.text_id(effect.table, effect.key))
            if owner:
                effect = Effect("new" if effect.action == "new" else "changed", owner[0], owner[1],
                                effect.conflict, ("body",) if effect.table == "text_version" else ())
        target = (effect.table, effect.key[0])
        before = merged.get(target)
        if before is not None:
            action = before.action if _RANK[before.action] >= _RANK[effect.action] else effect.action
            effect = Effect(action, effect.table, effect.key, before.conflict or effect.conflict,
                            tuple(dict.fromkeys(before.fields + effect.fields)))
        merged[target] = effect
    return list(merged.values())


def describe_effects(con, effects: Iterable[Effect], more: Counter | None = None) -> Preview:
    """Group the merge's effects by meeting number (records of no meeting last).

    ``more`` counts the effects beyond those the merge kept one by one (a very large
    import): they are counted, in a group of their own, not sorted by meeting.
    """
    lookup = RecordLookup(con)
    effects = list(effects)
    lookup.prefetch(effects)
    preview = Preview()
    groups: dict[int | None, PreviewGroup] = {}
    for effect in _as_people_see_it(lookup, effects):
        preview.counts[effect.action] += 1
        numbers = lookup.meetings(effect.table, effect.key) or [None]
        group = groups.get(numbers[0]) or groups.setdefault(numbers[0], PreviewGroup(numbers[0]))
        group.counts[effect.action] += 1
        if effect.conflict:
            preview.counts["conflict"] += 1
            group.counts["conflict"] += 1
        if len(group.items) < MOST_ITEMS:
            group.items.append(PreviewItem(effect.action, effect.table, lookup.label(effect.table, effect.key),
                                           effect.conflict, effect.fields if effect.action == "changed" else ()))
    preview.groups = sorted(groups.values(), key=lambda g: (g.meeting is None, g.meeting or 0))
    if more:
        preview.counts.update(more)
        preview.groups.append(PreviewGroup(None, Counter(more), unsorted=True))
    return preview
