"""Reading tables to import, a row at a time: CSV text in the encodings offices'
spreadsheets write, and the first sheet of an XLSX workbook.

CSV encodings, told in this order: a byte-order mark (UTF-8, or UTF-16 as Excel's
"Unicode text" writes it); text that is valid UTF-8 throughout; else
charset-normalizer's best guess among the code pages Excel's plain "CSV" uses on a
Windows set to one of the six languages (Windows-1252 for Spanish, French, English;
-1251 Russian; -1256 Arabic; GB18030, a superset of Chinese GBK). A file none of these
fits is refused with a sentence saying how to save it from Excel. Cells are separated
by commas, semicolons (Excel where the comma is the decimal sign) or tabs ("Unicode
text"), told by the heading line.

Memory stays flat as a file grows: rows are read as they are used, and the encoding
is guessed from the first :data:`SAMPLE` bytes.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import pickle
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from piel_desktop.domain.errors import NotAFile, TableCellTooLong, TableUnreadable

#: Bytes read to guess a CSV file's encoding.
SAMPLE = 1 << 20
#: The longest cell a CSV row may hold, in characters (Python's csv module's default).
MOST_CELL = 131_072
#: Code pages of Excel's plain "CSV" on Windows in the six languages, in the order tried.
ANSI_CODE_PAGES = ("cp1252", "cp1251", "cp1256", "gb18030")
#: Encoding (Python codec) -> its name as people know it (shown in the dry run).
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252",
                  "cp1251": "Windows-1251", "cp1256": "Windows-1256", "gb18030": "GB18030"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class TableStream:
    """An open table: ``headers``, ``rows`` (an iterator of tuples of plain values:
    text, whole numbers, dates, None), ``encoding`` (the CSV text's encoding as people
    name it, "UTF-8"; None for a workbook), ``read()`` -> (done, total) in any unit,
    for progress, and ``signature`` (size and modification time, to tell a file that
    changed). Close it (or use it as a context manager) when done."""

    headers: tuple
    rows: Iterator[tuple]
    encoding: str | None
    signature: tuple[int, int]
    _position: object
    _total: int
    _close: object

    def read(self) -> tuple[int, int]:
        return self._position(), self._total

    def close(self) -> None:
        self._close()

    def __enter__(self) -> TableStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def signature(path: Path) -> tuple[int, int]:
    """(size in bytes, modification time in ns) of ``path``."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def open_table(path: Path) -> TableStream:
    """Open the table at ``path`` (XLSX by its suffix, else CSV). Raises NotAFile (a
    folder), TableUnreadable (missing, "format": a damaged workbook or a binary file,
    "encoding": text in an encoding that cannot be told) or, as rows are read,
    TableCellTooLong."""
    if not path.exists():
        raise TableUnreadable(path=str(path), reason="missing")
    if not path.is_file():
        raise NotAFile(path=str(path))
    if path.suffix.lower() == ".xlsx":
        return _open_xlsx(path)
    return open_csv(path)


def _open_xlsx(path: Path) -> TableStream:
    try:
        from openpyxl import load_workbook
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.active
        rows = sheet.iter_rows(values_only=True)
        headers = tuple(next(rows, ()))
    except Exception as e:  # openpyxl and zipfile raise many kinds for a bad workbook
        raise TableUnreadable(path=str(path), reason="format") from e
    count = [1]

    def counted() -> Iterator[tuple]:
        try:
            for row in rows:
                count[0] += 1
                yield tuple(row)
        except Exception as e:
            raise TableUnreadable(path=str(path), reason="format") from e

    return TableStream(headers, counted(), None, signature(path), lambda: count[0],
                       max(sheet.max_row or 0, 1), book.close)


