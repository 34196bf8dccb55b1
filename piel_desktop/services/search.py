"""Full-text search across the archive's texts in every language.

What matches (folding rules in storage/search_text.py): case and accents do not
matter in Latin scripts (é = e), nor case and ё/е in Cyrillic; Arabic ignores
harakat and tatweel, folds أ إ آ ٱ to ا, ى to ي and ة to ه, and finds a word with
attached prefixes (جمعية finds الجمعية, والجمعية, بالجمعية, للجمعية...); Chinese
finds any substring, one character or more. Words are ANDed; ``"a b"`` is a phrase;
``word*`` a prefix. No input can produce a syntax error: terms are quoted.

Word forms (Arabic, English, French, Russian, Spanish; Snowball stemmers, see
storage/stems.py): an unquoted word also finds the texts holding a word with the same
stem, each text stemmed in its own language, the query word in all five (the query
does not say its language): "país" finds "países", "joven" "jóvenes", "защита"
"защиты". Quoted words and prefixes are exact (folded) forms only. Texts matching
every word in its exact form rank before those matching only by word forms.

Ranking, within the exact hits and then within the word-form hits: the newest
``CANDIDATES`` matching text versions (by insertion order; FTS5
finds these cheaply) are scored with the term-frequency part of BM25 (k1 1.2, b
0.75, document lengths against the candidates' average), newest first among equals.
Every candidate contains every term, so the IDF factor that BM25 would add is left
out. A query matching fewer versions than ``CANDIDATES`` is ranked over all its
matches; a more common one favours recent texts. :func:`count` gives the full count.

The index is the archive's own (storage/search_index.py): FTS5 in a file,
PostgreSQL's full-text search on a server, the same folded columns and matching
rules, so both find the same versions. On a file, reading first brings the index up
to date with edits and imports (storage/sqlite/fts.py); after a large import, call
:func:`refresh_index` in a worker with progress, or the next search does that work.
On a server every writing transaction brings it up to date before it commits
(storage/postgres/search.py).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.storage import Archive
from piel_desktop.storage.search_index import SearchIndex, meeting_numbers, owners
from piel_desktop.storage.search_text import Term, parse_query, spans

__all__ = ["Hit", "count", "refresh_if_needed", "refresh_index", "search"]

#: How many of the newest matches are ranked.
CANDIDATES = 500
_K1, _B = 1.2, 0.75


@dataclass(frozen=True)
class Hit:
    """A text version matching a query.

    ``kind`` is the record owning the text: "outcome", "meeting" (its venue),
    "clause", "instrument", "body", "organisation", "report" (its title, summary,
    action requested, references), "report_paragraph" (an introduction paragraph or
    the heading of the clauses it quotes), "achievement" or "consultation";
    ``record_id`` its UUID as a string. ``report_key``: for a report's own texts (the
    report, a paragraph, an achievement) the report's key (its id as text), else None. ``meeting_number``: for an
    outcome the lowest number among its meetings (a sub-item's: its top-level
    outcome's), for a meeting its number, else None. ``spans``: (start, end)
    character ranges of ``text`` to highlight, sorted; may be empty.
    """

    kind: str
    record_id: str
    meeting_number: int | None
    lang: str
    text: str
    spans: tuple[tuple[int, int], ...]
    report_key: str | None = None


def search(archive: Archive, query: str, *, limit: int = 50) -> list[Hit]:
    """The best ``limit`` text versions matching ``query``, best first.

    An empty query, or one with no words (only punctuation or operators), finds
    nothing. Raises ArchiveDamaged, ArchiveReadOnly or ArchiveUnreadable if the file
    fails; never an error for what the query says.
    """
    terms = parse_query(query)
    if not terms or limit <= 0:
        return []
    refresh_if_needed(archive)
    index = archive.search_index
    with archive.unit_of_work() as uow:
        con = uow.raw
        most = max(limit, CANDIDATES)
        rows = index.candidates(con, terms, False, most)
        ranked = _rank(rows, terms)
        if any(t.variants for t in terms) and len(rows) < limit:  # exact hits first, then word forms
            seen = {r[0] for r in rows}
            ranked += _rank([r for r in index.candidates(con, terms, True, most) if r[0] not in seen], terms)
        hits: list[Hit] = []
        for start in range(0, len(ranked), limit):
            hits += _hits(con, index, ranked[start:start + limit], terms)
            if len(hits) >= limit:
                break
        return hits[:limit]


def count(archive: Archive, query: str) -> int:
    """How many text versions match ``query`` (0 for an empty query). Slower than
    :func:`search` for common words. Raises as search does."""
    terms = parse_query(query)
    if not terms:
        return 0
    refresh_if_needed(archive)
    with archive.unit_of_work() as uow:
        return archive.search_index.match_count(uow.raw, terms)


def refresh_index(archive: Archive, progress: Progress = SILENT) -> int:
    """Bring the search index up to date (after an import); return how many text
    versions were re-indexed. Reports progress in text versions; raises Cancelled
    (nothing changed) or the file errors search raises."""
    with archive.unit_of_work() as uow:
        con = uow.raw
        done = archive.search_index.refresh(con, step=lambda d, t: progress.step(d, t))
        uow.commit()
    return done


def refresh_if_needed(archive: Archive) -> None:
    """Bring the search index up to date if edits or imports left it behind (a file's
    is folded when read; a server's by every writer before it commits)."""
    with archive.unit_of_work() as uow:
        if not archive.search_index.is_dirty(uow.raw):
            return
    refresh_index(archive)


def _rank(rows: list[tuple[int, str, str, str]], terms: list[Term]) -> list[int]:
    """Keys of ``rows`` (newest first) by score, best first; see the module docstring."""
    if not rows:
        return []
    documents = []
    for rowid, words, alt, stems in rows:
        tokens = words.split()
        documents.append((rowid, words, f"{alt} {stems}" if stems else alt, tokens, len(tokens) or 1))
    average = sum(d[4] for d in documents) / len(documents)
    scored = []
    for order, (rowid, words, alt, tokens, length) in enumerate(documents):
        counts = Counter(tokens)
        counts.update(alt.split())
        norm = _K1 * (1 - _B + _B * length / average)
        score = 0.0
        for term in terms:
            tf = _frequency(term, counts, words, alt)
            score += tf * (_K1 + 1) / (tf + norm) if tf else 0.0
        scored.append((-score, order, rowid))
    scored.sort()
    return [rowid for _score, _order, rowid in scored]


def _frequency(term: Term, counts: Counter, words: str, alt: str) -> int:
    forms = [term.tokens] + ([term.stems] if term.stems else []) + [(v,) for v in term.variants]
    if len(term.tokens) == 1:
        if term.prefix:
            return sum(n for token, n in counts.items() if any(token.startswith(f[0]) for f in forms))
        return max(counts[f[0]] for f in forms)
    # A phrase: how often its words stand together (prefix phrases counted as whole).
    return max(f" {words} ".count(f" {' '.join(f)} ") + f" {alt} ".count(f" {' '.join(f)} ")
               for f in forms) or 1


def _hits(con, index: SearchIndex, rowids: list[int], terms: list[Term]) -> list[Hit]:
    found = index.versions(con, rowids)
    owner = owners(con, (v[0] for v in found.values()))
    numbers = meeting_numbers(con, set(owner.values()))
    reports = _report_keys(con, set(owner.values()))
    hits = []
    for rowid in rowids:
        if rowid not in found or found[rowid][0] not in owner:
            continue  # deleted since the index was read: cannot happen in one transaction
        text_id, lang, body = found[rowid]
        kind, record_id = owner[text_id]
        hits.append(Hit(kind=kind, record_id=str(uuid.UUID(record_id)),
                        meeting_number=numbers.get(record_id), lang=lang, text=body,
                        spans=spans(body, terms, lang), report_key=reports.get(record_id)))
    return hits


#: The tables of a report's parts, whose ``report_id`` names the report.
_REPORT_PARTS = {"report_paragraph": "report_paragraph", "achievement": "achievement"}


def _report_keys(con, kind_ids: set[tuple[str, str]]) -> dict[str, str]:
    """record id (as stored) -> key of the report it is or belongs to."""
    keys = {i: str(uuid.UUID(i)) for kind, i in kind_ids if kind == "report"}
    for kind, table in _REPORT_PARTS.items():
        ids = [i for k, i in kind_ids if k == kind]
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            keys.update((i, str(uuid.UUID(report))) for i, report in con.execute(
                f'SELECT id, report_id FROM "{table}" WHERE id IN ({", ".join("?" * len(chunk))})', chunk))
    return keys
