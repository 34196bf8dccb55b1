"""The follow-up tracker: top-level outcomes with their meeting, status, addressee and
due date, filtered and sorted in SQL and read a page at a time, so a view of 100,000
outcomes never holds them all.

Rows are plain data (:class:`TrackerRow`) that cross to the UI thread as they are.
An outcome reported by several meetings is listed once, under the first of them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from piel_desktop.domain.errors import InvalidValue
from piel_desktop.domain.model import SETTLED, OutcomeKind, OutcomeStatus
from piel_desktop.services import search
from piel_desktop.storage import Archive
from piel_desktop.storage.search_index import SearchIndex
from piel_desktop.storage.search_text import parse_query
from piel_desktop.storage.sync import on_server

#: Sort keys -> SQL expression (ties broken by meeting, then position in the meeting).
SORT_KEYS = {
    "meeting": "m.number",
    "date": "m.start_date",
    "text": "shown_text COLLATE NOCASE",
    "kind": "o.kind",
    "status": "o.status",
    "addressee": "coalesce(o.addressee, '')",
    "due_date": "o.due_date",  # outcomes without a due date first
}


@dataclass(frozen=True)
class TrackerFilter:
    """What to show; empty fields do not filter.

    - ``since``/``until`` bound the date of the outcome's first meeting (inclusive);
    - ``addressee`` is matched exactly (a code such as "secretariat", or the text typed);
    - ``overdue``: only outcomes whose due date is before ``today`` (default: the
      computer's date) and whose status is not implemented, superseded or withdrawn;
    - ``topic``: words to find in the outcome's own text, in any language, as the
      search (Edit → Find) finds them (accents and case aside; ``"a b"`` a phrase,
      ``word*`` a prefix); a sub-item's text does not count for its outcome;
    - ``organisation`` (an organisation's id): outcomes recorded as mentioning it (the
      links the outcome editor and the demo data make), or addressed to it, that is
      whose addressee is its acronym or name in any language, case aside (the
      addressee "itu" is the ITU). A mention in free text is what ``topic`` finds.
    """

    meeting: int | None = None
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    addressee: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    overdue: bool = False
    today: dt.date | None = None
    topic: str = ""
    organisation: uuid.UUID | None = None


@dataclass(frozen=True)
class TrackerRow:
    id: uuid.UUID
    meeting: int
    date: dt.date
    text: str
    text_lang: str  # the language ``text`` is in (the asked one, else the original's)
    kind: str
    status: str
    addressee: str | None
    due_date: dt.date | None = None
    #: Where the row stands (position in its meeting, then the tie-break: the rowid on
    #: a file, the id's hex on a server; see _tie): for paging.
    position: int = 0
    tie: int | str = 0
    #: The meeting's start, "HH:MM" at the venue in IANA zone ``time_zone`` (or None).
    start_time: str | None = None
    time_zone: str | None = None


# Outcomes under their first meeting, walked in meeting order (CROSS JOIN fixes the
# order of the loops): sorted by meeting, the default, SQLite reads meetings by number,
# sorts each meeting's outcomes by position and stops after a page, instead of sorting
# every outcome. Other orders sort every row. An outcome of several meetings is kept
# only under the lowest number.
_FROM = """
FROM meeting m
CROSS JOIN meeting_outcome mo ON mo.meeting_id = m.id
CROSS JOIN outcome o ON o.id = mo.outcome_id
"""
#: The outcomes linked to the organisation ``:organisation`` or addressed to it (the
#: addressee its acronym or name in a language, ASCII case aside as NOCASE compares),
#: read through the indexes of schema 6.
_ORGANISATION_OUTCOMES = (
    "SELECT oo.outcome_id AS id FROM outcome_organisation oo WHERE oo.organisation_id = :organisation "
    "UNION SELECT a.id FROM outcome a WHERE a.addressee COLLATE NOCASE IN (SELECT tv.body FROM organisation org "
    "JOIN text_version tv ON tv.text_id IN (org.acronym_id, org.name_id) WHERE org.id = :organisation)")
# With the organisation filter few outcomes match, often none in most meetings: read
# those outcomes and their meetings (sorting them) rather than walk every meeting.
_FROM_ORGANISATION = f"""
FROM ({_ORGANISATION_OUTCOMES}) chosen
CROSS JOIN outcome o ON o.id = chosen.id
CROSS JOIN meeting_outcome mo ON mo.outcome_id = o.id
CROSS JOIN meeting m ON m.id = mo.meeting_id
"""
_FIRST_MEETING = """NOT EXISTS (SELECT 1 FROM meeting_outcome mo2 JOIN meeting m2 ON m2.id = mo2.meeting_id
            WHERE mo2.outcome_id = o.id AND m2.number < m.number)"""
_TEXT = """
LEFT JOIN text_version asked ON asked.text_id = o.text_id AND asked.lang = :lang
LEFT JOIN text_version original ON original.text_id = o.text_id AND original.status = 'original'
"""
_SHOWN = "coalesce(asked.body, original.body) AS shown_text, coalesce(asked.lang, original.lang)"


#: The columns of a row, as TrackerRow takes them (its text aside).
_COLUMNS = ("o.id, m.number, m.start_date, o.kind, o.status, o.addressee, o.due_date, o.position, {tie}, "
             "m.start_time, m.time_zone")


def _execute(con, sql: str, params=()):
    """Run the tracker's SQL. SQLite reads ``CROSS JOIN … ON`` as an inner join whose
    order is fixed (the plans above rely on it); PostgreSQL's planner orders joins
    itself and only knows a plain JOIN with ON."""
    return con.execute(sql.replace("CROSS JOIN", "JOIN") if on_server(con) else sql, params)


def _tie(con) -> str:
    """The column that orders outcomes of one position: SQLite's rowid (the order they
    were added, in every index), or the id on PostgreSQL, which has no rowid."""
    return "o.id" if on_server(con) else "o.rowid"


def _from(flt: TrackerFilter) -> str:
    """Outcomes ``o`` under meetings ``m`` (``mo`` linking them), from the outcomes the
    filter picks when it picks few, else walking the meetings in number order."""
    return _FROM_ORGANISATION if flt.organisation is not None else _FROM


def _where(flt: TrackerFilter, index: SearchIndex) -> tuple[list[str], dict]:
    """Conditions on ``o`` (the outcome) and ``m`` (its first meeting), and parameters;
    ``index``: the archive's search index (Archive.search_index), for the topic."""
    clauses, params = ["o.parent_id IS NULL"], {}
    if flt.meeting is not None:
        clauses.append("o.id IN (SELECT mo3.outcome_id FROM meeting_outcome mo3 JOIN meeting m3 "
                       "ON m3.id = mo3.meeting_id WHERE m3.number = :meeting)")
        params["meeting"] = int(flt.meeting)
    for field, values, kind in (("status", flt.statuses, OutcomeStatus), ("kind", flt.kinds, OutcomeKind)):
        if values:
            for value in values:
                if value not in {member.value for member in kind}:
                    raise InvalidValue(field=field, value=value)
            names = [f":{field}{i}" for i in range(len(values))]
            clauses.append(f"o.{field} IN ({', '.join(names)})")
            params.update({name[1:]: value for name, value in zip(names, values)})
    if flt.addressee:
        clauses.append("o.addressee = :addressee")
        params["addressee"] = flt.addressee
    if flt.since is not None:
        clauses.append("m.start_date >= :since")
        params["since"] = flt.since.isoformat()
    if flt.until is not None:
        clauses.append("m.start_date <= :until")
        params["until"] = flt.until.isoformat()
    if flt.overdue:
        settled = ", ".join(f"'{s.value}'" for s in sorted(SETTLED))
        clauses.append(f"o.due_date < :today AND o.status NOT IN ({settled})")
        params["today"] = (flt.today or dt.date.today()).isoformat()
    if flt.topic.strip():
        terms = parse_query(flt.topic)
        if terms:
            texts, values = index.matching_texts(terms, "topic")
            clauses.append(f"o.text_id IN ({texts})")
            params.update(values)
        else:  # no words (only punctuation): nothing matches, as in the search
            clauses.append("1 = 0")
    if flt.organisation is not None:
        # Also what _from reads from; kept so every query is right whatever it reads from.
        clauses.append(f"o.id IN ({_ORGANISATION_OUTCOMES})")
        params["organisation"] = flt.organisation.hex
    return clauses, params


