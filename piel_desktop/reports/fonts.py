"""Fonts shipped in ``resources/fonts`` and registered with ReportLab.

ReportLab embeds TrueType (glyf) fonts only, as subsets, so a brief prints the same on
any machine. ReportLab has no automatic fallback between fonts, so every paragraph is set
in one family chosen for its language and checked to cover each of its characters:

- Noto Sans: Latin (every accent of the UN languages' Latin texts) and Cyrillic.
  Licence ``OFL-NotoSans.txt``.
- Amiri: Arabic, plus Latin, digits, brackets and U+202F, so Latin inside Arabic prints.
  Licence ``OFL-Amiri.txt``.
- WenQuanYi Micro Hei: Chinese, plus Latin and Cyrillic. One weight only: bold is
  printed in the regular face. Licence ``LICENSE-WenQuanYiMicroHei.txt`` (Apache-2.0).

Source of the coverage facts: ``TECH-NOTES.md`` of the project, checked again by
``tests/test_brief_languages.py`` against the fonts' character maps.
"""

from __future__ import annotations

import functools
from unicodedata import category

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from piel_desktop.paths import resources_dir

LATIN, ARABIC, CJK = "NotoSans", "Amiri", "WenQuanYi"
#: Family -> files of its faces: regular, bold, italic, bold italic (None: use regular).
_FAMILIES: dict[str, tuple[str | None, ...]] = {
    LATIN: ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf",
            "NotoSans-BoldItalic.ttf"),
    ARABIC: ("Amiri-Regular.ttf", "Amiri-Bold.ttf", "Amiri-Slanted.ttf", "Amiri-BoldSlanted.ttf"),
    CJK: ("WenQuanYiMicroHei.ttc", None, None, None),
}
_SUFFIXES = ("", "-Bold", "-Italic", "-BoldItalic")
#: The family a language's text is set in first; others are tried in this order.
_BY_LANGUAGE = {"ar": ARABIC, "zh": CJK}
_FALLBACK_ORDER = (LATIN, ARABIC, CJK)


@functools.cache
def register_fonts() -> tuple[str, ...]:
    """Register every brief family once per process; return their names.

    Faces are registered as ``Family``, ``Family-Bold``, ``Family-Italic`` and
    ``Family-BoldItalic`` where the family has them (see :func:`face`). Raises
    reportlab's TTFError if a bundled font file is missing or unreadable (a broken
    installation, reported as an unexpected error).
    """
    folder = resources_dir() / "fonts"
    for family, files in _FAMILIES.items():
        for index, (filename, suffix) in enumerate(zip(files, _SUFFIXES)):
            name = face(family, bold=bool(index & 1), italic=bool(index & 2))
            if filename:
                pdfmetrics.registerFont(TTFont(family + suffix, str(folder / filename)))
            addMapping(family, index & 1, (index & 2) >> 1, name)
    return tuple(_FAMILIES)


def face(family: str, *, bold: bool = False, italic: bool = False) -> str:
    """The registered font name of a face of ``family``; its regular face if it has
    no such face (Chinese has one weight)."""
    index = int(bold) + 2 * int(italic)
    return family + _SUFFIXES[index] if _FAMILIES[family][index] else family


def family_for(lang: str) -> str:
    """The family text in ``lang`` (a UN language code) is set in first."""
    return _BY_LANGUAGE.get(lang, LATIN)


def covering_family(text: str, lang: str) -> str | None:
    """The first family that has a glyph for every non-space character of ``text``.

    ``lang``'s own family is tried first, then Noto Sans, Amiri, WenQuanYi. Invisible
    format characters (category Cf) do not count: they are left out where a font lacks
    them. None if no single family covers the text (it cannot print without boxes).
    """
    register_fonts()
    # The distinct characters first (a C-speed set of the text), then the few of them
    # that are neither spaces nor format characters: a paragraph has tens of distinct
    # characters for its thousands.
    needed = {char for char in set(text) if not char.isspace() and category(char) != "Cf"}
    first = family_for(lang)
    for family in (first, *(f for f in _FALLBACK_ORDER if f != first)):
        if needed <= characters(family):
            return family
    return None


@functools.cache
def characters(font_name: str) -> frozenset[str]:
    """Every character the registered font ``font_name`` has a glyph for."""
    return frozenset(map(chr, pdfmetrics.getFont(font_name).face.charToGlyph))


def has_glyph(font_name: str, char: str) -> bool:
    """True if the registered font ``font_name`` has a glyph for ``char``."""
    return ord(char) in pdfmetrics.getFont(font_name).face.charToGlyph
