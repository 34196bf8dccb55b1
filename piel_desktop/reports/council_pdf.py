"""The report to Council as a PDF, set with ReportLab from a
:class:`~piel_desktop.reports.council_layout.ReportLayout`.

Page 1 opens with the header block (the Council session at the start edge, the
document's symbol, date and original language at the end edge), then the title, the
summary and the action requested in their box, the rule and the references. The
numbered paragraphs hang their numbers in the margin ("1.1", "2.3"); quoted mandate
clauses are indented by their level, list items and sub-items by theirs. Arabic is set
right to left (numbers at the right). Every page carries the footer and "Page 2 of 5"
(reports/pages.py). With a second layout (``parallel``) the report is bilingual: the two
languages side by side, a row per paragraph, rows matched by the paragraphs' roles and
numbers. Texts are plain: markup, Word field codes and "<w:p>" print as typed.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import replace
from difflib import SequenceMatcher
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.reports.council_layout import Block, ReportLayout
from piel_desktop.reports.fonts import covering_family, face, has_glyph, register_fonts
from piel_desktop.reports.pages import WIDTH, write_pdf
from piel_desktop.reports.phrases import Phrases
from piel_desktop.reports.typeset import Role, is_rtl, paragraph

ACCENT = colors.HexColor("#1a4f8b")
BOX_FILL = colors.HexColor("#f2f5f9")
#: The rule under the box, as Council documents print it.
RULE = "____________"
#: Indent of a numbered paragraph's text; a level of quotes or sub-items adds _STEP.
_HANG, _STEP = 12 * mm, 10 * mm

_BODY = Role(11, 15, space_after=6, justify=True)
_ROLES: dict[str, Role] = {
    "session": Role(13, 16, bold=True, color="#1a4f8b", space_after=2),
    "header": Role(9.5, 12.5, space_after=1.5),
    "title": Role(14, 18.5, bold=True, space_before=14, space_after=10),
    "box_heading": Role(11, 15, bold=True, space_before=2, space_after=3),
    "box_text": _BODY,
    "rule": Role(11, 15, space_before=6, space_after=8),
    "references": Role(11, 15, bold=True, space_after=4),
    "reference": replace(_BODY, space_after=4),
    "heading": Role(12, 16, bold=True, indent=_HANG, space_before=12, space_after=6),
    "paragraph": replace(_BODY, indent=_HANG, space_before=2),
    "quote_heading": Role(11, 15, italic=True, indent=_HANG, space_after=4),
    "note": Role(8.5, 11, italic=True, color="#5f6b7a", space_before=8),
}


def block_role(block: Block) -> Role:
    """How ``block`` looks: its role's, indented by its level for quotes, list items
    and sub-items (the number hangs one step before the text)."""
    if block.role in ("quote", "item", "subitem"):
        level = block.level if block.role != "subitem" else max(block.level, 1)
        at = _HANG + _STEP * level
        return replace(_BODY, indent=at + _STEP, bullet_at=at, space_after=4)
    if block.role == "references" and block.level > 0:
        return _ROLES["reference"]
    return _ROLES[block.role]


class _Setter:
    """Makes the flowables of one layout; collects the characters no font could draw."""

    def __init__(self, layout: ReportLayout) -> None:
        self.layout, self.lang = layout, layout.lang
        self.undrawable: set[str] = set()

    def make(self, text: str, lang: str, role: Role, *, bullet: str | None = None, suffix: str = "") -> Flowable:
        made = paragraph(text, lang, role, bullet=bullet or None, suffix=suffix)
        self.undrawable |= getattr(made, "undrawable", set())
        return made

    def block(self, block: Block) -> Flowable:
        text = RULE if block.role == "rule" else block.text
        made = self.make(text, block.lang, block_role(block), bullet=block.number, suffix=block.mark)
        if block.role == "rule" and is_rtl(block.lang):  # the rule starts at the right edge, as the text
            made.style = copy.copy(made.style)
            made.style.alignment = TA_RIGHT
        made.keepWithNext = block.keep_with_next
        return _bullet_in_its_font(made, block.number)

    def header(self, width: float) -> Flowable:
        """The header block: the session line at the start edge, the other lines at
        the end edge (mirrored for right-to-left)."""
        lines = list(self.layout.header)
        session = [self.make(lines.pop(0), self.lang, _ROLES["session"])] if lines and len(lines) > 1 else []
        rest = [self.make(line, self.lang, _ROLES["header"]) for line in lines]
        cells = [session or [Spacer(0, 0)], rest or [Spacer(0, 0)]]
        if is_rtl(self.lang):
            cells.reverse()
        return Table([cells], colWidths=[width * 0.55, width * 0.45], style=TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))

    def title(self) -> Flowable:
        layout = self.layout
        return self.make(layout.title, layout.title_lang or self.lang, _ROLES["title"], suffix=layout.title_mark)

    def undrawable_note(self) -> Flowable | None:
        if not self.undrawable:
            return None
        return self.make(Phrases(self.lang).undrawable(self.undrawable), self.lang, _ROLES["note"])


def _bullet_in_its_font(made: Flowable, bullet: str) -> Flowable:
    """``made`` with its bullet set in a font that has it: an Arabic label "(أ)" before
    a text printed in its original Latin-script language."""
    style = getattr(made, "style", None)
    if not bullet or style is None or all(has_glyph(style.bulletFontName, c) for c in bullet):
        return made
    family = covering_family(bullet, "ar")
    if family is not None:
        made.style = _with_bullet_font(style, face(family, bold=True))
    return made


@functools.cache
def _with_bullet_font(style: ParagraphStyle, font: str) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}-bullet-{font}", parent=style, bulletFontName=font)


def _boxed(rows: list[Flowable], width: float) -> Table:
    """The summary and action requested in their box; rows split across pages, and a
    paragraph longer than a page inside its row."""
    return Table([[row] for row in rows], colWidths=[width], splitInRow=1, style=TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, ACCENT), ("BACKGROUND", (0, 0), (-1, -1), BOX_FILL),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), 6), ("BOTTOMPADDING", (0, -1), (-1, -1), 5)]))


def _story(layout: ReportLayout) -> list[Flowable]:
    setter = _Setter(layout)
    story: list[Flowable] = [setter.header(WIDTH)] + ([setter.title()] if layout.title else [])
    box: list[Flowable] = []
    for block in layout.blocks:
        if block.role in ("box_heading", "box_text"):
            box.append(setter.block(block))
            continue
        if box:
            story.append(_boxed(box, WIDTH))
            box = []
        story.append(setter.block(block))
    if box:
        story.append(_boxed(box, WIDTH))
    note = setter.undrawable_note()
    return story + ([note] if note else [])


def _key(block: Block) -> tuple:
    """What a paragraph is, in any language: rows of a bilingual report pair these."""
    return block.role, block.number if block.number not in ("–", "•") else "", block.level


def _side_by_side(left: ReportLayout, right: ReportLayout) -> list[Flowable]:
    """Two layouts of one report as one table: header and title in the first rows,
    then a row per pair of matching paragraphs (a paragraph one language has alone,
    a note, a second line of a text, gets a row with an empty cell beside it)."""
    gap = 6 * mm
    column = (WIDTH - gap) / 2
    a, b = _Setter(left), _Setter(right)
    rows: list[list[Flowable]] = [[a.header(column), b.header(column)], [a.title(), b.title()]]
    boxed: list[int] = []
    matcher = SequenceMatcher(None, [_key(x) for x in left.blocks], [_key(x) for x in right.blocks],
                              autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs = list(zip(left.blocks[i1:i2], right.blocks[j1:j2]))
        else:
            pairs = [(x, None) for x in left.blocks[i1:i2]] + [(None, y) for y in right.blocks[j1:j2]]
        for x, y in pairs:
            if (x or y).role in ("box_heading", "box_text"):
                boxed.append(len(rows))
            rows.append([a.block(x) if x else Spacer(0, 0), b.block(y) if y else Spacer(0, 0)])
    notes = [a.undrawable_note(), b.undrawable_note()]
    if any(notes):
        rows.append([note or Spacer(0, 0) for note in notes])
    if is_rtl(left.lang):  # the document's language in the start column, at the right
        rows = [row[::-1] for row in rows]
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
             ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
             ("RIGHTPADDING", (0, 0), (0, -1), gap / 2), ("LEFTPADDING", (1, 0), (1, -1), gap / 2),
             ("LINEAFTER", (0, 2), (0, -1), 0.3, colors.HexColor("#c8d0da"))]
    style += [("BACKGROUND", (0, row), (-1, row), BOX_FILL) for row in boxed]
    return [Table(rows, colWidths=[column] * 2, splitInRow=1, style=TableStyle(style))]


def write_report_pdf(layout: ReportLayout, *, out: Path, parallel: ReportLayout | None = None,
                     progress: Progress = SILENT) -> int:
    """Write ``layout`` as an A4 PDF at ``out`` (under a temporary name first; the
    file appears complete or not at all) and return its page count. With
    ``parallel`` (the same report in another language) the PDF is bilingual:
    ``layout`` in the start column, ``parallel`` beside it. Page headers, footer and
    page numbers are ``layout``'s. Raises OutputNotWritable, or Cancelled via
    ``progress``."""
    register_fonts()
    story = _side_by_side(layout, parallel) if parallel else _story(layout)
    title = f"{layout.title} | {parallel.title}" if parallel else layout.title
    return write_pdf(story, out=out, lang=layout.lang, title=title,
                     author=layout.header[0] if layout.header else "",
                     header=" · ".join(layout.header[:2]), footer=layout.footer,
                     page_label=lambda page, pages: layout.page_label.format(page=page, pages=pages),
                     progress=progress)
