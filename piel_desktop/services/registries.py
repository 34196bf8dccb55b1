"""The records edited as registries: country efforts, good practices, youth
consultations, documents with their files, meetings, organisations, the body's reports,
and its mandate's instruments and their clauses (services/mandate.py).

Each kind is described once (:data:`KINDS`: its fields and what they take); one set of
functions reads, checks, creates, changes and deletes records of any kind, one
transaction each, so a refused value leaves the archive exactly as it was.

Values travel as plain dicts, field name -> value: text (``str`` or None), years
(``int``), dates (``datetime.date``), flags (``bool``), ids (``uuid.UUID``), a practice's
``documents`` (tuple of document ids). :func:`values` gives a record's dict in the form
:func:`create` and :func:`edit` take it, so undo can write it back (services/history.py).

A document's file is stored inside the archive (``blob``, one row per SHA-256, so the
same file attached twice is stored once); ``file`` in the values of :func:`create` or
:func:`edit` is a path to read and attach.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import insert, select

from piel_desktop.domain.errors import (
    EndBeforeStart, FileUnreadable, InvalidValue, RecordNotFound, RevisedBeforeAdopted, ValueRequired,
)
from piel_desktop.domain.meeting_time import check_start
from piel_desktop.domain.model import TranslationStatus
from piel_desktop.domain.symbols import DocumentSymbol, parse_symbol
from piel_desktop.i18n import country_name, ui_language
from piel_desktop.services import mandate, meeting_records, snapshots
from piel_desktop.services.field_checks import Field, parse
from piel_desktop.services.records import write_version
from piel_desktop.storage import Archive, models as m, queries
from piel_desktop.storage.texts import load_texts, new_text


@dataclass(frozen=True)
class Kind:
    name: str  # "effort", "practice", "consultation", "document", "meeting", "organisation",
    # "report", "instrument", "clause"
    model: type
    fields: tuple[Field, ...]


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("effort", m.CountryEffort, (
        Field("country", "country", required=True), Field("year", "year", required=True),
        Field("title", "line", required=True, most=300), Field("description", "text"),
        Field("links", "links"), Field("contact", "line", most=300))),
    Kind("practice", m.Practice, (
        Field("title", "line", required=True, most=300), Field("country", "country"),
        Field("organisation_id", "organisation"), Field("summary", "text"),
        Field("documents", "documents"))),
    Kind("consultation", m.Consultation, (
        Field("topic_id", "anchor", required=True), Field("period_start", "date"),
        Field("period_end", "date"), Field("languages", "languages"), Field("partners", "text"),
        Field("results_id", "anchor"))),
    Kind("document", m.Document, (
        Field("symbol", "line", most=64), Field("title", "line", required=True, most=300),
        Field("language", "language"), Field("public", "flag"), Field("file", "file"))),
    Kind("meeting", m.Meeting, (
        Field("number", "number", required=True), Field("start_date", "date", required=True),
        Field("end_date", "date"), Field("venue_id", "anchor", most=200),
        Field("reported_with", "meetings"), Field("start_time", "time"),
        Field("time_zone", "zone"))),
    Kind("organisation", m.Organisation, (
        Field("name_id", "anchor", required=True, most=300), Field("acronym_id", "anchor", most=32),
        Field("former_name", "line", most=200))),
    Kind("report", m.Report, (
        Field("symbol", "line", most=64), Field("date", "date"),
        Field("recipient", "choice", required=True, choices=mandate.RECIPIENTS),
        Field("session_year", "year"), Field("period_start", "date"), Field("period_end", "date"),
        Field("summary_id", "anchor"), Field("action_requested_id", "anchor"))),
    Kind("instrument", m.Instrument, (
        Field("kind", "choice", required=True, choices=mandate.INSTRUMENT_KINDS),
        Field("issuer", "choice", required=True, choices=mandate.ISSUERS),
        Field("number", "line", required=True, most=32), Field("adopted_year", "year"),
        Field("revised_year", "year"), Field("citation_id", "anchor", required=True, most=300))),
    Kind("clause", m.Clause, (
        Field("instrument_id", "record", required=True), Field("parent_id", "record"),
        Field("section", "choice", required=True, choices=mandate.SECTIONS),
        Field("number", "line", required=True, most=16), Field("text_id", "anchor", required=True))),
)}

#: Kinds with a period: (start field, end field); the end may not come before the start.
_PERIODS = {"consultation": ("period_start", "period_end"), "meeting": ("start_date", "end_date"),
            "report": ("period_start", "period_end"), "instrument": ("adopted_year", "revised_year")}
#: Kinds whose records are ordered by hand among their siblings (services/mandate.py).
POSITIONED = ("instrument", "clause")


def kind(name: str) -> Kind:
    """Raises KeyError for a name not in KINDS."""
    return KINDS[name]


# -- checking values ----------------------------------------------------------------

def check(kind_name: str, values: Mapping) -> dict:
    """``values`` checked and normalised (texts stripped, countries upper case), with
    only the kind's fields. Raises InvalidValue (or a subclass: ValueRequired,
    NotACountry, YearOutOfRange, NotALink) naming the first wrong field."""
    spec = kind(kind_name)
    unknown = set(values) - {f.name for f in spec.fields} - {"file_name", "blob_sha256"}
    if unknown:
        raise InvalidValue(field=sorted(unknown)[0], value="")
    checked = {}
    for f in spec.fields:
        if f.name not in values:
            continue
        value = parse(f, values[f.name])
        if f.required and value in (None, "", ()):
            raise ValueRequired(field=f.name)
        checked[f.name] = value
    for name in ("file_name", "blob_sha256"):
        if name in values:
            checked[name] = values[name] or None
    if kind_name in _PERIODS:
        first, last = _PERIODS[kind_name]
        check_order(last, checked.get(first), checked.get(last))
    if kind_name == "meeting" and {"start_date", "start_time", "time_zone"} <= set(checked):
        check_start(checked["start_date"], checked["start_time"], checked["time_zone"])
    return checked


def check_order(field: str, start, end) -> None:
    """Raises EndBeforeStart (dates) or RevisedBeforeAdopted (years) when ``end`` comes
    before ``start``."""
    if start is None or end is None or end >= start:
        return
    if isinstance(end, int):
        raise RevisedBeforeAdopted(field=field, value=end, first=start)
    raise EndBeforeStart(field=field, value=end.isoformat(), start=start.isoformat())


# -- reading ------------------------------------------------------------------------

def values(archive: Archive, kind_name: str, record_id: uuid.UUID) -> dict:
    """The fields of a record as :func:`create` and :func:`edit` take them (a
    document's file as ``file_name`` and ``blob_sha256``). Raises RecordNotFound."""
    with archive.unit_of_work() as uow:
        return _values(uow.session, kind(kind_name), _get(uow.session, kind(kind_name), record_id))


def _get(s, spec: Kind, record_id: uuid.UUID):
    record = s.get(spec.model, record_id)
    if record is None:
        raise RecordNotFound(kind=spec.model.__tablename__, id=str(record_id))
    return record


def _values(s, spec: Kind, record) -> dict:
    found = {}
    for f in spec.fields:
        if f.kind == "anchor":
            text_id = getattr(record, f.name)
            text = load_texts(s, [text_id]).get(text_id) if text_id else None
            version = text.original or (text.versions[0] if text and text.versions else None) if text else None
            found[f.name] = version.text if version else None
        elif f.kind == "documents":
            found[f.name] = tuple(sorted(d.id for d in record.documents))
        elif f.kind == "file":
            found["file_name"], found["blob_sha256"] = record.file_name, record.blob_sha256
        elif f.kind == "meetings":
            found[f.name] = meeting_records.reported_with(s, record.id)
        else:
            found[f.name] = getattr(record, f.name)
    return found


@dataclass(frozen=True)
class Listed:
    """One record as a list shows it: ``values`` (see :func:`values`) and what is
    derived for showing: ``shown`` (field -> text in the interface language, for
    filtering and the list's cells), a document's ``size`` in bytes and parsed
    ``symbol``, the ``position`` of an instrument or clause among its siblings and a
    clause's ``depth`` (0 for a top-level clause, 1 for its sub-clauses...)."""

    id: uuid.UUID
    values: dict
    shown: dict
    size: int | None = None
    symbol: DocumentSymbol | None = None
    position: int = 0
    depth: int = 0


def list_records(archive: Archive, kind_name: str, *, text: str = "", country: str | None = None,
                 year: int | None = None, of: Mapping | None = None) -> list[Listed]:
    """Records of a kind, in their registry's order (efforts: newest year first, then
    country; practices by title; consultations by period; documents by symbol, so the
    language versions of one document stand together; reports by date; instruments
    and clauses as ordered by hand, sub-clauses under their clause), keeping those
    whose shown texts contain ``text`` (case and accents as typed, case folded) and,
    when given, of that ``country`` and ``year``, and whose values are those of ``of``
    (field -> value: the clauses of one instrument)."""
    spec, lang = kind(kind_name), ui_language()
    needle = text.casefold().strip()
    with archive.unit_of_work() as uow:
        s = uow.session
        records = s.scalars(select(spec.model)).all()
        sizes = dict(s.execute(select(m.Blob.sha256, m.Blob.size)).all()) if kind_name == "document" else {}
        names = organisation_names(s)
        found = []
        for record in records:
            vals = _values(s, spec, record)
            if country and vals.get("country") != country:
                continue
            if year and vals.get("year") != year:
                continue
            if of and any(vals.get(name) != value for name, value in of.items()):
                continue
            shown = _shown(spec, vals, names, lang)
            if needle and not any(needle in v.casefold() for v in shown.values()):
                continue
            found.append(Listed(record.id, vals, shown, sizes.get(vals.get("blob_sha256")),
                                parse_symbol(vals["symbol"] or "") if kind_name == "document" else None,
                                getattr(record, "position", 0) or 0))
    if kind_name == "clause":
        return _tree_order(found)
    return sorted(found, key=_ORDER[kind_name])


def _tree_order(rows: list[Listed]) -> list[Listed]:
    """Clauses by instrument, each followed by its sub-clauses, siblings by position,
    each with its depth."""
    by_id = {r.id: r for r in rows}

    def path(row: Listed) -> tuple:
        found, seen = [], set()
        while row is not None and row.id not in seen:
            seen.add(row.id)
            found.append((row.position, row.values["number"]))
            row = by_id.get(row.values["parent_id"])
        return tuple(reversed(found))
    paths = {r.id: path(r) for r in rows}
    return sorted((replace(r, depth=len(paths[r.id]) - 1) for r in rows),
                  key=lambda r: (str(r.values["instrument_id"]), paths[r.id]))


def _shown(spec: Kind, vals: dict, organisations: dict, lang: str) -> dict[str, str]:
    shown = {}
    for f in spec.fields:
        value = vals.get(f.name)
        if f.kind == "country":
            shown[f.name] = country_name(value, lang)
        elif f.kind == "organisation":
            shown[f.name] = organisations.get(value, "")
        elif f.kind == "file":
            shown[f.name] = vals.get("file_name") or ""
        elif f.kind in ("documents", "flag", "record"):
            continue
        elif f.kind == "meetings":
            shown[f.name] = ", ".join(map(str, value or ()))
        else:
            shown[f.name] = "" if value is None else str(value)
    return shown


_ORDER = {
    "effort": lambda r: (-r.values["year"], r.shown["country"], r.values["title"].casefold()),
    "practice": lambda r: r.values["title"].casefold(),
    "consultation": lambda r: (r.values["period_start"] or dt.date.max, r.shown["topic_id"]),
    "document": lambda r: (r.symbol.document.casefold(), r.values["language"] or "",
                           r.values["title"].casefold()),
    "meeting": lambda r: (r.values["start_date"], r.values["number"]),
    "organisation": lambda r: (r.shown["acronym_id"] or r.shown["name_id"]).casefold(),
    "report": lambda r: (r.values["date"] or dt.date.max, r.values["symbol"] or ""),
    "instrument": lambda r: (r.position, r.values["number"]),
}


def organisation_names(s) -> dict[uuid.UUID, str]:
    """Organisation id -> its acronym, else name, in the interface language."""
    lang = ui_language()
    found = s.scalars(select(m.Organisation)).all()
    texts = load_texts(s, [o.name_id for o in found] + [o.acronym_id for o in found])
    names = {}
    for o in found:
        for text_id in (o.acronym_id, o.name_id):
            version = texts[text_id].pick(lang) if text_id in texts else None
            if version:
                names[o.id] = version.text
                break
    return names


def organisations(archive: Archive) -> list[tuple[uuid.UUID, str]]:
    """(id, acronym or name) of every organisation, by name: what a practice can name."""
    with archive.unit_of_work() as uow:
        names = organisation_names(uow.session)
    return sorted(names.items(), key=lambda item: item[1].casefold())


def document_choices(archive: Archive) -> list[tuple[uuid.UUID, str]]:
    """(id, "symbol — title") of every document, in list order: what a practice or a
    follow-up note links."""
    return [(r.id, document_label(r.values["symbol"], r.values["title"]))
            for r in list_records(archive, "document")]


def document_label(symbol: str | None, title: str | None) -> str:
    """"C18/35-E — Report of the group": how a linked document is named."""
    return " — ".join(v for v in (symbol, title) if v)


# -- writing ------------------------------------------------------------------------

def create(archive: Archive, kind_name: str, new: Mapping, *, record_id: uuid.UUID | None = None) -> uuid.UUID:
    """Add a record of ``kind_name`` with the fields ``new``; return its id.

    ``record_id`` gives it an id (an undo bringing a deleted record back under its own
    id). Raises InvalidValue (see :func:`check`), FileUnreadable, RecordNotFound for a
    linked record that is not there; nothing is written then.
    """
    spec = kind(kind_name)
    checked = check(kind_name, new)
    missing = [f.name for f in spec.fields if f.required and f.name not in checked]
    if missing:
        raise ValueRequired(field=missing[0])
    with archive.unit_of_work() as uow:
        s = uow.session
        record = spec.model(id=record_id or uuid.uuid4())
        if kind_name in ("consultation", "meeting", "report", "instrument"):
            the_body = queries.body(s)
            if the_body is None:
                raise InvalidValue(field="body", value="")
            record.body_id = the_body.id
            if kind_name == "consultation":
                record.audience = "youth"
        if kind_name == "document" and "public" not in checked:
            record.public = True
        _write(s, spec, record, checked)
        if kind_name in POSITIONED:
            record.position = mandate.next_position(s, record)
        s.add(record)
        s.flush()
        uow.commit()
        return record.id


def edit(archive: Archive, kind_name: str, record_id: uuid.UUID, changes: Mapping) -> None:
    """Change the fields ``changes`` of a record (only those are written, so only they
    travel to other offices). Raises RecordNotFound, InvalidValue, FileUnreadable;
    nothing is written then."""
    spec = kind(kind_name)
    checked = check(kind_name, changes)
    with archive.unit_of_work() as uow:
        s = uow.session
        _write(s, spec, _get(s, spec, record_id), checked)
        s.flush()
        uow.commit()


def _capture(s, kind_name: str, record_id: uuid.UUID) -> tuple[snapshots.Snapshot, list[uuid.UUID]]:
    """What deleting the record takes (the snapshot an undo writes back), and the
    outcomes deleted with a meeting."""
    spec = kind(kind_name)
    outcomes = meeting_records.own_outcomes(s, record_id) if kind_name == "meeting" else []
    return snapshots.capture(s, {spec.model.__tablename__: [record_id], "outcome": outcomes}), outcomes


def going(archive: Archive, kind_name: str, record_id: uuid.UUID) -> int:
    """How many records deleting this one takes with it (an instrument's clauses, a
    clause's sub-clauses, a report's achievements, a meeting's own outcomes; links
    between records not counted). Raises RecordNotFound."""
    spec = kind(kind_name)
    tables = m.Base.metadata.tables
    with archive.unit_of_work() as uow:
        _get(uow.session, spec, record_id)
        snapshot, _outcomes = _capture(uow.session, kind_name, record_id)
    return sum(1 for name, row in snapshot.rows if "id" in tables[name].c and row["id"] != record_id)


def delete(archive: Archive, kind_name: str, record_id: uuid.UUID) -> snapshots.Snapshot:
    """Delete a record (its links go with it; a meeting takes the outcomes it alone
    reported, with their sub-items; an instrument its clauses; a clause its
    sub-clauses; a report its achievements); each leaves a tombstone that travels to
    other offices. A document's file and a record's texts stay in the archive (an undo
    may need them). Returns what was removed, for snapshots.restore. Raises
    RecordNotFound."""
    spec = kind(kind_name)
    with archive.unit_of_work() as uow:
        s = uow.session
        record = _get(s, spec, record_id)
        snapshot, outcomes = _capture(s, kind_name, record_id)
        for outcome_id in outcomes:
            s.delete(s.get(m.Outcome, outcome_id))
        s.flush()
        s.delete(record)
        uow.commit()
    return snapshot


def _write(s, spec: Kind, record, checked: dict) -> None:
    for f in spec.fields:
        if f.name not in checked:
            continue
        value = checked[f.name]
        if f.kind == "anchor":
            _write_anchor(s, record, f.name, value)
        elif f.kind == "documents":
            found = [s.get(m.Document, i) for i in value]
            if None in found:
                raise RecordNotFound(kind="document", id=str(value[found.index(None)]))
            record.documents = found
        elif f.kind == "organisation":
            if value is not None and s.get(m.Organisation, value) is None:
                raise RecordNotFound(kind="organisation", id=str(value))
            record.organisation_id = value
        elif f.kind == "file":
            if value is not None:
                record.blob_sha256, size = store_file(s, value)
                record.file_name = value.name
        elif f.kind == "meetings":
            meeting_records.set_reported_with(s, record, value)
        elif f.kind == "record":
            setattr(record, f.name, value)
        else:
            if f.name == "number" and spec.name == "meeting":
                meeting_records.check_number_free(s, record, value)
            setattr(record, f.name, value)
    if "blob_sha256" in checked:  # an undo putting back the file a document had
        sha = checked["blob_sha256"]
        if sha is not None and s.get(m.Blob, sha) is None:
            raise RecordNotFound(kind="file", id=sha)
        record.blob_sha256, record.file_name = sha, checked.get("file_name")
    if spec.name == "document" and "symbol" in checked and not checked.get("language"):
        record.language = record.language or parse_symbol(record.symbol or "").language
    if spec.name == "clause":
        mandate.check_clause(s, record)
    if spec.name in _PERIODS:  # an edit of one end against the other as stored
        first, last = _PERIODS[spec.name]
        check_order(last, getattr(record, first), getattr(record, last))
    if spec.name == "meeting":  # the start time against its date and zone as stored
        check_start(record.start_date, record.start_time, record.time_zone)


def _write_anchor(s, record, column: str, body: str | None) -> None:
    text_id = getattr(record, column)
    if body is None:
        setattr(record, column, None)  # the old text stays, unowned (nothing else reads it)
    elif text_id is None:
        setattr(record, column, new_text(s, {ui_language(): body}, original=ui_language()))
    else:
        text = s.get(m.Text, text_id)
        original = next((v for v in text.versions if v.status is TranslationStatus.ORIGINAL), None)
        lang = original.lang if original else (text.versions[0].lang if text.versions else ui_language())
        write_version(s, text_id, lang, body)


def store_file(s, path: Path) -> tuple[str, int]:
    """Keep the bytes of the file at ``path`` in the archive, once per content; return
    (SHA-256 in lowercase hex, size in bytes). Raises FileUnreadable."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise FileUnreadable(field="file", path=str(path), reason=e.strerror or str(e)) from e
    sha = hashlib.sha256(data).hexdigest()
    if s.get(m.Blob, sha) is None:
        s.execute(insert(m.Blob).values(sha256=sha, size=len(data), data=data))
    return sha, len(data)


def document_file(archive: Archive, document_id: uuid.UUID, folder: Path) -> Path:
    """Write a document's file into ``folder`` under its own name (made safe) and return
    the path: to open it with the system's viewer. Raises RecordNotFound (also for a
    document without a file), OutputNotWritable."""
    from piel_desktop.domain.errors import OutputNotWritable
    from piel_desktop.services.sync import safe_file_name
    with archive.unit_of_work() as uow:
        record = _get(uow.session, kind("document"), document_id)
        blob = uow.session.get(m.Blob, record.blob_sha256) if record.blob_sha256 else None
        if blob is None:
            raise RecordNotFound(kind="file", id=str(document_id))
        name = safe_file_name(record.file_name or blob.sha256[:16])
        data = blob.data
    out = Path(folder) / name
    try:
        out.write_bytes(data)
    except OSError as e:
        raise OutputNotWritable(path=str(out), reason=e.strerror or str(e)) from e
    return out


def blob_count(archive: Archive) -> int:
    """How many distinct files the archive holds."""
    with archive.unit_of_work() as uow:
        return len(uow.session.scalars(select(m.Blob.sha256)).all())
