"""Paragraphs whose characters no single bundled family has: a Hindi word in an English
text, an emoji, mathematical symbols. The text keeps its language's family and
switches font for each run of characters that family lacks (fonts.font_runs); a
character no bundled font has prints as fonts.REPLACEMENT and is listed in the
paragraph's ``undrawable`` set, for the brief to name under its last line.

Left-to-right text becomes ReportLab markup with a ``<font>`` per run (Chinese wrapped
as CJK). Right-to-left text stays an RtlParagraph, wrapped here with each character
measured in its own font and drawn a run per font.
"""

from __future__ import annotations

import functools
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus import Paragraph

from piel_desktop.reports.fonts import ARABIC, CJK, REPLACEMENT, family_for, font_runs
from piel_desktop.reports.typeset import Role, RtlParagraph, drop_invisible, is_rtl_text, reshape, style


def mixed_paragraph(text: str, lang: str, role: Role, *, bullet: str | None = None,
                    suffix: str = "") -> Paragraph:
    """``text`` (plain, written in ``lang``) set in ``lang``'s family with fallback
    fonts for the characters it lacks; see :func:`typeset.paragraph`."""
    family = family_for(lang)
    text = drop_invisible(text, family)
    if family == ARABIC and is_rtl_text(text):
        return MixedRtlParagraph(f"{text} {suffix}".rstrip(), style(role, family, True), bulletText=bullet)
    chosen = _wrapping(style(role, family, False), family == CJK)
    runs, missing = font_runs(text, chosen.fontName)
    markup = "".join(escape(chunk) if font == chosen.fontName else f'<font face="{font}">{escape(chunk)}</font>'
                     for font, chunk in runs)
    if suffix:
        markup += f' <font size="{role.size * 0.75:g}" color="#5f6b7a">{escape(suffix)}</font>'
    made = Paragraph(markup, chosen, bulletText=bullet)
    made.undrawable = missing
    return made


@functools.cache
def _wrapping(chosen: ParagraphStyle, cjk: bool) -> ParagraphStyle:
    """``chosen``, wrapping between any two ideographs when ``cjk``."""
    return ParagraphStyle(f"{chosen.name}-cjk", parent=chosen, wordWrap="CJK") if cjk else chosen


class MixedRtlParagraph(RtlParagraph):
    """A right-to-left paragraph with characters in several fonts: wrapped at spaces
    with every character measured in its own font, drawn a run per font."""

    def __init__(self, text, style, bulletText=None, frags=None, caseSensitive=1, encoding="utf8"):
        runs, missing = font_runs(reshape(text), style.fontName) if text is not None else ([], set())
        fonts = {char: font for font, chunk in runs for char in chunk}
        if text is not None:
            text = "".join(REPLACEMENT if char in missing else char for char in text)
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)
        self.undrawable = missing
        self.font_of = lambda char, first=style.fontName: fonts.get(char, first)

    def breakLines(self, width):
        widths = list(width) if isinstance(width, (list, tuple)) else [width]
        frag = self.frags[0]
        words = frag.text.split(" ") if hasattr(frag, "text") else list(frag.words)
        size, space = frag.fontSize, stringWidth(" ", frag.fontName, frag.fontSize)

        def measure(word: str) -> float:
            return sum(stringWidth(char, self.font_of(char), size) for char in word)

        lines: list[tuple[float, list[str]]] = []
        line: list[str] = []
        used = 0.0
        for word in (w for w in words if w):
            room = widths[min(len(lines), len(widths) - 1)]
            wide = measure(word)
            if line and used + space + wide > room:
                lines.append((room - used, line))
                line, used = [], 0.0
            used += (space if line else 0) + wide
            line.append(word)
        lines.append((widths[min(len(lines), len(widths) - 1)] - used, line))
        ascent, descent = getAscentDescent(frag.fontName, size)
        return frag.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=size)