def query_sql(flt: TrackerFilter, index: SearchIndex, *, sort: str = "meeting", descending: bool = False,
              tie: str = "o.rowid") -> tuple[str, dict]:
    """The SQL of a page of rows (id, meeting number, date, kind, status, addressee, due
    date; texts are read for the page alone, see :func:`fetch`) and its parameters
    (``:lang``, ``:limit`` and ``:offset`` still to bind). Public so a benchmark can
    run it raw. ``tie`` orders outcomes of one position (``_tie``: the file's rowid by
    default). Raises InvalidValue for an unknown sort key, status or kind.
    """
    if sort not in SORT_KEYS:
        raise InvalidValue(field="sort", value=sort)
    clauses, params = _where(flt, index)
    direction = "DESC" if descending else "ASC"
    by_text = sort == "text"  # the only order that needs every row's text
    sql = (f"SELECT {_COLUMNS.format(tie=tie)}"
           f"{', ' + _SHOWN if by_text else ''} {_from(flt)}{_TEXT if by_text else ''}"
           f"WHERE {' AND '.join([*clauses, _FIRST_MEETING])} "
           f"ORDER BY {SORT_KEYS[sort]} {direction}, m.number {direction}, o.position, {tie} "
           f"LIMIT :limit OFFSET :offset")
    return sql, params


