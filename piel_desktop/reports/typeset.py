"""Paragraphs for every script of the six languages, on top of ReportLab platypus.

- Arabic (right to left): letters are joined with arabic-reshaper (harakat kept), the
  paragraph is wrapped by ReportLab in logical order, and each line is reordered only
  when drawn (``bidi.algorithm.get_display`` with a right-to-left base, which also
  mirrors brackets). Reordering a whole paragraph before wrapping would print its lines
  bottom-up. Lines are justified, the last one set flush right; the bullet or number
  stands at the right. Source of the method: ``TECH-NOTES.md`` (measured on this stack).
- Chinese: lines are broken here (:class:`CjkParagraph`) between ideographs, never inside
  a Latin word or number, never before closing punctuation (，。）…) or after opening
  punctuation (（“…), the usual kinsoku rules; ReportLab's own CJK mode can start a line
  with "，" and lets punctuation hang past the margin.
- Latin and Cyrillic: ordinary paragraphs.

Record text is plain text: it is escaped here before it reaches ReportLab's markup.
"""

from __future__ import annotations

import functools
import re
from itertools import groupby
from dataclasses import dataclass
from unicodedata import bidirectional, category
from xml.sax.saxutils import escape

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.ligatures import LIGATURES
from bidi import algorithm as bidi
from bidi import get_display as fast_display
from bidi.mirror import MIRRORED
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.rl_config import paraFontSizeHeightOffset

from piel_desktop.reports.fonts import (ARABIC, CJK, bmp_class, bmp_only, covering_family, face,
                                        format_characters, has_glyph)

RTL_LANGUAGES = frozenset({"ar"})
_MIRRORABLE = frozenset(MIRRORED)
_MIRROR_TABLE = str.maketrans(MIRRORED)
# Harakat kept (the text must print as written). Of arabic-reshaper's 286 ligatures,
# only the obligatory lam-alef ones and the name of God: the others are optional in
# print, and matching them all costs more than the rest of the reshaping.
_reshaper = ArabicReshaper(configuration={
    "delete_harakat": False, "support_ligatures": False,
    **{name: True for name, _forms in LIGATURES
       if "LAM WITH ALEF" in name or name == "ARABIC LIGATURE ALLAH"}})


_SPACES = re.compile(r"(\s+)")


def reshape(text: str) -> str:
    """``text`` with Arabic letters in their joined forms, still in logical order.

    Letters join only within a word, so words are reshaped one by one through a cache:
    running text repeats its words, and arabic-reshaper is pure Python.
    """
    return "".join(_reshape_word(part) for part in _SPACES.split(text))


@functools.lru_cache(maxsize=20000)
def _reshape_word(word: str) -> str:
    return _reshaper.reshape(word) if word and not word.isspace() else word


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGUAGES


@functools.lru_cache(maxsize=256)
def visual(text: str) -> str:
    """One line of right-to-left text in drawing order (joined, reordered, mirrored).
    Cached: page headers and footers repeat on every page."""
    return _display(reshape(text))


def _display(line: str) -> str:
    """A line of joined right-to-left text reordered for drawing left to right.

    python-bidi's Rust ``get_display`` is about 13 times faster than its pure-Python
    ``bidi.algorithm`` but does not mirror brackets (UAX #9, L4). Mirroring needs each
    character's resolved level, which only matters for mirrorable characters: a line
    without any, or without any left-to-right letter (then every neutral, brackets
    included, resolves to the right-to-left embedding level by rules N0-N2 and is
    mirrored), goes the fast way; the others (Latin in brackets...) to the Python one.
    """
    not_plain, joiners = _plain_rtl()
    numbers = None if not_plain.search(line) else list(_DIGITS.finditer(line))
    if numbers is not None and not any(
            line[n.start() - 1:n.start()] in joiners or line[n.end():n.end() + 1] in joiners for n in numbers):
        # Right-to-left letters, neutrals and ASCII numbers that no separator,
        # terminator or mark touches: every character but the digits resolves to
        # level 1, each run of digits to level 2 (rules W1-W7, N0-N2, I2), so the line
        # reverses whole and its digit runs read forward again. Several times faster
        # than python-bidi's Rust code; tested equal to the reference algorithm.
        parts, end = [], len(line)
        for number in reversed(numbers):
            parts += (line[number.end():end][::-1], number.group())
            end = number.start()
        parts.append(line[:end][::-1])
        return _MIRRORABLE_RE.sub(_mirrored, "".join(parts))
    chars = set(line)  # the checks look at each distinct character once
    if _MIRRORABLE.isdisjoint(chars):
        return fast_display(line, base_dir="R")
    if not any(bidirectional(char) == "L" for char in chars):
        return fast_display(line, base_dir="R").translate(_MIRROR_TABLE)
    return bidi.get_display(line, base_dir="R")


