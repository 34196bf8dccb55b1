"""The search index of an HQ archive: PostgreSQL's full-text search over the same
folded columns a file indexes with FTS5 (storage/search_text.py), so that a query
finds the same versions on both. The server's storage.search_index.SearchIndex.

Tables (schema 0011; ``search_*``, which packages, the fingerprint and autogenerate
leave out: the index is rebuildable):

- ``search_index``: one row per text version a live record owns (storage/
  search_index.OWNERS): ``seq`` (the order versions were first indexed: ranking's
  "newest"), ``version_id``, the folded ``words``, ``alt`` and ``stems`` as text, and
  each as a ``tsvector`` of its distinct tokens (GIN-indexed).
- ``search_dirty(version_id, mark)``: versions whose row may be out of date, in the
  order they were marked.

The tsvectors are built here, as literals of the folded tokens, never by PostgreSQL's
parser or a text search configuration: folding stays Python's, the same on both
databases and under any server locale. Lexemes are compared byte for byte. A term's
phrase (storage/search_text.Match) is its tokens ANDed in a ``tsquery`` (the GIN
index finds the rows) and then, for more than one token, the tokens standing together
in the column's text (``LIKE '% a b %'``): exact at any length, where tsvector
positions stop at 16,383 and keep 256 per lexeme.

Keeping it current: statement-level triggers (transition tables, so an import of
thousands of rows marks them in one statement) put versions in ``search_dirty``
when a version is added, deleted or its body changes, and when an owning record is
added, deleted or pointed at another text. Every transaction that wrote folds its
dirty versions before it commits (:func:`before_commit`: UnitOfWork.commit and the
merge's commit), so readers, who may write nothing, always find the index current;
writers are one at a time already (the local replica's row lock), so two never fold
the same version.

Limits of ``tsvector``: a lexeme is at most 2,047 bytes (longer tokens are cut to
:data:`LEXEME_BYTES` in texts and queries alike) and one vector at most 1 MB (a
version's distinct tokens past :data:`VECTOR_BYTES` are left out of its vector).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from piel_desktop.storage.search_index import OWNERS, IndexRow, columns_by_table, owned_texts
from piel_desktop.storage.search_text import Match, Term, index_columns

TABLES = ("search_index", "search_dirty")
#: The folded columns, as in a file's ``fts_text``.
COLUMNS = ("words", "alt", "stems")
LEXEME_BYTES = 2000
VECTOR_BYTES = 900_000
#: Versions folded per batch by :func:`refresh`.
BATCH = 2000

_MARK = "INSERT INTO search_dirty (version_id) {} ON CONFLICT DO NOTHING"


def create_statements(owners: Sequence[tuple[str, str, str]] = OWNERS) -> list[str]:
    """DDL of the index tables, their indexes and the marking triggers (for migration
    0011; ``owners`` as they were)."""
    statements = [
        "CREATE TABLE search_index (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
        "version_id char(32) NOT NULL UNIQUE, "
        + ", ".join(f"{c} text NOT NULL, {c}_v tsvector NOT NULL" for c in COLUMNS) + ")",
        *(f"CREATE INDEX search_index_{c} ON search_index USING gin ({c}_v)" for c in COLUMNS),
        "CREATE TABLE search_dirty (version_id char(32) PRIMARY KEY, "
        "mark bigint GENERATED ALWAYS AS IDENTITY UNIQUE)",
        _trigger_function("text_version", {
            "INSERT": _MARK.format("SELECT id FROM new_rows"),
            "DELETE": _MARK.format("SELECT id FROM old_rows"),
            "UPDATE": _MARK.format("SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
                                   "WHERE o.body IS DISTINCT FROM n.body "
                                   "OR o.text_id IS DISTINCT FROM n.text_id")}),
        *_triggers("text_version"),
    ]
    for table, columns in columns_by_table(owners).items():
        def of(transition: str) -> str:
            return "; ".join(_MARK.format(f'SELECT tv.id FROM {transition} r JOIN text_version tv '
                                          f'ON tv.text_id = r."{c}"') for c in columns)
        changed = " OR ".join(f'o."{c}" IS DISTINCT FROM n."{c}"' for c in columns)
        moved = "; ".join(_MARK.format(f'SELECT tv.id FROM new_rows n JOIN old_rows o ON o.id = n.id '
                                       f'JOIN text_version tv ON tv.text_id IN (o."{c}", n."{c}") '
                                       f"WHERE {changed}") for c in columns)
        statements += [_trigger_function(table, {"INSERT": of("new_rows"), "DELETE": of("old_rows"),
                                                 "UPDATE": moved}),
                       *_triggers(table)]
    return statements


def _trigger_function(table: str, actions: dict[str, str]) -> str:
    branches = "\n  ".join(f"{'IF' if i == 0 else 'ELSIF'} TG_OP = '{op}' THEN {sql};"
                           for i, (op, sql) in enumerate(actions.items()))
    return (f"CREATE OR REPLACE FUNCTION piel_search_{table}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n  {branches}\n  END IF;\n  RETURN NULL;\nEND\n$$")


def _triggers(table: str) -> list[str]:
    return [f'CREATE TRIGGER piel_search_{table}_{op.lower()} AFTER {op} ON "{table}" '
            f"REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION piel_search_{table}()"
            for op, transitions in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                             ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"))]


def mark_all(con) -> None:
    """Mark every text version dirty (the next fold indexes them all)."""
    con.execute(_MARK.format("SELECT id FROM text_version ORDER BY created_at, id"))


def is_dirty(con) -> bool:
    return con.execute("SELECT 1 FROM search_dirty LIMIT 1").fetchone() is not None


def before_commit(con) -> None:
    """Fold the versions this transaction marked (see the module docstring)."""
    if is_dirty(con):
        refresh(con)


def refresh(con, *, step: Callable[[int, int], None] | None = None) -> int:
    """Bring the rows of dirty versions up to date, in the caller's transaction;
    return how many versions were looked at. ``step(done, total)`` after each batch."""
    total = con.execute("SELECT count(*) FROM search_dirty").fetchone()[0]
    done = 0
    while True:
        ids = [r[0] for r in con.execute(
            "SELECT version_id FROM search_dirty ORDER BY mark LIMIT ?", (BATCH,))]
        if not ids:
            break
        found = {r[0]: r for r in con.execute(
            "SELECT id, text_id, body, lang FROM text_version WHERE id = ANY(?)", (ids,))}
        owned = owned_texts(con, {r[1] for r in found.values()})
        kept = [found[i] for i in ids if i in found and found[i][1] in owned]
        gone = set(ids) - {r[0] for r in kept}
        if gone:
            con.execute("DELETE FROM search_index WHERE version_id = ANY(?)", (list(gone),))
        if kept:
            con.executemany(
                "INSERT INTO search_index (version_id, words, words_v, alt, alt_v, stems, stems_v) "
                "VALUES (?, ?, CAST(? AS tsvector), ?, CAST(? AS tsvector), ?, CAST(? AS tsvector)) "
                "ON CONFLICT (version_id) DO UPDATE SET "
                + ", ".join(f"{c} = EXCLUDED.{c}, {c}_v = EXCLUDED.{c}_v" for c in COLUMNS),
                (_row(version_id, body, lang) for version_id, _text, body, lang in kept))
        con.execute("DELETE FROM search_dirty WHERE version_id = ANY(?)", (ids,))
        done += len(ids)
        if step:
            step(done, total)
    return done


def _row(version_id: str, body: str, lang: str) -> tuple[str, ...]:
    row = [version_id]
    for column in index_columns(body, lang):
        row += [column, vector(column.split())]
    return tuple(row)


def vector(tokens: Sequence[str]) -> str:
    """The ``tsvector`` literal of ``tokens``' distinct tokens (no positions)."""
    unique = list(dict.fromkeys(tokens))
    # Usually: every token short enough and the whole far below the limit (a character
    # is at most 4 bytes in UTF-8), so no token needs measuring in bytes.
    longest, total = max(map(len, unique), default=0), sum(map(len, unique))
    if longest * 4 > LEXEME_BYTES or total * 4 + 8 * len(unique) > VECTOR_BYTES:
        unique = _within_limits(unique)
    return " ".join(map(_quoted, unique))