def count_sql(flt: TrackerFilter, index: SearchIndex) -> tuple[str, dict]:
    """The SQL counting the tracker's rows for ``flt``, and its parameters."""
    clauses, params = _where(flt, index)
    if flt.since is None and flt.until is None:
        # No condition on the meeting: count outcomes alone (a top-level outcome without
        # a meeting, which the program never makes, would be counted but not listed).
        outcomes = (f"({_ORGANISATION_OUTCOMES}) chosen CROSS JOIN outcome o ON o.id = chosen.id"
                    if flt.organisation is not None else "outcome o")
        return f"SELECT count(*) FROM {outcomes} WHERE {' AND '.join(clauses)}", params
    return f"SELECT count(*) {_from(flt)} WHERE {' AND '.join([*clauses, _FIRST_MEETING])}", params


#: Meetings read per step when walking in meeting order.
WINDOW = 64


def fetch(archive: Archive, flt: TrackerFilter, *, lang: str, sort: str = "meeting",
          descending: bool = False, offset: int = 0, limit: int = 200,
          after: TrackerRow | None = None) -> list[TrackerRow]:
    """Rows ``offset`` to ``offset + limit`` of the tracker (or the ``limit`` rows that
    follow the row ``after``, in meeting order), texts in ``lang`` where they exist.

    In meeting order, the default, meetings are walked a window at a time, so a page
    costs the outcomes of a few meetings, not of the whole archive. Raises
    InvalidValue for an unknown sort key, status or kind.
    """
    _prepare(archive, flt)
    with archive.unit_of_work() as uow:
        con = uow.raw
        if sort == "meeting":
            rows = _in_meeting_order(con, archive.search_index, flt, descending, offset, limit, after)
        else:
            sql, params = query_sql(flt, archive.search_index, sort=sort, descending=descending, tie=_tie(con))
            rows = _execute(con, sql, {**params, "lang": lang, "limit": int(limit),
                                     "offset": int(offset)}).fetchall()
        texts = {}
        if rows:
            marks = ", ".join("?" * len(rows))
            texts = {r[0]: r[1:] for r in _execute(con,
                f"SELECT o.id, {_SHOWN} FROM outcome o {_TEXT.replace(':lang', '?')} "
                f"WHERE o.id IN ({marks})", [lang, *(r[0] for r in rows)])}
    return [TrackerRow(id=uuid.UUID(r[0]), meeting=r[1], date=dt.date.fromisoformat(r[2]),
                       text=texts.get(r[0], ("", ""))[0] or "", text_lang=texts.get(r[0], ("", ""))[1] or "",
                       kind=r[3], status=r[4], addressee=r[5],
                       due_date=dt.date.fromisoformat(r[6]) if r[6] else None, position=r[7], tie=r[8],
                       start_time=r[9], time_zone=r[10])
            for r in rows]


def _prepare(archive: Archive, flt: TrackerFilter) -> None:
    """Bring the search index up to date when ``flt`` searches texts."""
    if flt.topic.strip():
        search.refresh_if_needed(archive)


def _in_meeting_order(con, index: SearchIndex, flt: TrackerFilter, descending: bool, offset: int, limit: int,
                      after: TrackerRow | None) -> list[tuple]:
    """Rows in meeting order (positions ascending within a meeting) from the row
    ``after`` or, without it, skipping ``offset`` rows: the outcomes the filter picks,
    sorted, when it picks few (see :func:`_from`), else meetings walked a window at a time."""
    if flt.organisation is None:
        return _walk_meetings(con, index, flt, descending, offset, limit, after)
    tie = _tie(con)
    clauses, params = _following(flt, index, descending, after, tie)
    step = "DESC" if descending else "ASC"
    return _execute(con,
        f"SELECT {_COLUMNS.format(tie=tie)} {_from(flt)} WHERE {' AND '.join([*clauses, _FIRST_MEETING])} "
        f"ORDER BY m.number {step}, o.position, {tie} LIMIT :limit OFFSET :offset",
        {**params, "limit": int(limit), "offset": int(offset)}).fetchall()


