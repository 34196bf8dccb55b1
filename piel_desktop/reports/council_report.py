"""The report to Council printed from the archive: one call that reads the report
(services/council_report.py), lays it out in one language (reports/council_layout.py)
and writes it as a PDF (reports/council_pdf.py) or a Word document
(reports/council_docx.py), the file appearing complete or not at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from piel_desktop.domain.errors import FormatNotFileName, ParallelNeedsPdf, UnsupportedFormat, UnsupportedLanguage
from piel_desktop.domain.progress import SILENT, Progress, paused_collector
from piel_desktop.reports import BRIEF_LANGUAGES
from piel_desktop.reports.council_layout import report_layout
from piel_desktop.reports.pages import checked_output
from piel_desktop.storage import Archive

#: The formats a report can be written in, in the order the command line names them.
REPORT_FORMATS: tuple[str, ...] = ("pdf", "docx")


@dataclass(frozen=True)
class ReportResult:
    """A written report: ``path`` the file; ``pages`` its page count (PDF; None for
    Word, which paginates when opened); ``paragraphs`` the paragraphs written (Word;
    None for PDF); ``fingerprint`` the archive state it came from; ``missing_clauses``
    the numbers of quoted clauses deleted from their instrument since (left out)."""

    path: Path
    fmt: str
    pages: int | None
    paragraphs: int | None
    fingerprint: str
    missing_clauses: tuple[str, ...] = ()


def _docx_writer():
    """The Word writer, or None when this installation lacks it (python-docx)."""
    try:
        from piel_desktop.reports.council_docx import write_report_docx
    except ImportError:
        return None
    return write_report_docx


def make_report(archive: Archive, *, report: str | None = None, lang: str,
                fmt: Literal["pdf", "docx"] | None = None, out: Path | str, made_at: dt.datetime | None = None,
                parallel: str | None = None, progress: Progress = SILENT) -> ReportResult:
    """Write the report ``report`` (its key or symbol; None: the latest) in ``lang``
    (one of BRIEF_LANGUAGES) as ``fmt`` at ``out`` (None: from the file name, ".docx"
    for Word, PDF otherwise).

    ``parallel`` (PDF only; another language, or None) sets that language side by side
    with ``lang``; ``made_at`` (aware, default now) is printed in local time in the
    footer. The file never replaces the archive and appears complete or not at all.
    Raises UnsupportedLanguage, UnsupportedFormat (an unknown ``fmt``, Word without
    python-docx), FormatNotFileName (``fmt`` "pdf" for a ".docx" file, or the other
    way round), ParallelNeedsPdf (``parallel`` with Word), RecordNotFound, OutputNotWritable,
    NotAFile, or Cancelled via ``progress``.
    """
    from piel_desktop.services.council_report import report_content

    for code in (lang, parallel):
        if code is not None and code not in BRIEF_LANGUAGES:
            raise UnsupportedLanguage(lang=code, supported=BRIEF_LANGUAGES)
    suffix = Path(out).suffix.lower()
    if fmt is None:
        fmt = "docx" if suffix == ".docx" else "pdf"
    elif suffix in (".pdf", ".docx") and suffix != f".{fmt}":  # a PDF named .docx: Word refuses it
        raise FormatNotFileName(path=str(out), fmt=str(fmt))
    write_docx = _docx_writer() if fmt == "docx" else None
    available = tuple(f for f in REPORT_FORMATS if f == "pdf" or _docx_writer() is not None)
    if fmt not in available or (fmt == "docx" and write_docx is None):
        raise UnsupportedFormat(fmt=str(fmt), supported=available)
    if fmt != "pdf" and parallel not in (None, lang):
        raise ParallelNeedsPdf(fmt=fmt)
    out = checked_output(Path(out), protect=archive.path)
    progress.step(0, 1, "")
    with paused_collector():  # thousands of small objects, none in a cycle
        content = report_content(archive, report=report)
        made_on = (made_at or dt.datetime.now(dt.UTC)).astimezone().date()
        layout = report_layout(content, lang, made_on=made_on)
        if fmt == "docx":
            count = write_docx(layout, out=out, progress=progress, protect=archive.path)
            return ReportResult(out, fmt, None, count, content.fingerprint, content.missing_clauses)
        from piel_desktop.reports.council_pdf import write_report_pdf

        second = report_layout(content, parallel, made_on=made_on) if parallel and parallel != lang else None
        pages = write_report_pdf(layout, out=out, parallel=second, progress=progress)
        return ReportResult(out, fmt, pages, None, content.fingerprint, content.missing_clauses)
