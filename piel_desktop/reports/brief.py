"""The meetings brief: the main outcomes of chosen meetings, as the report to Council
prints them (section 2 of the seed report), for delegations to read on paper.

Layout: a title block, then per meeting (or group of meetings reported together) a
numbered lead sentence and the outcomes as dash bullets with lettered or numbered
sub-items. Every page carries its number ("Página 2 de 5"), the date the brief was made
and a short fingerprint of the archive state it came from. Record text is escaped
before it reaches ReportLab's paragraph markup, so "<b>&" prints as typed.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, Paragraph, SimpleDocTemplate

from piel_desktop.reports import BRIEF_LANGUAGES
from piel_desktop import APP_NAME, __version__
from piel_desktop.domain import model as d
from piel_desktop.domain.errors import NotAFile, OutputNotWritable, UnsupportedLanguage
from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.i18n import format_date, format_list, language_name, meeting_ordinal, translation
from piel_desktop.reports.fonts import has_glyph, register_fonts
from piel_desktop.services.records import BriefContent, MeetingGroup, brief_content
from piel_desktop.storage import Archive


INK = colors.HexColor("#1f2933")
ACCENT = colors.HexColor("#1a4f8b")
MUTED = colors.HexColor("#5f6b7a")
_LIST_END = (":", ".", ";", "!", "?")


@dataclass(frozen=True)
class BriefResult:
    path: Path
    pages: int
    fingerprint: str
    #: Numbers of the meetings printed: those asked for and those reported with them.
    meetings: tuple[int, ...]


def make_brief(archive: Archive, *, lang: str, out: Path | str,
               meetings: list[int] | None = None, made_at: dt.datetime | None = None,
               progress: Progress = SILENT) -> BriefResult:
    """Write the brief for meetings numbered ``meetings`` (all when None) to ``out``.

    ``lang`` is one of BRIEF_LANGUAGES; ``made_at`` (aware, default now) is printed in
    local time. The file appears complete or not at all. Raises UnsupportedLanguage,
    UnknownMeetings, NothingToPrint, OutputNotWritable, or Cancelled via ``progress``.
    """
    if lang not in BRIEF_LANGUAGES:
        raise UnsupportedLanguage(lang=lang, supported=BRIEF_LANGUAGES)
    out = checked_output(Path(out), protect=archive.path)
    progress.step(0, 1, "")
    content = brief_content(archive, meetings)
    made_at = made_at or dt.datetime.now(dt.UTC)
    return render_brief(content, lang=lang, out=out, made_on=made_at.astimezone().date(),
                        progress=progress)


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


class _Phrases:
    """The brief's sentences in its own language (not the interface's)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        t = translation(lang)
        self.gettext, self.ngettext, self.pgettext = t.gettext, t.ngettext, t.pgettext

    def lead(self, group: MeetingGroup, acronym: str) -> str:
        numbers = [m.number for m in group.meetings]
        spelled = all(n <= 9 for n in numbers)
        ordinals = format_list([meeting_ordinal(n, self.lang, spelled=spelled) for n in numbers], self.lang)
        dates = format_list([self.pgettext("meeting held on", "{date}").format(
            date=format_date(m.start_date, self.lang)) for m in group.meetings], self.lang)
        return self.ngettext(
            "The main outcomes of the {ordinals} meeting of {body}, held on {dates}, were:",
            "The main outcomes of the {ordinals} meetings of {body}, held on {dates}, were:",
            len(numbers)).format(ordinals=ordinals, body=acronym, dates=dates)

    def title(self, numbers: list[int]) -> str:
        if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
            shown = self.gettext("{first} to {last}").format(first=numbers[0], last=numbers[-1])
        else:
            shown = format_list([str(n) for n in numbers], self.lang)
        return self.ngettext("Main outcomes of meeting {numbers}",
                             "Main outcomes of meetings {numbers}", len(numbers)).format(numbers=shown)

    def summary(self, content: BriefContent) -> str:
        meetings = [m for g in content.groups for m in g.meetings]
        items = sum(len(g.outcomes) for g in content.groups)  # as the window counts them
        first, last = min(m.start_date for m in meetings), max(m.start_date for m in meetings)
        span = format_date(first, self.lang) if first == last else \
            f"{format_date(first, self.lang)} – {format_date(last, self.lang)}"
        counts = [self.ngettext("{n} meeting", "{n} meetings", len(meetings)).format(n=len(meetings)),
                  self.ngettext("{n} outcome", "{n} outcomes", items).format(n=items)]
        return " · ".join([span, *counts])

    def footer(self, made_on: dt.date, fingerprint: str) -> str:
        return " · ".join([
            self.gettext("Prepared on {date}").format(date=format_date(made_on, self.lang)),
            self.gettext("Archive fingerprint {fingerprint}").format(fingerprint=fingerprint[:12])])

    def unprintable(self, text_lang: str) -> str:
        return self.gettext("[a text in {language}, which this brief cannot print yet]").format(
            language=language_name(text_lang, self.lang, capitalize=False))

    def page(self, page: int, pages: int) -> str:
        return self.gettext("Page {page} of {pages}").format(page=page, pages=pages)