def detect_encoding(path: Path) -> str:
    """The Python codec of the CSV text at ``path`` (see the module's note). Raises
    TableUnreadable ("format" for binary data, "encoding" when undecidable)."""
    with path.open("rb") as f:
        sample = f.read(SAMPLE)
        for bom, codec in _BOMS:
            if sample.startswith(bom):
                return codec
        if b"\x00" in sample:
            raise TableUnreadable(path=str(path), reason="format")
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            chunk = sample
            while chunk:
                decoder.decode(chunk)
                chunk = f.read(SAMPLE)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes
    cut = sample.rfind(b"\n")  # a sample cut inside a character would look like no code page
    best = from_bytes(sample[:cut + 1] if cut > 0 else sample, cp_isolation=list(ANSI_CODE_PAGES)).best()
    if best is None:
        raise TableUnreadable(path=str(path), reason="encoding")
    return best.encoding


def open_csv(path: Path) -> TableStream:
    """Open ``path`` as CSV text whatever its suffix; raises as :func:`open_table`."""
    codec = detect_encoding(path)
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=codec, newline="")
    try:
        heading = text.readline().lstrip("\ufeff")
        text.seek(0)
        counts = {d: heading.count(d) for d in (",", ";", "\t")}
        delimiter = max(counts, key=lambda d: (counts[d], d == ","))
        reader = csv.reader(text, delimiter=delimiter)
        csv.field_size_limit(MOST_CELL)
        line = [1]

        def rows() -> Iterator[tuple]:
            try:
                for row in reader:  # value() of each cell, inlined (a call per cell costs a tenth of the read)
                    yield tuple([None if cell == "" else cell[1:] if cell[:1] == "'" else
                                 int(cell) if cell.isdigit() and cell.isascii() else cell for cell in row])
                    line[0] += 1
            except csv.Error as e:
                if "field larger" in str(e):
                    raise TableCellTooLong(path=str(path), line=line[0], limit=MOST_CELL) from None
                raise TableUnreadable(path=str(path), reason="format") from e
            except UnicodeDecodeError as e:
                raise TableUnreadable(path=str(path), reason="encoding") from e

        stream = rows()
        headers = tuple(cell.lstrip("\ufeff") if isinstance(cell, str) else cell
                        for cell in next(stream, ()))
    except BaseException as e:
        text.close()
        if isinstance(e, UnicodeError):
            raise TableUnreadable(path=str(path), reason="encoding") from e
        raise
    return TableStream(headers, stream, ENCODING_NAMES.get(codec, codec), signature(path), raw.tell,
                       max(os.fstat(raw.fileno()).st_size, 1), text.close)


def value(cell: str):
    """A CSV cell as a plain value: what :func:`tables.write_table` wrote, back (an
    apostrophe added before a formula or a text of digits is removed; whole numbers
    as numbers; empty as None)."""
    if cell == "":
        return None
    if cell.startswith("'"):
        return cell[1:]
    if cell.isascii() and cell.isdigit():
        return int(cell)
    return cell


class SpooledRows:
    """Checked rows of a table kept for writing them later without reading and checking
    the file again: their values (dicts) pickled in batches into an anonymous temporary
    file (gone when closed or collected), so memory stays flat however long the table.
    ``checked_against`` is what the checks depended on in the archive (for table
    import: meeting number -> id); the rows may be reused only while it still holds.
    Add rows with :meth:`add`, end with :meth:`done`, then iterate (again if needed).
    A temporary folder that refuses the file (full, read-only) is no error: ``usable``
    turns False and the caller reads the file again instead."""

    BATCH = 1000

    def __init__(self, checked_against) -> None:
        self.checked_against = checked_against
        self._batch: list[dict] = []
        try:
            self._file = tempfile.TemporaryFile()
        except OSError:
            self._file = None

    @property
    def usable(self) -> bool:
        return self._file is not None

    def add(self, values: dict) -> None:
        self._batch.append(values)
        if len(self._batch) >= self.BATCH:
            self._flush()

    def done(self) -> None:
        self._flush()

    def _flush(self) -> None:
        if self._file is None:
            self._batch = []
            return
        try:
            pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            self.close()
        self._batch = []

    def __iter__(self) -> Iterator[dict]:
        self._file.seek(0)
        while True:
            try:
                batch = pickle.load(self._file)
            except EOFError:
                return
            yield from batch

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