_DIGITS = re.compile("[0-9]+")
# Code points _display may reverse without the bidi algorithm: the Arabic and Hebrew
# blocks, ASCII, Latin-1 and general punctuation.
_PLAIN_RTL_RANGES = ((0x20, 0xFF), (0x0590, 0x08FF), (0x2000, 0x206F), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))
#: Bidi classes that can join a number: separators, terminators, combining marks.
_NUMBER_JOINERS = ("CS", "ES", "ET", "NSM")


_MIRRORABLE_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(MIRRORED)) + "]")


def _mirrored(match: re.Match) -> str:
    return MIRRORED[match.group()]


@functools.cache
def _plain_rtl() -> tuple[re.Pattern, frozenset[str]]:
    """A pattern that finds a character other than those of ``_PLAIN_RTL_RANGES``
    that are right-to-left or neutral (bidi classes R, AL, WS, ON and the number
    joiners) or ASCII digits (a pattern: a set of a line's characters costs more than
    a search); and the number joiners."""
    chars = {chr(c) for a, b in _PLAIN_RTL_RANGES for c in range(a, b + 1)}
    joiners = frozenset(c for c in chars if bidirectional(c) in _NUMBER_JOINERS)
    plain = {c for c in chars if bidirectional(c) in ("R", "AL", "WS", "ON")} | joiners | set("0123456789")
    return re.compile("[^" + "".join(re.escape(c) for c in sorted(plain)) + "]"), joiners


@dataclass(frozen=True)
class Role:
    """How a kind of paragraph looks, independent of script and direction.

    Sizes in points; ``indent`` is the text's distance from the start edge (left in
    left-to-right text, right in right-to-left), ``bullet_at`` the bullet's.
    """
    size: float
    leading: float
    bold: bool = False
    italic: bool = False
    color: str = "#1f2933"
    indent: float = 0
    bullet_at: float = 0
    space_before: float = 0
    space_after: float = 4
    justify: bool = False


@functools.cache
def style(role: Role, family: str, rtl: bool) -> ParagraphStyle:
    """The ReportLab style for ``role`` set in ``family``, in the given direction."""
    font = face(family, bold=role.bold, italic=role.italic)
    size, leading = role.size, role.leading
    if family == ARABIC:  # Amiri's Naskh needs more room above and below than Noto Sans
        size, leading = size * 1.12, leading * 1.25
    # A colour object, not its "#rrggbb" name: ReportLab parses a name again every
    # time it sets the colour (per paragraph and line), with ast.literal_eval.
    common = dict(fontName=font, bulletFontName=face(family, bold=True), fontSize=size,
                  bulletFontSize=size, leading=leading, textColor=HexColor(role.color),
                  spaceBefore=role.space_before, spaceAfter=role.space_after)
    if rtl:
        return ParagraphStyle(f"{role}-{family}-rtl", rightIndent=role.indent, leftIndent=0,
                              bulletIndent=role.bullet_at,
                              alignment=TA_JUSTIFY if role.justify else TA_RIGHT, **common)
    return ParagraphStyle(f"{role}-{family}", leftIndent=role.indent, bulletIndent=role.bullet_at,
                          alignment=TA_LEFT, **common)