def _styles(family: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=family, bulletFontName=family, fontSize=10.5,
                          leading=14.5, textColor=INK, alignment=TA_LEFT, spaceAfter=4)
    return {
        "body": base,
        "kicker": ParagraphStyle("kicker", base, fontSize=9, leading=12, textColor=ACCENT,
                                 fontName=f"{family}-Bold", spaceAfter=6),
        "title": ParagraphStyle("title", base, fontName=f"{family}-Bold", fontSize=18, leading=23,
                                spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", base, textColor=MUTED, fontSize=10, spaceAfter=2),
        "note": ParagraphStyle("note", base, textColor=MUTED, fontSize=8.5, leading=11,
                               fontName=f"{family}-Italic"),
        "lead": ParagraphStyle("lead", base, leftIndent=9 * mm, bulletIndent=0, spaceBefore=10,
                               spaceAfter=5, bulletFontName=f"{family}-Bold"),
        "item": ParagraphStyle("item", base, leftIndent=15 * mm, bulletIndent=9 * mm),
        "subitem": ParagraphStyle("subitem", base, leftIndent=22 * mm, bulletIndent=15 * mm),
    }


def _item_text(outcome: d.Outcome, phrases: _Phrases, ending: str, font: str) -> tuple[str, bool]:
    """Escaped text of an outcome for the brief, with list punctuation restored.

    Top-level outcomes are stored without the ";" / "." that separate list items; the
    caller passes the ``ending`` to add. A text with characters ``font`` lacks is
    replaced by a note saying so, rather than printed as blanks. Returns (markup,
    printed in another language).
    """
    lang = phrases.lang
    version = outcome.text.pick(lang)
    text = version.text.strip() if version else ""
    if ending and not text.endswith(_LIST_END):
        text += ending
    if all(has_glyph(font, char) for char in text if not char.isspace()):
        markup = escape(text)
    else:
        markup = f"<i>{escape(phrases.unprintable(version.lang))}</i>"
    fallback = version is not None and version.lang != lang
    if fallback:
        markup += f' <font size="8" color="#5f6b7a">[{version.lang}]</font>'
    return markup, fallback


def _acronym(content: BriefContent, lang: str) -> str:
    text = content.body.acronym.pick(lang) or content.body.name.pick(lang)
    return text.text if text else ""


def _story(content: BriefContent, phrases: _Phrases, styles) -> list[Flowable]:
    lang = phrases.lang
    font = styles["body"].fontName
    acronym = _acronym(content, lang)
    # The body's full name if it exists in this language, else its acronym in it.
    name = content.body.name.get(lang) or content.body.acronym.get(lang) or content.body.name.pick(lang)
    numbers = [m.number for g in content.groups for m in g.meetings]
    story: list[Flowable] = [
        Paragraph(escape(name.text if name else acronym).upper(), styles["kicker"]),
        Paragraph(escape(phrases.title(numbers)), styles["title"]),
        Paragraph(escape(phrases.summary(content)), styles["subtitle"]),
    ]
    rule_at = len(story)
    any_fallback = False
    for index, group in enumerate(content.groups, 1):
        story.append(Paragraph(escape(phrases.lead(group, acronym)), styles["lead"],
                               bulletText=str(index)))
        story[-1].keepWithNext = True
        for position, outcome in enumerate(group.outcomes):
            ending = "." if position == len(group.outcomes) - 1 else ";"
            markup, fallback = _item_text(outcome, phrases, ending, font)
            any_fallback |= fallback
            story.append(Paragraph(markup, styles["item"], bulletText="–"))
            for child in outcome.children:
                for sub in child.walk():
                    markup, fallback = _item_text(sub, phrases, "", font)
                    any_fallback |= fallback
                    label = f"{sub.label})" if sub.label else "•"
                    story.append(Paragraph(markup, styles["subitem"], bulletText=label))
    if any_fallback:
        story.insert(rule_at, Paragraph(escape(phrases.gettext(
            "Texts not available in this language are printed in their original language, "
            "marked with its code.")), styles["note"]))
        rule_at += 1
    story.insert(rule_at, HRFlowable(width="100%", thickness=0.6, color=ACCENT,
                                     spaceBefore=6, spaceAfter=4))
    return story


class _PagedCanvas(Canvas):
    """Canvas that knows the page count when it draws footers ("Page 2 of 5")."""

    def __init__(self, *args, phrases: _Phrases, footer: str, header: str, family: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._phrases, self._footer, self._header, self._family = phrases, footer, header, family

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
        self.saveState()
        self.setFillColor(MUTED)
        self.setStrokeColor(colors.HexColor("#c8d0da"))
        self.setFont(self._family, 8)
        if number > 1:
            self.drawString(left, height - 12 * mm, self._header)
            self.line(left, height - 13.5 * mm, right, height - 13.5 * mm)
        self.line(left, 15 * mm, right, 15 * mm)
        self.drawString(left, 10.5 * mm, self._footer)
        self.drawRightString(right, 10.5 * mm, self._phrases.page(number, total))
        self.restoreState()


class _Document(SimpleDocTemplate):
    def __init__(self, *args, progress: Progress, total: int, **kwargs):
        super().__init__(*args, **kwargs)
        self._progress, self._total, self._done = progress, total, 0

    def afterFlowable(self, flowable):
        self._done += 1
        self._progress.step(min(self._done, self._total), self._total, "")


def render_brief(content: BriefContent, *, lang: str, out: Path, made_on: dt.date,
                 progress: Progress = SILENT) -> BriefResult:
    """Lay out ``content`` as a PDF at ``out`` (written under a temporary name first)."""
    family = register_fonts()
    phrases = _Phrases(lang)
    styles = _styles(family)
    story = _story(content, phrases, styles)
    acronym = _acronym(content, lang)
    numbers = [m.number for g in content.groups for m in g.meetings]
    title = phrases.title(numbers)
    canvas_maker = functools.partial(
        _PagedCanvas, phrases=phrases, family=family, header=f"{acronym} · {title}",
        footer=phrases.footer(made_on, content.fingerprint))
    # A short temporary name beside the target: as long a name could be too long.
    temporary = out.with_name(f".piel-brief-{uuid.uuid4().hex[:8]}.tmp")
    try:
        doc = _Document(str(temporary), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                        topMargin=20 * mm, bottomMargin=22 * mm, title=title, author=acronym,
                        subject=title, creator=f"{APP_NAME} {__version__}", lang=lang,
                        progress=progress, total=len(story),
                        # Start pages in our font; else every PDF names Helvetica, unembedded.
                        initialFontName=family)
        doc.build(story, canvasmaker=canvas_maker)
        os.replace(temporary, out)
    except OSError as e:
        raise OutputNotWritable(path=str(out), reason=e.strerror or str(e)) from e
    finally:
        temporary.unlink(missing_ok=True)
    return BriefResult(path=out, pages=doc.page, fingerprint=content.fingerprint,
                       meetings=tuple(numbers))