def _within_limits(tokens: list[str]) -> list[str]:
    out, size = [], 0
    for token in dict.fromkeys(_lexeme(t) for t in tokens):
        size += len(token.encode()) + 8
        if size > VECTOR_BYTES:
            break
        out.append(token)
    return out


def _lexeme(token: str) -> str:
    raw = token.encode()
    return token if len(raw) <= LEXEME_BYTES else raw[:LEXEME_BYTES].decode(errors="ignore")


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


# -- reading -----------------------------------------------------------------------------

class _Binder:
    """Collects a statement's values under ``:name0``, ``:name1``… marks."""

    def __init__(self, name: str) -> None:
        self.name, self.values = name, {}

    def __call__(self, value: str, cast: str = "") -> str:
        key = f"{self.name}{len(self.values)}"
        self.values[key] = value
        return f"CAST(:{key} AS {cast})" if cast else f":{key}"


def _match_sql(match: Match, bind: _Binder) -> str:
    """SQL true for an index row ``si`` that ``match`` matches."""
    columns = match.columns or COLUMNS
    ors = []
    words = [f for f in match.forms if len(f) == 1]
    if words:  # single tokens: one tsquery of them all per column
        query = bind(" | ".join(_quoted(_lexeme(f[0])) + (":*" if match.prefix else "") for f in words),
                     "tsquery")
        ors += [f"si.{c}_v @@ {query}" for c in columns]
    for phrase in (f for f in match.forms if len(f) > 1):
        query = bind(" & ".join(_quoted(_lexeme(t)) for t in phrase) + (":*" if match.prefix else ""),
                     "tsquery")
        pattern = bind("% " + " ".join(_like(t) for t in phrase) + ("%" if match.prefix else " %"))
        ors += [f"(si.{c}_v @@ {query} AND ' ' || si.{c} || ' ' LIKE {pattern})" for c in columns]
    return "(" + " OR ".join(ors) + ")"