def paragraph(text: str, lang: str, role: Role, *, bullet: str | None = None,
              suffix: str = "") -> Paragraph | None:
    """A paragraph of plain ``text`` written in ``lang``, with an optional ``bullet``.

    ``suffix`` (plain, e.g. a language code in brackets) follows the text, in smaller
    type where the script allows markup. A text no bundled family covers alone is set
    with a font per run of characters (:mod:`piel_desktop.reports.mixed`); characters
    no font has print as a replacement mark and are listed in the paragraph's
    ``undrawable`` attribute (a set, empty or absent when there were none). Never None
    (the return type keeps None for callers written before fallback fonts).
    """
    text = _BIDI_CONTROLS.sub("", text)
    family = covering_family(text + suffix, lang)
    if family is None:  # characters of several fonts: switch font per run (rare)
        from piel_desktop.reports.mixed import mixed_paragraph
        return mixed_paragraph(text, lang, role, bullet=bullet, suffix=suffix)
    text = _drop_invisible(_fit_spaces(text, family), family)
    if family == ARABIC and is_rtl_text(text):
        return RtlParagraph(f"{text} {suffix}".rstrip(), style(role, family, True), bulletText=bullet)
    if family == CJK:  # the suffix in the same type: a Chinese line carries no markup
        return CjkParagraph(f"{text} {suffix}".rstrip(), style(role, family, False), bulletText=bullet)
    if not suffix:
        chosen = style(role, family, False)
        return Paragraph(text, chosen, bulletText=bullet, frags=plain_frags(text, chosen))
    markup = escape(text)
    markup += f' <font size="{role.size * 0.75:g}" color="#5f6b7a">{escape(suffix)}</font>'
    return Paragraph(markup, style(role, family, False), bulletText=bullet)


def is_rtl_text(text: str) -> bool:
    """True if the first strong character of ``text`` is right-to-left (UAX #9, P2)."""
    return bidi.get_base_level(text) == 1


# Explicit direction marks, embeddings, overrides and isolates (UAX #9, X1-X10): the
# lines are ordered by the rules for their script instead, and the reference algorithm
# used for mixed lines does not accept isolates.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def drop_invisible(text: str, family: str) -> str:
    """``text`` without the format characters ``family`` lacks, its no-break spaces
    fitted to the family."""
    return _drop_invisible(_fit_spaces(text, family), family)


def _drop_invisible(text: str, family: str) -> str:
    """``text`` without the invisible format characters (zero-width space, joiners,
    byte order mark...) the family has no glyph for, which would print as boxes."""
    if bmp_only(text) and not _format_pattern().search(text):
        return text
    font = face(family)
    missing = {c for c in set(text) if category(c) == "Cf" and not has_glyph(font, c)}
    return "".join(c for c in text if c not in missing) if missing else text


@functools.cache
def _format_pattern() -> re.Pattern:
    return re.compile("[" + bmp_class({ord(c) for c in format_characters()}) + "]")


def _fit_spaces(text: str, family: str) -> str:
    """``text`` with no-break spaces the family lacks replaced by ones it has."""
    font = face(family)
    for char in ("\u202f", "\u00a0"):
        if char in text and not has_glyph(font, char):
            text = text.replace(char, "\u00a0" if has_glyph(font, "\u00a0") else " ")
    return text


@functools.cache
def _plain_frag(chosen: ParagraphStyle):
    """The fragment ReportLab's markup parser makes of plain text in ``chosen``."""
    return Paragraph("x", chosen).frags[0]


def plain_frags(text: str, chosen: ParagraphStyle) -> list:
    """Plain ``text`` as the one fragment the parser would make of it, escaped, in
    style ``chosen``: what ``Paragraph(escape(text), chosen)`` holds, without running
    the parser (a third of the cost of a paragraph). Whitespace is folded as the
    parser folds it; an empty text gives no fragment."""
    text = cleanBlockQuotedText(text)
    return [_plain_frag(chosen).clone(text=text)] if text else []


