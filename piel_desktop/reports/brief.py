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
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Spacer, Table, TableStyle

from piel_desktop.reports import BRIEF_LANGUAGES
from piel_desktop.domain.errors import UnsupportedLanguage
from piel_desktop.domain.progress import SILENT, Progress, paused_collector
from piel_desktop.reports.council_layout import Block, body_acronym, recommendation_blocks
from piel_desktop.reports.fonts import register_fonts
from piel_desktop.reports.pages import WIDTH, checked_output, write_pdf
from piel_desktop.reports.typeset import Role, is_rtl, paragraph
from piel_desktop.reports.phrases import Phrases
from piel_desktop.services.records import BriefContent, brief_content
from piel_desktop.storage import Archive


INK = colors.HexColor("#1f2933")
ACCENT = colors.HexColor("#1a4f8b")


@dataclass(frozen=True)
class BriefResult:
    path: Path
    pages: int
    fingerprint: str
    #: Numbers of the meetings printed: those asked for and those reported with them.
    meetings: tuple[int, ...]


def make_brief(archive: Archive, *, lang: str, out: Path | str,
               meetings: list[int] | None = None, made_at: dt.datetime | None = None,
               parallel: str | None = None, progress: Progress = SILENT) -> BriefResult:
    """Write the brief for meetings numbered ``meetings`` (all when None) to ``out``.

    ``lang`` is one of BRIEF_LANGUAGES, as is ``parallel`` (a second language set side
    by side, or None); ``made_at`` (aware, default now) is printed in local time. The
    file appears complete or not at all. Raises UnsupportedLanguage, UnknownMeetings,
    NothingToPrint, OutputNotWritable, or Cancelled via ``progress``.
    """
    for code in (lang, parallel):
        if code is not None and code not in BRIEF_LANGUAGES:
            raise UnsupportedLanguage(lang=code, supported=BRIEF_LANGUAGES)
    out = checked_output(Path(out), protect=archive.path)
    progress.step(0, 1, "")
    with paused_collector():  # thousands of small objects, none in a cycle
        content = brief_content(archive, meetings)
        made_at = made_at or dt.datetime.now(dt.UTC)
        return render_brief(content, lang=lang, out=out, made_on=made_at.astimezone().date(),
                            parallel=parallel if parallel != lang else None, progress=progress)


#: The brief's paragraph role of each block role of the recommendations.
_BLOCK_ROLES = {"paragraph": "lead", "item": "item", "subitem": "subitem"}
_ROLES = {
    "kicker": Role(9, 12, bold=True, color="#1a4f8b", space_after=6),
    "title": Role(18, 23, bold=True, space_after=6),
    "subtitle": Role(10, 14.5, color="#5f6b7a", space_after=2),
    "note": Role(8.5, 11, italic=True, color="#5f6b7a"),
    "lead": Role(10.5, 14.5, indent=9 * mm, space_before=10, space_after=5, justify=True),
    "item": Role(10.5, 14.5, indent=15 * mm, bullet_at=9 * mm, justify=True),
    "subitem": Role(10.5, 14.5, indent=22 * mm, bullet_at=15 * mm, justify=True),
}


class _Writer:
    """Makes the paragraphs of one language's brief; remembers whether any text had to
    be printed in another language."""

    def __init__(self, phrases: Phrases) -> None:
        self.phrases, self.lang, self.fallback = phrases, phrases.lang, False
        #: Characters no bundled font has, printed as a replacement mark.
        self.undrawable: set[str] = set()

    def phrase(self, text: str, role: str, bullet: str | None = None) -> Flowable:
        return self._make(text, self.lang, role, bullet=bullet)

    def block(self, block: Block, role: str) -> Flowable:
        """A block of the recommendations (council_layout.recommendation_blocks): its
        text in its language, its number as the bullet, its mark after it."""
        self.fallback |= bool(block.mark)
        return self._make(block.text, block.lang, role, bullet=block.number, suffix=block.mark)

    def _make(self, text: str, lang: str, role: str, *, bullet=None, suffix="") -> Flowable:
        made = paragraph(text, lang, _ROLES[role], bullet=bullet, suffix=suffix)
        if made is None:  # no bundled font has every character: say so, never print boxes
            made = paragraph(self.phrases.unprintable(lang), self.lang,
                             replace(_ROLES[role], italic=True), bullet=bullet, suffix=suffix)
        self.undrawable |= getattr(made, "undrawable", set())
        return made


