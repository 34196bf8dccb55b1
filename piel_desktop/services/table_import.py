"""Bulk entry of meetings and outcomes from a CSV or XLSX table, checked row by row
before anything is written.

Columns are recognised by their heading: the field's code (``number``,
``start_date``, ``meeting``, ``text_fr``...) or its heading in any of the six interface
languages, as File → Export list writes them, so an exported table, cut down to new
rows, imports again. Coded values (kind, status, addressee, language) are accepted as
codes or as their names in any of the six languages; dates as ISO ``2018-01-23`` or
spreadsheet dates.

:func:`plan_import` reads and checks without writing; :func:`apply_import` writes the
rows that passed, all in one unit of work: all of them or, on any error, none.

Meetings: number (required), start date (required), end date, venue (in the
interface language). Outcomes: meeting numbers (required, "10, 11" for outcomes
reported together), text in one or more languages (at least one), original language
(else the first text given), kind, status, addressee, label, due date. Sub-items are not
imported (they keep their parent's place in the report; enter them in the window).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from piel_desktop.domain.errors import (
    InvalidValue, NotAFile, NumberInUse, PielError, RecordNotFound, TableColumnsMissing, TableUnreadable,
)
from piel_desktop.domain.meeting_time import check_start
from piel_desktop.domain.model import LANGUAGES, OutcomeKind, OutcomeStatus
from piel_desktop.i18n import translation, ui_language
from piel_desktop.messages import ADDRESSEE_LABELS, FIELD_LABELS, KIND_LABELS, RECORD_KIND_LABELS, STATUS_LABELS
from piel_desktop.services import records
from piel_desktop.services.field_checks import MOST_NUMBER
from piel_desktop.services.tables import Table, read_csv
from piel_desktop.storage import Archive

KINDS = ("meetings", "outcomes")
MOST_ROWS = 20_000
_FIELDS = {
    "meetings": ("number", "start_date", "end_date", "venue", "start_time", "time_zone"),
    "outcomes": ("meeting", "label", "kind", "status", "addressee", "due_date", "original", "parent"),
}
_REQUIRED = {"meetings": ("number", "start_date"), "outcomes": ("meeting",)}
#: Field -> the label it is exported under (messages.FIELD_LABELS / RECORD_KIND_LABELS).
_HEADINGS = {
    "number": FIELD_LABELS["number"], "start_date": FIELD_LABELS["start_date"],
    "end_date": FIELD_LABELS["end_date"], "venue": FIELD_LABELS["venue_id"],
    "meeting": RECORD_KIND_LABELS["meeting"], "label": FIELD_LABELS["label"],
    "kind": FIELD_LABELS["kind"], "status": FIELD_LABELS["status"],
    "addressee": FIELD_LABELS["addressee"], "original": "Original language",
    "parent": FIELD_LABELS["parent_id"], "due_date": FIELD_LABELS["due_date"],
    "start_time": FIELD_LABELS["start_time"], "time_zone": FIELD_LABELS["time_zone"],
}


@dataclass(frozen=True)
class PlannedRow:
    """Line ``line`` of the file (1 is the heading), its parsed ``values``, and the
    problems found (domain errors; empty when the row can be imported)."""

    line: int
    values: dict
    problems: tuple[PielError, ...] = ()


@dataclass(frozen=True)
class ImportPlan:
    kind: str
    path: Path
    columns: dict[str, int]  # field (texts: "text_<lang>") -> column index
    ignored: tuple[str, ...]  # headings not recognised
    rows: tuple[PlannedRow, ...] = field(default_factory=tuple)

    @property
    def valid(self) -> list[PlannedRow]:
        return [row for row in self.rows if not row.problems]

    @property
    def invalid(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.problems]


def _fold(text) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().casefold()


def _names(msgid: str) -> set[str]:
    """``msgid`` folded, in English and in every catalog."""
    return {_fold(msgid)} | {_fold(translation(lang).gettext(msgid)) for lang in LANGUAGES}


def _language_names() -> dict[str, str]:
    """Folded language name (in any of the six languages) or code -> code."""
    from babel import Locale
    names = {code: code for code in LANGUAGES}
    for code in LANGUAGES:
        for shown in LANGUAGES:
            names[_fold(Locale.parse(code).get_display_name(shown))] = code
    return names


def _coded(table: dict[str, str]) -> dict[str, str]:
    """Folded code or label (in any language) -> code."""
    out = {}
    for code, msgid in table.items():
        out[_fold(code)] = code
        for name in _names(msgid):
            out[name] = code
    return out


def _columns(kind: str, headers: tuple) -> tuple[dict[str, int], tuple[str, ...]]:
    by_name = {}
    for name in _FIELDS[kind]:
        by_name[_fold(name)] = name
        for heading in _names(_HEADINGS[name]):
            by_name[heading] = name
    languages = _language_names()
    text_names = _names(FIELD_LABELS["body"])
    columns, ignored = {}, []
    for index, heading in enumerate(headers):
        folded = _fold(heading)
        found = by_name.get(folded)
        if found is None and kind == "outcomes":
            match = re.fullmatch(r"(.+?)\s*[(_]\s*(.+?)\s*\)?", folded)
            if folded.startswith("text_") and folded[5:] in LANGUAGES:
                found = folded
            elif match and match.group(1) in text_names and match.group(2) in languages:
                found = f"text_{languages[match.group(2)]}"
        if found is None or found in columns:
            ignored.append(str(heading or ""))
        else:
            columns[found] = index
    return columns, tuple(ignored)


def read_table(path: Path) -> Table:
    """The first sheet of an XLSX file, or a CSV file (UTF-8, with or without BOM).
    Raises NotAFile (a folder), or TableUnreadable for a missing file or another
    format (a damaged workbook, a binary file)."""
    if not path.exists():
        raise TableUnreadable(path=str(path), reason="missing")
    if not path.is_file():
        raise NotAFile(path=str(path))
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook
            sheet = load_workbook(path, read_only=True, data_only=True).active
            rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
            return Table(rows[0] if rows else (), rows[1:])
        return read_csv(path)
    except Exception as e:  # openpyxl and zipfile raise many kinds for a bad workbook
        raise TableUnreadable(path=str(path), reason="format") from e


def plan_import(archive: Archive, path: Path | str, kind: str) -> ImportPlan:
    """Read the table at ``path`` as ``kind`` (meetings or outcomes) and check every
    row against the archive, writing nothing. Raises KeyError for another kind,
    TableColumnsMissing, TableUnreadable, InvalidValue (too many rows) or NotAFile."""
    path = Path(path)
    data = read_table(path)
    columns, ignored = _columns(kind, tuple(data.headers))
    missing = [name for name in _REQUIRED[kind] if name not in columns]
    if kind == "outcomes" and not any(name.startswith("text_") for name in columns):
        missing.append("text")
    if missing:
        raise TableColumnsMissing(path=str(path), columns=tuple(missing))
    if len(data.rows) > MOST_ROWS:
        raise InvalidValue(field="rows", value=len(data.rows))
    numbers = {m.number: m for m in records.list_meetings(archive)}
    check = _check_meeting if kind == "meetings" else _check_outcome
    seen: set = set()
    rows = []
    for line, row in enumerate(data.rows, start=2):
        if all(cell in (None, "") for cell in row):
            continue
        cells = {name: row[index] if index < len(row) else None for name, index in columns.items()}
        values, problems = check(cells, numbers, seen)
        rows.append(PlannedRow(line=line, values=values, problems=tuple(problems)))
    return ImportPlan(kind=kind, path=path, columns=columns, ignored=ignored, rows=tuple(rows))


def _date(value, name: str, problems: list) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([ T]00:00(:00)?)?", text) is None:  # a spreadsheet's midnight is fine
        problems.append(InvalidValue(field=name, value=value))
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        problems.append(InvalidValue(field=name, value=value))
        return None


def _check_meeting(cells: dict, numbers: dict, seen: set) -> tuple[dict, list]:
    problems: list[PielError] = []
    number = cells.get("number")
    try:
        number = int(str(number).strip())
        if not 1 <= number <= MOST_NUMBER:
            raise ValueError
        if number in numbers or number in seen:
            problems.append(NumberInUse(field="number", value=number))
        seen.add(number)
    except (TypeError, ValueError):
        problems.append(InvalidValue(field="number", value=cells.get("number") or ""))
    start = _date(cells.get("start_date"), "start_date", problems)
    end = _date(cells.get("end_date"), "end_date", problems)
    if start is None and not any(p.params.get("field") == "start_date" for p in problems):
        problems.append(InvalidValue(field="start_date", value=""))
    if start and end and end < start:
        problems.append(InvalidValue(field="end_date", value=end.isoformat()))
    venue = str(cells.get("venue") or "").strip()
    start_time = zone = None
    try:  # "14:00" in "Europe/Zurich"; a time needs its zone and must exist that day
        start_time, zone = check_start(start, cells.get("start_time"), cells.get("time_zone"))
    except InvalidValue as problem:
        problems.append(problem)
    return {"number": number, "start_date": start, "end_date": end, "venue": venue or None,
            "start_time": start_time and start_time.strftime("%H:%M"), "time_zone": zone}, problems


@functools.cache
def _value_names():
    """Names of coded values in every catalog (built once)."""
    return _coded(KIND_LABELS), _coded(STATUS_LABELS), _coded(ADDRESSEE_LABELS), _language_names()


def _check_outcome(cells: dict, numbers: dict, seen: set) -> tuple[dict, list]:
    kinds, statuses, addressees, languages = _value_names()
    problems: list[PielError] = []
    meeting_ids = []
    for part in re.split(r"[,;\s]+", str(cells.get("meeting") or "").strip()):
        if not part:
            continue
        number = int(part) if part.isdigit() else None
        if number not in numbers:
            problems.append(RecordNotFound(kind="meeting", id=part))
        elif numbers[number].id not in meeting_ids:  # "9, 9" names meeting 9 once
            meeting_ids.append(numbers[number].id)
    if not meeting_ids and not problems:
        problems.append(InvalidValue(field="meeting", value=""))
    texts = {name[5:]: str(value).strip() for name, value in cells.items()
             if name.startswith("text_") and value not in (None, "") and str(value).strip()}
    if not texts:
        problems.append(InvalidValue(field="text", value=""))
    original = languages.get(_fold(cells.get("original"))) if cells.get("original") else None
    if cells.get("original") and original is None:
        problems.append(InvalidValue(field="lang", value=cells["original"]))
    if original is None or original not in texts:
        original = next(iter(texts), None) if original is None else original
        if original is not None and original not in texts and texts:
            problems.append(InvalidValue(field="lang", value=cells.get("original")))
    values = {"meeting_ids": meeting_ids, "texts": texts, "original": original,
              "label": (str(cells["label"]).strip() or None) if cells.get("label") not in (None, "") else None}
    for name, table, default in (("kind", kinds, OutcomeKind.RECOMMENDATION.value),
                                 ("status", statuses, OutcomeStatus.PROPOSED.value)):
        raw = cells.get(name)
        values[name] = table.get(_fold(raw)) if raw not in (None, "") else default
        if values[name] is None:
            problems.append(InvalidValue(field=name, value=raw))
    raw = cells.get("addressee")
    values["addressee"] = addressees.get(_fold(raw), str(raw).strip()) if raw not in (None, "") else None
    if values["addressee"] and len(values["addressee"]) > 64:  # as the outcome editor refuses it
        problems.append(InvalidValue(field="addressee", value=values["addressee"]))
    values["due_date"] = _date(cells.get("due_date"), "due_date", problems)
    if cells.get("parent") not in (None, ""):
        problems.append(InvalidValue(field="parent_id", value=cells["parent"]))
    return values, problems


def apply_import(archive: Archive, plan: ImportPlan) -> int:
    """Write the rows of ``plan`` that passed its checks, in one unit of work; return
    how many. Rows with problems are left out. If the archive changed since the plan
    so that a row no longer fits (a meeting number taken meanwhile), nothing is
    written and the service's error is raised."""
    lang = ui_language()
    with archive.unit_of_work() as uow:
        s = uow.session
        for row in plan.valid:
            v = row.values
            if plan.kind == "meetings":
                records.insert_meeting(s, number=v["number"], start_date=v["start_date"],
                                       end_date=v["end_date"],
                                       venue={lang: v["venue"]} if v["venue"] else None, venue_lang=lang,
                                       start_time=v.get("start_time"), time_zone=v.get("time_zone"))
            else:
                records.insert_outcome(s, texts=v["texts"], original=v["original"],
                                       meeting_ids=v["meeting_ids"], kind=v["kind"], status=v["status"],
                                       label=v["label"], addressee=v["addressee"], due_date=v["due_date"])
        uow.commit()
    return len(plan.valid)
