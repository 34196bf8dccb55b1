"""Lists of records as tables for colleagues without the program: CSV and XLSX files.

CSV is UTF-8 with a byte-order mark (so Excel reads accents and other scripts right)
and CRLF line ends. A text cell that a spreadsheet would run as a formula (starting
with =, +, -, @, a tab or a carriage return; OWASP "CSV injection") is written with a
leading apostrophe, as is a text that itself starts with one or is all digits, so
reading our own file back (:func:`read_csv`) gives exactly the values written (dates
as ISO text). Whole numbers stay numbers.
XLSX is written with openpyxl, every text cell typed as text, so nothing is evaluated.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from piel_desktop.domain.errors import InvalidValue, OutputNotWritable
from piel_desktop.domain.model import LANGUAGES, Outcome
from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.i18n import _, language_name, ui_language
from piel_desktop.messages import (
    ADDRESSEE_LABELS, FIELD_LABELS, KIND_LABELS, RECORD_KIND_LABELS, STATUS_LABELS, label,
)
from piel_desktop.services import records, registries, tracker
from piel_desktop.services.table_files import open_csv
from sqlalchemy import select

from piel_desktop.storage import Archive, models as m
from piel_desktop.storage.texts import load_texts

FORMATS = ("csv", "xlsx")
#: Rows the tracker export reads at a time.
PAGE = 1000
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "'")


@dataclass(frozen=True)
class Table:
    """Column headings and rows of plain values (text, whole numbers, dates, None)."""

    headers: tuple[str, ...]
    rows: list[tuple]


def table(archive: Archive, kind: str) -> Table:
    """The records of ``kind`` (one of TABLE_KINDS: meetings, outcomes, efforts,
    practices, consultations, organisations, documents) as a table, headings, texts and
    coded values in the interface language (texts missing in it in their original).
    Raises KeyError for another kind."""
    return {"meetings": _meetings, "outcomes": _outcomes, "organisations": _organisations,
            "consultations": _consultations, "efforts": _efforts, "practices": _practices,
            "documents": _documents}[kind](archive)


def tracker_table(archive: Archive, flt: tracker.TrackerFilter, *, lang: str, sort: str = "meeting",
                  descending: bool = False, progress: Progress = SILENT) -> Table:
    """The outcomes the tracker shows for ``flt``, in its order, as a table (texts in
    ``lang`` where they exist): what File → Export list gives for the tracker's view.
    Read PAGE rows at a time, as the tracker pages, reporting to ``progress``.
    Raises InvalidValue as tracker.fetch does, Cancelled through ``progress``."""
    headers = (label(RECORD_KIND_LABELS, "meeting"), label(FIELD_LABELS, "date"),
               label(FIELD_LABELS, "body"), _("Language"),
               *(label(FIELD_LABELS, f) for f in ("kind", "status", "addressee", "due_date")))
    rows, after, offset = [], None, 0
    total = tracker.count(archive, flt)
    while True:
        progress.step(len(rows), total)
        page = tracker.fetch(archive, flt, lang=lang, sort=sort, descending=descending,
                             offset=offset, limit=PAGE, after=after)
        rows += [(r.meeting, r.date, r.text, r.text_lang, label(KIND_LABELS, r.kind),
                  label(STATUS_LABELS, r.status), label(ADDRESSEE_LABELS, r.addressee) if r.addressee else None,
                  r.due_date) for r in page]
        if len(page) < PAGE:
            return Table(headers, rows)
        if sort == "meeting":
            after = page[-1]
        else:
            offset += len(page)


def _meetings(archive: Archive) -> Table:
    lang = ui_language()
    listing = records.meeting_list(archive)
    headers = tuple(label(FIELD_LABELS, f) for f in ("number", "start_date", "end_date", "venue_id",
                                                     "chair", "format")) + (label(RECORD_KIND_LABELS, "outcome"),
                                                                            label(FIELD_LABELS, "start_time"),
                                                                            label(FIELD_LABELS, "time_zone"))
    rows = []
    for meeting in listing.meetings:
        venue = meeting.venue.pick(lang)
        rows.append((meeting.number, meeting.start_date, meeting.end_date, venue.text if venue else None,
                     meeting.chair, meeting.format, listing.outcome_counts.get(meeting.number, 0),
                     meeting.start_time, meeting.time_zone))
    return Table(headers, rows)


def _outcomes(archive: Archive) -> Table:
    shown = ui_language()
    trees = records.meeting_outcomes(archive, [m.id for m in records.list_meetings(archive)])
    headers = (label(RECORD_KIND_LABELS, "meeting"), label(FIELD_LABELS, "parent_id"),
               *(label(FIELD_LABELS, f) for f in ("label", "kind", "status", "addressee", "due_date")),
               _("Original language"),
               *(f"{label(FIELD_LABELS, 'body')} ({language_name(code, shown, capitalize=False)})"
                 for code in LANGUAGES))
    rows = [_outcome_row(outcome, parent, shown) for outcome, parent in _walk(trees)]
    return Table(headers, rows)


def _shown(text, lang: str) -> str | None:
    version = text.pick(lang) if text is not None else None
    return version.text if version else None


def _organisations(archive: Archive) -> Table:
    lang = ui_language()
    with archive.unit_of_work() as uow:
        found = uow.session.scalars(select(m.Organisation)).all()
        texts = load_texts(uow.session, [o.name_id for o in found] + [o.acronym_id for o in found])
        rows = [(_shown(texts.get(o.acronym_id), lang), _shown(texts.get(o.name_id), lang), o.former_name)
                for o in found]
    headers = tuple(label(FIELD_LABELS, f) for f in ("acronym_id", "name_id", "former_name"))
    return Table(headers, sorted(rows, key=lambda r: ((r[0] or r[1] or "").casefold(), r[1] or "")))


def _consultations(archive: Archive) -> Table:
    lang = ui_language()
    with archive.unit_of_work() as uow:
        found = uow.session.scalars(select(m.Consultation)).all()
        texts = load_texts(uow.session, [c.topic_id for c in found] + [c.results_id for c in found])
        rows = [(_shown(texts.get(c.topic_id), lang), c.audience, c.period_start, c.period_end,
                 c.languages, _shown(texts.get(c.results_id), lang)) for c in found]
    headers = tuple(label(FIELD_LABELS, f) for f in ("topic_id", "audience", "period_start",
                                                     "period_end", "languages", "results_id"))
    return Table(headers, sorted(rows, key=lambda r: (r[2] or dt.date.min, r[0] or "")))


def _efforts(archive: Archive) -> Table:
    rows = [(r.values["country"], r.shown["country"], r.values["year"], r.values["title"],
             r.values["description"], r.values["links"], r.values["contact"])
            for r in registries.list_records(archive, "effort")]
    headers = (_("Country code"), *(label(FIELD_LABELS, f) for f in (
        "country", "year", "title", "description", "links", "contact")))
    return Table(headers, rows)


def _practices(archive: Archive) -> Table:
    symbols = {r.id: r.values["symbol"] or r.values["title"]
               for r in registries.list_records(archive, "document")}
    rows = [(r.values["title"], r.values["country"], r.shown["country"] or None,
             r.shown["organisation_id"] or None, r.values["summary"],
             "\n".join(sorted(symbols[d] for d in r.values["documents"] if d in symbols)) or None)
            for r in registries.list_records(archive, "practice")]
    headers = (label(FIELD_LABELS, "title"), _("Country code"),
               *(label(FIELD_LABELS, f) for f in ("country", "organisation_id", "summary", "documents")))
    return Table(headers, rows)


def _documents(archive: Archive) -> Table:
    rows = [(r.values["symbol"], r.symbol.document if r.symbol.parsed else None,
             r.values["language"], r.values["title"],
             _("Public") if r.values["public"] else _("Restricted"),
             r.values["file_name"], r.size, r.values["blob_sha256"])
            for r in registries.list_records(archive, "document")]
    headers = (label(FIELD_LABELS, "symbol"), _("Document (all languages)"),
               *(label(FIELD_LABELS, f) for f in ("language", "title")), _("Access"),
               *(label(FIELD_LABELS, f) for f in ("file_name", "size")), _("SHA-256"))
    return Table(headers, rows)


def _walk(outcomes, parent: Outcome | None = None) -> Iterator[tuple[Outcome, Outcome | None]]:
    for outcome in outcomes:
        yield outcome, parent
        yield from _walk(outcome.children, outcome)


def _outcome_row(outcome: Outcome, parent: Outcome | None, shown: str) -> tuple:
    original = outcome.text.original
    versions = [outcome.text.get(code) for code in LANGUAGES]
    return (", ".join(map(str, outcome.meeting_numbers)), parent.label if parent else None,
            outcome.label, label(KIND_LABELS, outcome.kind), label(STATUS_LABELS, outcome.status),
            label(ADDRESSEE_LABELS, outcome.addressee) or None, outcome.due_date,
            language_name(original.lang, shown) if original else None,
            *(v.text if v else None for v in versions))


# -- files ------------------------------------------------------------------------------

def write_table(data: Table, out: Path | str, fmt: str | None = None) -> Path:
    """Write ``data`` as CSV or XLSX (``fmt``, else from the file's suffix), under a
    temporary name first. Raises OutputNotWritable."""
    out = Path(out)
    fmt = (fmt or out.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InvalidValue(field="format", value=fmt)
    if out.is_dir():
        raise OutputNotWritable(path=str(out), reason="is-a-folder")
    if not out.parent.is_dir():
        raise OutputNotWritable(path=str(out), reason="no-such-folder")
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        (_write_csv if fmt == "csv" else _write_xlsx)(data, temporary)
        os.replace(temporary, out)
    except OSError as e:
        raise OutputNotWritable(path=str(out), reason=e.strerror or str(e)) from e
    finally:
        temporary.unlink(missing_ok=True)
    return out


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and (value.startswith(_DANGEROUS) or (value.isascii() and value.isdigit())):
        return "'" + value  # not a formula, and a text of digits stays a text
    return value


def _write_csv(data: Table, path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow([_cell(h) for h in data.headers])
        writer.writerows([_cell(v) for v in row] for row in data.rows)


def read_csv(path: Path | str) -> Table:
    """Read a CSV written by :func:`write_table` (or by a spreadsheet; see
    services/table_files.py): apostrophes added on writing are removed, whole numbers
    come back as numbers, empty cells as None; dates stay text. Cells separated by
    semicolons (what Excel writes where the comma is the decimal sign: French, Spanish,
    Russian settings) or tabs are read too, told by the heading line."""
    with open_csv(Path(path)) as stream:
        return Table(stream.headers, list(stream.rows))


def _write_xlsx(data: Table, path: Path) -> None:
    from openpyxl import Workbook  # only when a spreadsheet is asked for
    book = Workbook()
    sheet = book.active
    sheet.append(list(data.headers))
    for row in data.rows:
        sheet.append([None if v is None else v for v in row])
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    book.save(path)