def _following(flt: TrackerFilter, index: SearchIndex, descending: bool, after: TrackerRow | None,
               tie: str) -> tuple[list[str], dict]:
    """The conditions and parameters of the rows of ``flt`` after the row ``after``
    (when given) in meeting order."""
    clauses, params = _where(flt, index)
    older = "<" if descending else ">"
    if after is not None:
        clauses.append(f"(m.number {older} :after_number OR (m.number = :after_number AND "
                       f"(o.position, {tie}) > (:after_position, :after_tie)))")
        params.update(after_number=after.meeting, after_position=after.position, after_tie=after.tie)
    return clauses, params


def _walk_meetings(con, index: SearchIndex, flt: TrackerFilter, descending: bool, offset: int, limit: int,
                   after: TrackerRow | None) -> list[tuple]:
    """Rows in meeting order (positions ascending within a meeting), read WINDOW
    meetings at a time from the row ``after`` or, without it, skipping ``offset`` rows."""
    tie = _tie(con)
    clauses, params = _following(flt, index, descending, after, tie)
    older, step = ("<", "DESC") if descending else (">", "ASC")
    condition = " AND ".join([*clauses, _FIRST_MEETING])
    window = (f"WITH m AS (SELECT id, number, start_date, start_time, time_zone FROM meeting "
              f"WHERE CAST(:edge AS INTEGER) IS NULL OR number {older}= :edge ORDER BY number {step} LIMIT {WINDOW}) ")
    joined = ("FROM m CROSS JOIN meeting_outcome mo ON mo.meeting_id = m.id "
              "CROSS JOIN outcome o ON o.id = mo.outcome_id ")
    edge = after.meeting if after is not None else None
    rows: list[tuple] = []
    while len(rows) < limit:
        bound = {**params, "edge": edge}
        if offset:
            inside = _execute(con, f"{window}SELECT count(*) {joined}WHERE {condition}", bound).fetchone()[0]
            if inside <= offset:
                offset -= inside
                edge = _next_edge(con, edge, descending)
                if edge is None:
                    break
                continue
        rows += _execute(con,
            f"{window}SELECT {_COLUMNS.format(tie=tie)} {joined}WHERE {condition} "
            f"ORDER BY m.number {step}, o.position, {tie} "
            f"LIMIT :limit OFFSET :offset", {**bound, "limit": limit - len(rows), "offset": offset}).fetchall()
        offset = 0
        edge = _next_edge(con, edge, descending)
        if edge is None:
            break
    return rows


def _next_edge(con, edge: int | None, descending: bool) -> int | None:
    """The number of the first meeting after the window that starts at ``edge``."""
    older, step = ("<", "DESC") if descending else (">", "ASC")
    row = _execute(con, f"SELECT number FROM meeting WHERE CAST(:edge AS INTEGER) IS NULL OR number {older}= :edge "
                      f"ORDER BY number {step} LIMIT 1 OFFSET {WINDOW}", {"edge": edge}).fetchone()
    return row[0] if row else None


def count(archive: Archive, flt: TrackerFilter) -> int:
    """How many rows the tracker has for ``flt``."""
    sql, params = count_sql(flt, archive.search_index)
    _prepare(archive, flt)
    with archive.unit_of_work() as uow:
        return _execute(uow.raw, sql, params).fetchone()[0]


def status_counts(archive: Archive, flt: TrackerFilter) -> dict[int, dict[str, int]]:
    """meeting number -> status -> how many of the tracker's rows for ``flt`` (each
    outcome under its first meeting), meetings in number order."""
    clauses, params = _where(flt, archive.search_index)
    sql = (f"SELECT m.number, o.status, count(*) {_from(flt)} "
           f"WHERE {' AND '.join([*clauses, _FIRST_MEETING])} GROUP BY m.number, o.status ORDER BY m.number")
    counts: dict[int, dict[str, int]] = {}
    _prepare(archive, flt)
    with archive.unit_of_work() as uow:
        for number, status, n in _execute(uow.raw, sql, params):
            counts.setdefault(number, {})[status] = n
    return counts


def addressees(archive: Archive) -> list[str]:
    """The addressees outcomes have, for a filter list (most used first)."""
    with archive.unit_of_work() as uow:
        return [r[0] for r in _execute(uow.raw,
            "SELECT addressee FROM outcome WHERE addressee IS NOT NULL AND parent_id IS NULL "
            "GROUP BY addressee ORDER BY count(*) DESC, addressee")]
