"""Bulk entry of meetings and outcomes from a CSV or XLSX table, checked row by row
before anything is written.

Columns are recognised by their heading: the field's code (``number``,
``start_date``, ``meeting``, ``text_fr``...) or its heading in any of the six interface
languages, as File → Export list writes them, so an exported table, cut down to new
rows, imports again. Coded values (kind, status, addressee, language) are accepted as
codes or as their names in any of the six languages; dates as ISO ``2018-01-23`` or
spreadsheet dates.

:func:`plan_import` reads and checks without writing; :func:`apply_import` writes the
rows that passed, all in one transaction: all of them or, on any error or a cancel,
none. Both read the file a row at a time (services/table_files.py: CSV in the
encodings spreadsheets write, or XLSX), so memory stays flat as the file grows; the
plan keeps the rows with problems and the first PREVIEW_ROWS good ones, and the apply
reads the file again, checks each row against the archive as it is then, and writes in
batches (services/bulk_entry.py). Labels match without regard to case or accents
("recomendacion", "espanol"); a value that matches none names the closest label.

Meetings: number (required), start date (required), end date, venue (in the
interface language). Outcomes: meeting numbers (required, "10, 11" for outcomes
reported together), text in one or more languages (at least one), original language
(else the first text given), kind, status, addressee, label, due date. Sub-items are not
imported (they keep their parent's place in the report; enter them in the window).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from piel_desktop.domain.errors import (
    InvalidValue, NotALabel, NumberInUse, PielError, RecordNotFound, TableColumnsMissing,
    TableTooLong, TableUnreadable,
)
from piel_desktop.domain.meeting_time import check_start
from piel_desktop.domain.model import LANGUAGES, OutcomeKind, OutcomeStatus
from piel_desktop.i18n import translation, ui_language
from piel_desktop.messages import ADDRESSEE_LABELS, FIELD_LABELS, KIND_LABELS, RECORD_KIND_LABELS, STATUS_LABELS
from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.services import records
from piel_desktop.services.bulk_entry import BulkWriter
from piel_desktop.services.field_checks import MOST_NUMBER
from piel_desktop.services.table_files import SpooledRows, TableStream, open_table, signature
from piel_desktop.services.tables import Table
from piel_desktop.storage import Archive

KINDS = ("meetings", "outcomes")
#: Rows one import takes (a limit of time, not of memory: about a minute).
MOST_ROWS = 1_000_000
#: Good rows a plan keeps to show (all rows with problems are kept).
PREVIEW_ROWS = 100
#: Rows between progress reports.
_STEP = 1000
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
    """What a table would add: ``rows`` holds every row with problems and the first
    PREVIEW_ROWS good ones, by line; ``valid_count`` counts all good rows.
    ``encoding`` is how a CSV file's text was read ("Windows-1252"; None for XLSX);
    ``signature`` tells whether the file changed before the apply."""

    kind: str
    path: Path
    columns: dict[str, int]  # field (texts: "text_<lang>") -> column index
    ignored: tuple[str, ...]  # headings not recognised
    rows: tuple[PlannedRow, ...] = field(default_factory=tuple)
    valid_count: int = 0
    encoding: str | None = None
    signature: tuple[int, int] | None = None
    #: The good rows' values as checked, for the apply (None: it reads the file again).
    spooled: SpooledRows | None = field(default=None, compare=False, repr=False)

    @property
    def valid(self) -> list[PlannedRow]:
        """The first PREVIEW_ROWS rows that can be added (valid_count says how many in all)."""
        return [row for row in self.rows if not row.problems]

    @property
    def invalid(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.problems]


def _fold(text) -> str:
    """``text`` as labels are matched: spaces collapsed, case and accents aside."""
    return _fold_text(str(text or ""))


@functools.lru_cache(maxsize=4096)  # a table repeats the same few labels in every row
def _fold_text(text: str) -> str:
    folded = unicodedata.normalize("NFKD", re.sub(r"\s+", " ", text).strip().casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def _shown_names(msgid: str) -> dict[str, str]:
    """``msgid`` in English and in every catalog: folded -> as written."""
    shown = [msgid] + [translation(lang).gettext(msgid) for lang in LANGUAGES]
    return {_fold(name): name for name in shown}


def _names(msgid: str) -> set[str]:
    """``msgid`` folded, in English and in every catalog."""
    return set(_shown_names(msgid))


#: Language code -> its name in each of the six languages, as CLDR (Babel's
#: ``Locale.parse(code).get_display_name(lang)``) writes it; written out so that an
#: import does not load six Babel locales (tests/test_table_import.py checks it
#: against Babel).
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "ar": {"ar": "العربية", "en": "Arabic", "es": "árabe", "fr": "arabe", "ru": "арабский", "zh": "阿拉伯语"},
    "en": {"ar": "الإنجليزية", "en": "English", "es": "inglés", "fr": "anglais", "ru": "английский", "zh": "英语"},
    "es": {"ar": "الإسبانية", "en": "Spanish", "es": "español", "fr": "espagnol", "ru": "испанский",
           "zh": "西班牙语"},
    "fr": {"ar": "الفرنسية", "en": "French", "es": "francés", "fr": "français", "ru": "французский", "zh": "法语"},
    "ru": {"ar": "الروسية", "en": "Russian", "es": "ruso", "fr": "russe", "ru": "русский", "zh": "俄语"},
    "zh": {"ar": "الصينية", "en": "Chinese", "es": "chino", "fr": "chinois", "ru": "китайский", "zh": "中文"},
}


def _language_names(shown: dict[str, str] | None = None) -> dict[str, str]:
    """Folded language name (in any of the six languages) or code -> code; fills
    ``shown`` with folded name -> the name as written."""
    names = {code: code for code in LANGUAGES}
    for code in LANGUAGES:
        for lang in LANGUAGES:
            name = LANGUAGE_NAMES[code][lang]
            names[_fold(name)] = code
            if shown is not None:
                shown[_fold(name)] = name
    return names


def _coded(table: dict[str, str], shown: dict[str, str] | None = None) -> dict[str, str]:
    """Folded code or label (in any language) -> code; fills ``shown`` with folded
    label -> the label as written."""
    out = {}
    for code, msgid in table.items():
        out[_fold(code)] = code
        for name, written in _shown_names(msgid).items():
            out[name] = code
            if shown is not None:
                shown[name] = written
    return out


@functools.cache
def _labels_shown() -> dict[str, str]:
    """Folded label of a kind, status or language, in any language -> as written."""
    shown: dict[str, str] = {}
    _coded(KIND_LABELS, shown), _coded(STATUS_LABELS, shown), _language_names(shown)
    return shown


def _not_a_label(name: str, raw, table: dict[str, str]) -> InvalidValue:
    """The problem of ``raw`` matching no label of ``table``: naming the closest one."""
    close = difflib.get_close_matches(_fold(raw), [k for k in table if k in _labels_shown()], n=1, cutoff=0.6)
    if not close:
        return InvalidValue(field=name, value=raw)
    return NotALabel(field=name, value=raw, suggestion=_labels_shown()[close[0]])


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
    """The whole table at ``path`` (the first sheet of an XLSX file, or a CSV file in
    the encodings of services/table_files.py). Raises as table_files.open_table."""
    with open_table(Path(path)) as stream:
        return Table(stream.headers, list(stream.rows))


def _meeting_ids(archive: Archive) -> dict[int, uuid.UUID]:
    return {meeting.number: meeting.id for meeting in records.list_meetings(archive)}


def _checked(stream: TableStream, kind: str, columns: dict[str, int], numbers: dict,
             progress: Progress, path: Path):
    """(line, values, problems) of each non-empty row of ``stream``. Raises
    TableTooLong past MOST_ROWS, Cancelled through ``progress``."""
    check = _check_meeting if kind == "meetings" else _check_outcome
    seen: set | dict = set() if kind == "meetings" else {}  # numbers seen; remembered checks
    fields = list(columns.items())
    widest = max(columns.values(), default=-1)
    for line, row in enumerate(stream.rows, start=2):
        if line % _STEP == 0:
            progress.step(*stream.read())
        if line - 1 > MOST_ROWS:
            raise TableTooLong(path=str(path), most=MOST_ROWS)
        if row.count(None) + row.count("") == len(row):
            continue
        if len(row) > widest:
            cells = {name: row[index] for name, index in fields}
        else:
            cells = {name: row[index] if index < len(row) else None for name, index in fields}
        values, problems = check(cells, numbers, seen)
        yield line, values, problems


def plan_import(archive: Archive, path: Path | str, kind: str, progress: Progress = SILENT) -> ImportPlan:
    """Read the table at ``path`` as ``kind`` (meetings or outcomes) and check every
    row against the archive, writing nothing; reports to ``progress`` (bytes or rows
    read of the file). Raises KeyError for another kind, TableColumnsMissing,
    TableUnreadable, TableCellTooLong, TableTooLong, NotAFile, Cancelled."""
    path = Path(path)
    with open_table(path) as stream:
        columns, ignored = _columns(kind, tuple(stream.headers))
        missing = [name for name in _REQUIRED[kind] if name not in columns]
        if kind == "outcomes" and not any(name.startswith("text_") for name in columns):
            missing.append("text")
        if missing:
            raise TableColumnsMissing(path=str(path), columns=tuple(missing))
        kept, valid, numbers = [], 0, _meeting_ids(archive)
        spooled = SpooledRows(dict(numbers))  # for the apply: see _good_rows
        for line, values, problems in _checked(stream, kind, columns, numbers, progress, path):
            if not problems:
                valid += 1
                spooled.add(values)
            if problems or valid <= PREVIEW_ROWS:
                kept.append(PlannedRow(line=line, values=values, problems=tuple(problems)))
        progress.step(*stream.read())
        spooled.done()
    return ImportPlan(kind=kind, path=path, columns=columns, ignored=ignored, rows=tuple(kept),
                      valid_count=valid, encoding=stream.encoding, signature=stream.signature,
                      spooled=spooled if spooled.usable else None)


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


_MEETING_SEPARATORS = re.compile(r"[,;\s]+")
_DEFAULT_KIND, _DEFAULT_STATUS = OutcomeKind.RECOMMENDATION.value, OutcomeStatus.PROPOSED.value


#: Distinct combinations of an outcome row's coded cells a check remembers.
_MEMO = 4096
_CODED_CELLS = ("meeting", "original", "kind", "status", "addressee", "due_date", "parent")


def _check_outcome(cells: dict, numbers: dict, memo: dict) -> tuple[dict, list]:
    """(values, problems) of one outcome row. The coded cells (meetings, kind,
    status...) repeat from row to row, so each distinct combination is checked once
    and remembered in ``memo`` (kept by the caller for one table, at most _MEMO)."""
    raw = [cells.get(name) for name in _CODED_CELLS]
    key = (*raw, *map(type, raw))  # a workbook's 1, 1.0 and True are equal keys otherwise
    coded = memo.get(key)
    if coded is None:
        if len(memo) >= _MEMO:
            memo.clear()
        coded = memo[key] = _check_coded(cells, numbers)
    values, before_text, original_problems, after = coded
    texts = {}
    for name, value in cells.items():
        if value is not None and name[:5] == "text_":
            value = (value if value.__class__ is str else str(value)).strip()
            if value:
                texts[name[5:]] = value
    problems = list(before_text)
    if not texts:
        problems.append(InvalidValue(field="text", value=""))
    problems += original_problems
    original = values["original"]
    if original is None:
        original = next(iter(texts), None)
    elif original not in texts and texts:
        problems.append(InvalidValue(field="lang", value=cells.get("original")))
    problems += after
    label = cells.get("label")
    return {**values, "meeting_ids": list(values["meeting_ids"]), "texts": texts, "original": original,
            "label": (str(label).strip() or None) if label not in (None, "") else None}, problems


def _check_coded(cells: dict, numbers: dict) -> tuple[dict, tuple, tuple, tuple]:
    """The coded cells of an outcome row: (values, problems before the text's, the
    original language's, the others'), in the order the problems are shown."""
    kinds, statuses, addressees, languages = _value_names()
    before_text: list[PielError] = []
    meeting_ids = []
    for part in _MEETING_SEPARATORS.split(str(cells.get("meeting") or "").strip()):
        if not part:
            continue
        number = int(part) if part.isdigit() else None
        if number not in numbers:
            before_text.append(RecordNotFound(kind="meeting", id=part))
        elif numbers[number] not in meeting_ids:  # "9, 9" names meeting 9 once
            meeting_ids.append(numbers[number])
    if not meeting_ids and not before_text:
        before_text.append(InvalidValue(field="meeting", value=""))
    original = languages.get(_fold(cells.get("original"))) if cells.get("original") else None
    original_problems = ((_not_a_label("lang", cells["original"], languages),)
                         if cells.get("original") and original is None else ())
    values = {"meeting_ids": tuple(meeting_ids), "original": original}
    after: list[PielError] = []
    for name, table, default in (("kind", kinds, _DEFAULT_KIND), ("status", statuses, _DEFAULT_STATUS)):
        raw = cells.get(name)
        values[name] = table.get(_fold(raw)) if raw not in (None, "") else default
        if values[name] is None:
            after.append(_not_a_label(name, raw, table))
    raw = cells.get("addressee")
    values["addressee"] = addressees.get(_fold(raw), str(raw).strip()) if raw not in (None, "") else None
    if values["addressee"] and len(values["addressee"]) > 64:  # as the outcome editor refuses it
        after.append(InvalidValue(field="addressee", value=values["addressee"]))
    values["due_date"] = _date(cells.get("due_date"), "due_date", after)
    if cells.get("parent") not in (None, ""):
        after.append(InvalidValue(field="parent_id", value=cells["parent"]))
    return values, tuple(before_text), original_problems, tuple(after)


def apply_import(archive: Archive, plan: ImportPlan, progress: Progress = SILENT) -> int:
    """Write the rows of ``plan`` that passed its checks, in one transaction with
    batched inserts; return how many. Rows with problems are left out. Each row is
    checked against the archive as it is now: the rows the plan checked are written as
    they are while the archive's meetings are those the plan saw, else the file is
    read and checked again, and if a row no longer fits (a meeting number taken
    meanwhile, a meeting deleted), nothing is written and that problem is raised
    (InvalidValue, RecordNotFound); a file changed since the plan raises
    TableUnreadable ("changed"). Reports rows written to
    ``progress``; Cancelled through it leaves the archive as it was."""
    try:
        changed = plan.signature is not None and signature(plan.path) != plan.signature
    except OSError:
        raise TableUnreadable(path=str(plan.path), reason="missing") from None
    if changed:
        raise TableUnreadable(path=str(plan.path), reason="changed")
    lang = ui_language()
    added = 0
    with archive.merging() as merge:
        con = merge.con
        if plan.kind == "meetings" and con.execute("SELECT 1 FROM body LIMIT 1").fetchone() is None:
            raise InvalidValue(field="body", value="")
        numbers = {number: uuid.UUID(hex=i) for number, i in con.execute("SELECT number, id FROM meeting")}
        writer = BulkWriter(con)
        for v in _good_rows(plan, numbers):
            if plan.kind == "meetings":
                writer.meeting(number=v["number"], start_date=v["start_date"], end_date=v["end_date"],
                               venue={lang: v["venue"]} if v["venue"] else None, venue_lang=lang,
                               start_time=v.get("start_time"), time_zone=v.get("time_zone"))
            else:
                writer.outcome(texts=v["texts"], original=v["original"], meeting_ids=v["meeting_ids"],
                               kind=v["kind"], status=v["status"], label=v["label"],
                               addressee=v["addressee"], due_date=v["due_date"])
            added += 1
            if added % _STEP == 0:
                progress.step(added, plan.valid_count)
        writer.finish()
        progress.step(added, plan.valid_count)
        merge.commit(added_only=True)  # only new records, each with its new text
    return added


def _good_rows(plan: ImportPlan, numbers: dict) -> Iterator[dict]:
    """The values of the rows ``plan`` found good: as the plan checked them when the
    archive's meetings are still those it checked against (the file is unchanged:
    the caller checked its signature); else read and checked again, raising the first
    problem of a row that no longer fits."""
    if plan.spooled is not None and plan.spooled.checked_against == numbers:
        yield from plan.spooled
        return
    skip = {row.line for row in plan.invalid}
    with open_table(plan.path) as stream:
        for line, values, problems in _checked(stream, plan.kind, plan.columns, numbers, SILENT, plan.path):
            if line in skip:
                continue
            if problems:
                raise problems[0]
            yield values