def _like(token: str) -> str:
    return token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def condition(terms: list[Term], stemmed: bool, name: str = "q") -> tuple[str, dict[str, str]]:
    """SQL true for an index row ``si`` matching every term, and its values."""
    bind = _Binder(name)
    sql = " AND ".join("(" + " OR ".join(_match_sql(m, bind) for m in t.matches(stemmed)) + ")"
                       for t in terms)
    return sql, bind.values


def candidates(con, terms: list[Term], stemmed: bool, most: int) -> list[IndexRow]:
    """The newest ``most`` index rows matching every term, newest first: (seq, words,
    alt, stems)."""
    where, values = condition(terms, stemmed)
    return con.execute(f"SELECT seq, words, alt, stems FROM search_index si WHERE {where} "
                       "ORDER BY seq DESC LIMIT :most", {**values, "most": most}).fetchall()


def match_count(con, terms: list[Term]) -> int:
    where, values = condition(terms, True)
    return con.execute(f"SELECT count(*) FROM search_index si WHERE {where}", values).fetchone()[0]


def versions(con, keys: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """seq -> (text id, lang, body) of the rows' live text versions."""
    if not keys:
        return {}
    marks = ", ".join("?" * len(keys))
    return {r[0]: r[1:] for r in con.execute(
        "SELECT si.seq, tv.text_id, tv.lang, tv.body FROM search_index si "
        f"JOIN text_version tv ON tv.id = si.version_id WHERE si.seq IN ({marks})", list(keys))}


def matching_texts(terms: list[Term], name: str) -> tuple[str, dict[str, Any]]:
    where, values = condition(terms, True, name)
    return ("SELECT tv.text_id FROM search_index si JOIN text_version tv ON tv.id = si.version_id "
            f"WHERE {where}"), values
