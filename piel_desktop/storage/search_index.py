"""The search index of text versions, whatever database holds it: what each kind of
archive offers (:class:`SearchIndex`: storage/sqlite/fts.py on a file, FTS5;
storage/postgres/search.py on a server, PostgreSQL's full-text search) and what
both share: which records own texts, and reading a hit's owner and meeting.

Both index the same *folded* columns of a version (storage/search_text.py:
``words``, ``alt``, ``stems``) and match a query's terms by the same rules
(``Term.matches``), so a file and a server find the same versions. The index is
replica-local: no package, fingerprint or migration autogenerate sees its tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from piel_desktop.storage.search_text import Term

#: Records that own texts: (kind, table, column holding a text id). A text version is
#: found through the first owner of its text; texts without one are not indexed.
OWNERS: tuple[tuple[str, str, str], ...] = (
    ("outcome", "outcome", "text_id"),
    ("meeting", "meeting", "venue_id"),
    ("clause", "clause", "text_id"),
    ("instrument", "instrument", "citation_id"),
    ("body", "body", "name_id"),
    ("body", "body", "acronym_id"),
    ("organisation", "organisation", "name_id"),
    ("organisation", "organisation", "acronym_id"),
    ("report", "report", "summary_id"),
    ("report", "report", "action_requested_id"),
    ("report", "report", "title_id"),
    ("report", "report", "references_id"),
    ("report_paragraph", "report_paragraph", "text_id"),
    ("report_paragraph", "report_paragraph", "quote_heading_id"),
    ("achievement", "achievement", "title_id"),
    ("achievement", "achievement", "text_id"),
    ("consultation", "consultation", "topic_id"),
    ("consultation", "consultation", "results_id"),
)

#: A row of the index as the ranking reads it: (key, words, alt, stems). The key
#: orders versions by when they were first indexed (newest highest).
IndexRow = tuple[int, str, str, str]


class SearchIndex(Protocol):
    """What an archive's kind of database offers for search; every call works in the
    caller's transaction on its raw connection (storage/sync.py's RawSQL)."""

    def refresh(self, con: Any, *, step: Callable[[int, int], None] | None = None) -> int:
        """Bring the rows of versions marked dirty up to date; how many were looked at."""

    def is_dirty(self, con: Any) -> bool: ...

    def before_commit(self, con: Any) -> None:
        """What a writing transaction does to the index before it commits."""

    def candidates(self, con: Any, terms: list[Term], stemmed: bool, most: int) -> list[IndexRow]:
        """The newest ``most`` rows matching every term, newest first."""

    def match_count(self, con: Any, terms: list[Term]) -> int:
        """How many rows match every term, word forms included."""

    def versions(self, con: Any, keys: Sequence[int]) -> dict[int, tuple[str, str, str]]:
        """row key -> (text id, lang, body) of the rows' live text versions."""

    def matching_texts(self, terms: list[Term], name: str) -> tuple[str, dict[str, str]]:
        """SQL selecting the ids of texts with a version matching every term (word forms
        included), with ``:name…`` marks, and their values."""


def columns_by_table(owners: Sequence[tuple[str, str, str]] = OWNERS) -> dict[str, list[str]]:
    """table -> its columns holding texts it owns."""
    tables: dict[str, list[str]] = {}
    for _kind, table, column in owners:
        tables.setdefault(table, []).append(column)
    return tables


def owner_columns(table: str) -> list[str]:
    """The columns of ``table`` holding texts it owns (in ``OWNERS``)."""
    return columns_by_table().get(table, [])


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's ``include_object`` hook: the index tables (``fts_*`` on a file, with
    FTS5's own shadow tables; ``search_*`` on a server) are made by hand, so
    autogenerate must neither add nor drop them."""
    return not (type_ == "table" and name.startswith(("fts_", "search_")))


def owned_texts(con, text_ids: Iterable[str]) -> set[str]:
    """The text ids (as stored: hex) among ``text_ids`` that a live record owns."""
    return set(owners(con, text_ids))


def owners(con, text_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """text id -> (kind, record id as stored) of the first owner in ``OWNERS``."""
    wanted = list(dict.fromkeys(text_ids))
    found: dict[str, tuple[str, str]] = {}
    for kind, table, column in OWNERS:
        missing = [t for t in wanted if t not in found]
        if not missing:
            break
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            for text_id, record_id in con.execute(
                    f'SELECT "{column}", id FROM "{table}" WHERE "{column}" IN ({marks})', chunk):
                found.setdefault(text_id, (kind, record_id))
    return found


def meeting_numbers(con, kind_ids: Iterable[tuple[str, str]]) -> dict[str, int]:
    """record id -> meeting number, for outcomes (the lowest number among the meetings
    of the outcome or, for a sub-item, of its top-level outcome) and meetings."""
    outcomes = [i for kind, i in kind_ids if kind == "outcome"]
    meetings = [i for kind, i in kind_ids if kind == "meeting"]
    numbers: dict[str, int] = {}
    if outcomes:
        marks = ", ".join("?" * len(outcomes))
        numbers.update(con.execute(f"""
            WITH RECURSIVE up(start, id, parent) AS (
              SELECT id, id, parent_id FROM outcome WHERE id IN ({marks})
              UNION ALL SELECT up.start, o.id, o.parent_id FROM up JOIN outcome o ON o.id = up.parent)
            SELECT up.start, min(m.number) FROM up
            JOIN meeting_outcome mo ON mo.outcome_id = up.id JOIN meeting m ON m.id = mo.meeting_id
            GROUP BY up.start""", outcomes).fetchall())
    if meetings:
        marks = ", ".join("?" * len(meetings))
        numbers.update(con.execute(f"SELECT id, number FROM meeting WHERE id IN ({marks})", meetings))
    return numbers