class RtlParagraph(Paragraph):
    """A right-to-left paragraph of plain text in one font (Arabic).

    ReportLab wraps and splits it in logical order; :meth:`draw` sets each line itself,
    reordered for display. The bullet is drawn at ``style.bulletIndent`` from the right.
    Raises nothing of its own; markup is not interpreted (the text never meets the parser).
    """

    def __init__(self, text, style, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        if text is not None:
            text = reshape(text)
            frags = plain_frags(text, style)
        super().__init__(text, style, None, frags, caseSensitive, encoding)
        self.rtl_bullet = bulletText

    #: None, or a function giving the font of each character (text in several fonts).
    font_of = None

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for index, part in enumerate(parts):
            part.rtl_bullet = self.rtl_bullet if index == 0 else None
            part.font_of = self.font_of
        return parts

    def draw(self):
        para, style, canvas = self.blPara, self.style, self.canv
        if para.kind != 0:  # only plain text is given to this class
            raise ValueError("RtlParagraph needs text in a single font")
        right = self.width - style.rightIndent
        measure = self.width - style.leftIndent - style.rightIndent  # ReportLab's line width
        y = self.height - (para.fontSize if paraFontSizeHeightOffset else para.ascent)
        canvas.saveState()
        canvas.setFillColor(style.textColor)
        if self.rtl_bullet:
            canvas.setFont(style.bulletFontName, style.bulletFontSize)
            canvas.drawRightString(self.width - style.bulletIndent, y, visual(self.rtl_bullet))
        last = len(para.lines) - 1
        text = canvas.beginText()  # one text object for all lines, as ReportLab does
        text.setFont(para.fontName, para.fontSize)
        for number, (extra, words) in enumerate(para.lines):
            line = _display(" ".join(words))
            gaps = line.count(" ")
            # ``extra`` is what the line leaves free of the width it was wrapped to.
            if style.alignment == TA_JUSTIFY and number < last and gaps and extra > 0:
                text.setWordSpace(extra / gaps)
                text.setTextOrigin(right - measure, y)
            else:
                text.setWordSpace(0)  # the word spacing of a justified line carries over
                text.setTextOrigin(right - (measure - extra), y)
            if self.font_of is None:
                text.textOut(line)
            else:  # characters of other fonts: a run per font (see reports.mixed)
                for font, run in groupby(line, self.font_of):
                    text.setFont(font, para.fontSize)
                    text.textOut("".join(run))
                text.setFont(para.fontName, para.fontSize)
            y -= style.leading
        canvas.drawText(text)
        canvas.restoreState()


_CANNOT_START = set("，。、：；！？）」』】》〉”’％·・…—,.;:!?)]}%")
_CANNOT_END = set("（「『【《〈“‘([{")


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\uff00" <= char <= "\uffef"


def cjk_units(text: str) -> list[str]:
    """``text`` cut where a line may break: between ideographs and around spaces, never
    inside a run of Latin letters or digits, never before punctuation that cannot
    start a line or after punctuation that cannot end one."""
    units: list[str] = []
    glue_next = False
    for char in text:
        joins_previous = units and (
            glue_next or char in _CANNOT_START
            or (not _is_cjk(char) and not char.isspace() and not _is_cjk(units[-1][-1])
                and not units[-1][-1].isspace()))
        if joins_previous:
            units[-1] += char
        else:
            units.append(char)
        glue_next = char in _CANNOT_END
    return units


class CjkParagraph(Paragraph):
    """A paragraph of plain Chinese text, broken into lines by :func:`cjk_units` for the
    widths ReportLab asks for; ReportLab does the rest (drawing, splitting across
    pages: a continuation is re-wrapped from these lines, each of which stays whole)."""

    def __init__(self, text, style, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        self._plain = text
        if text is not None:
            frags = plain_frags(text, style)
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)

    def breakLines(self, width):
        if self._plain is None or len(self.frags) != 1:
            return super().breakLines(width)
        widths = list(width) if isinstance(width, (list, tuple)) else [width]
        frag = self.frags[0]
        measure = getFont(frag.fontName).stringWidth
        lines: list[tuple[float, list[str]]] = []
        line, used = "", 0.0
        for unit in cjk_units(self._plain):
            size = measure(unit, frag.fontSize)
            room = widths[min(len(lines), len(widths) - 1)]
            if line and used + size > room and not unit.isspace():
                lines.append((room - used, [line.rstrip()]))
                line, used = "", 0.0
            if line or not unit.isspace():
                line, used = line + unit, used + size
        lines.append((widths[min(len(lines), len(widths) - 1)] - used, [line]))
        ascent, descent = getAscentDescent(frag.fontName, frag.fontSize)
        return frag.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=frag.fontSize)