def _story(content: BriefContent, phrases: Phrases) -> list[Flowable]:
    """The brief's flowables in one language. The list has the same length and order
    for every language (an empty spacer where a note is not needed), so two languages
    can be set side by side row by row."""
    lang = phrases.lang
    write = _Writer(phrases)
    acronym = body_acronym(content, lang)
    # The body's full name if it exists in this language, else its acronym in it.
    name = content.body.name.get(lang) or content.body.acronym.get(lang) or content.body.name.pick(lang)
    numbers = [m.number for g in content.groups for m in g.meetings]
    kicker = name.text if name else acronym
    story: list[Flowable] = [
        write.phrase(kicker if is_rtl(lang) else kicker.upper(), "kicker"),
        write.phrase(phrases.title(numbers), "title"),
        write.phrase(phrases.summary(content), "subtitle"),
    ]
    rule_at = len(story)
    for block in recommendation_blocks(content, lang):
        story.append(write.block(block, _BLOCK_ROLES[block.role]))
        story[-1].keepWithNext = block.keep_with_next
    note = Spacer(0, 0)
    if write.fallback:
        note = write.phrase(phrases.gettext(
            "Texts not available in this language are printed in their original language, "
            "marked with its code."), "note")
    story[rule_at:rule_at] = [note, HRFlowable(width="100%", thickness=0.6, color=ACCENT,
                                               spaceBefore=6, spaceAfter=4)]
    # Under the last outcome: which characters no font could draw (a row in both
    # columns of a bilingual brief, empty where not needed).
    story.append(write.phrase(phrases.undrawable(write.undrawable), "note") if write.undrawable
                 else Spacer(0, 0))
    return story


def _side_by_side(left: list[Flowable], right: list[Flowable], width: float) -> list[Flowable]:
    """Two languages' stories as one table, a row per paragraph, rows split across
    pages where needed. A note present in one language only gets a row too."""
    if len(left) != len(right):
        raise ValueError("the two stories of a bilingual brief must match row for row")
    gap = 6 * mm
    table = Table([[a, b] for a, b in zip(left, right)], colWidths=[(width - gap) / 2] * 2,
                  splitInRow=1, style=TableStyle([
                      ("VALIGN", (0, 0), (-1, -1), "TOP"),
                      ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                      ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                      ("RIGHTPADDING", (0, 0), (0, -1), gap / 2), ("LEFTPADDING", (1, 0), (1, -1), gap / 2),
                      ("LINEAFTER", (0, 0), (0, -1), 0.3, colors.HexColor("#c8d0da")),
                  ]))
    return [table]


def render_brief(content: BriefContent, *, lang: str, out: Path, made_on: dt.date,
                 parallel: str | None = None, progress: Progress = SILENT) -> BriefResult:
    """Lay out ``content`` as a PDF at ``out`` (written under a temporary name first).

    With ``parallel`` (another brief language) the brief is bilingual: ``lang`` in the
    left column, ``parallel`` in the right, row by row.
    """
    register_fonts()
    phrases = Phrases(lang)
    story = _story(content, phrases)
    acronym = body_acronym(content, lang)
    numbers = [m.number for g in content.groups for m in g.meetings]
    title = phrases.title(numbers)
    width = WIDTH
    if parallel:
        story = _side_by_side(story, _story(content, Phrases(parallel)), width)
        title = f"{title} | {Phrases(parallel).title(numbers)}"
    pages = write_pdf(story, out=out, lang=lang, title=title, author=acronym,
                      header=f"{acronym} · {phrases.title(numbers)}",
                      footer=phrases.footer(made_on, content.fingerprint), page_label=phrases.page,
                      progress=progress)
    return BriefResult(path=out, pages=pages, fingerprint=content.fingerprint,
                       meetings=tuple(numbers))
