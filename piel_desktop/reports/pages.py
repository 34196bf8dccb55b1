"""What every PDF of the program shares: the output path checks, and pages written
under a temporary name with a header, a footer and "Page 2 of 5", in the document's
language (mirrored for Arabic)."""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from piel_desktop import APP_NAME, __version__
from piel_desktop.domain.errors import NotAFile, OutputNotWritable
from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.reports.fonts import family_for, register_fonts
from piel_desktop.reports.typeset import is_rtl, visual

T = TypeVar("T")

MUTED = colors.HexColor("#5f6b7a")
#: Text width of an A4 page with the margins used here, in points.
WIDTH = A4[0] - 40 * mm


def checked_output(out: Path, *, protect: Path | None = None) -> Path:
    """The file to write for output path ``out``, with symbolic links followed.

    Raises OutputNotWritable for a path without a file name or that is the archive
    ``protect`` (or one of SQLite's files beside it), NotAFile for a folder or device.
    """
    if out.name in ("", ".", ".."):
        raise OutputNotWritable(path=str(out), reason="no-file-name")
    target = Path(os.path.realpath(out))
    if not target.exists():
        return target
    if not target.is_file():
        raise NotAFile(path=str(out))
    if protect is not None:
        # samefile, not a comparison of names: case-insensitive disks and hard links
        # give one file several names.
        for companion in (f"{protect}{suffix}" for suffix in ("", "-wal", "-shm", "-journal")):
            if os.path.exists(companion) and os.path.samefile(target, companion):
                raise OutputNotWritable(path=str(out), reason="is-the-archive")
    return target


class _PagedCanvas(Canvas):
    """Canvas that knows the page count when it draws footers ("Page 2 of 5")."""

    def __init__(self, *args, lang: str, header: str, footer: str,
                 page_label: Callable[[int, int], str], **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._lang, self._header, self._footer, self._page_label = lang, header, footer, page_label

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self._decorate(number, total)
            super().showPage()
        super().save()

    def _decorate(self, number: int, total: int) -> None:
        width, height = self._pagesize
        left, right = 20 * mm, width - 20 * mm
        rtl = is_rtl(self._lang)
        start, end = (self.drawRightString, self.drawString) if rtl else (self.drawString, self.drawRightString)
        start_x, end_x = (right, left) if rtl else (left, right)
        shown = visual if rtl else str
        self.saveState()
        self.setFillColor(MUTED)
        self.setStrokeColor(colors.HexColor("#c8d0da"))
        self.setFont(family_for(self._lang), 8)
        if number > 1:
            start(start_x, height - 12 * mm, shown(self._header))
            self.line(left, height - 13.5 * mm, right, height - 13.5 * mm)
        self.line(left, 15 * mm, right, 15 * mm)
        start(start_x, 10.5 * mm, shown(self._footer))
        end(end_x, 10.5 * mm, shown(self._page_label(number, total)))
        self.restoreState()


class _Document(SimpleDocTemplate):
    def __init__(self, *args, progress: Progress, total: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._progress, self._total, self._done = progress, total, 0

    def afterFlowable(self, flowable):
        self._done += 1
        self._progress.step(min(self._done, self._total), self._total, "")


def write_pdf(story: list[Flowable], *, out: Path, lang: str, title: str, author: str,
              header: str, footer: str, page_label: Callable[[int, int], str],
              progress: Progress = SILENT) -> int:
    """Lay out ``story`` on A4 pages at ``out``; return the page count.

    The file is written under a short temporary name beside ``out`` and appears
    complete or not at all. ``header`` (from page 2), ``footer`` and ``page_label(n,
    total)`` are in ``lang``. Raises OutputNotWritable, or Cancelled via ``progress``.
    """
    register_fonts()
    canvas_maker = functools.partial(_PagedCanvas, lang=lang, header=header, footer=footer,
                                     page_label=page_label)

    def build(temporary: Path) -> int:
        doc = _Document(str(temporary), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                        topMargin=20 * mm, bottomMargin=22 * mm, title=title, author=author,
                        subject=title, creator=f"{APP_NAME} {__version__}", lang=lang,
                        progress=progress, total=len(story),
                        # Start pages in our font; else every PDF names Helvetica, unembedded.
                        initialFontName=family_for(lang))
        doc.build(story, canvasmaker=canvas_maker)
        return doc.page

    return write_atomically(out, build)


def write_atomically(out: Path, write: Callable[[Path], T]) -> T:
    """Run ``write(temporary)`` on a file beside ``out`` (same folder, so same disk),
    then move it onto ``out``: the file appears complete or not at all, and whatever
    ``write`` raises (Cancelled) leaves nothing behind. Returns what ``write`` returns.
    Raises OutputNotWritable for a file-system error.
    """
    temporary = out.with_name(f".piel-{uuid.uuid4().hex[:8]}.tmp")
    try:
        result = write(temporary)
        os.replace(temporary, out)
    except OSError as e:
        raise OutputNotWritable(path=str(out), reason=e.strerror or str(e)) from e
    finally:
        temporary.unlink(missing_ok=True)
    return result
