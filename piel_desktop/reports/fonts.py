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

For characters none of these has (a Hindi word, an emoji, mathematical symbols), text
switches font per run of characters (:func:`font_runs`) to fallback fonts, registered
the first time a text needs them: Noto Sans for ten Indic scripts (Devanagari,
Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala) and
Noto Sans Math (licence ``OFL-NotoSansIndicMath.txt``), then Symbola (symbols and
monochrome emoji as TrueType outlines, free for any use: ``LICENSE-Symbola.txt``).
Indic text is printed without shaping (ReportLab has no HarfBuzz here): its letters
are all there, conjuncts and reordered vowel signs are not. A character no font has
is printed as :data:`REPLACEMENT`.

Source of the coverage facts: ``TECH-NOTES.md`` of the project, checked again by
``tests/test_brief_languages.py`` against the fonts' character maps.
"""

from __future__ import annotations

import functools
import re
from unicodedata import category

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
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


_reportlab_cmap = ttfonts.makeToUnicodeCMap
_ASTRAL_ENTRY = re.compile(r"<([0-9A-F]{2})> <([0-9A-F]{5,6})>")


def _to_unicode_cmap(fontname: str, subset) -> str:
    """ReportLab's ToUnicode map of a font subset, with characters beyond U+FFFF (emoji)
    written as UTF-16 surrogate pairs as the PDF reference requires: ReportLab 5.1
    writes "<1F600>", which PDF readers take for U+1F60 and another digit."""
    return _ASTRAL_ENTRY.sub(lambda m: f"<{m[1]}> <{chr(int(m[2], 16)).encode('utf-16-be').hex().upper()}>",
                             _reportlab_cmap(fontname, subset))


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


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
    first = family_for(lang)
    if bmp_only(text) and not _uncovered(first).search(text):  # the usual case, fast
        return first
    needed = {char for char in set(text) if not char.isspace() and category(char) != "Cf"}
    for family in (first, *(f for f in _FALLBACK_ORDER if f != first)):
        if needed <= characters(family):
            return family
    return None


@functools.cache
def _uncovered(family: str) -> re.Pattern:
    """A pattern that finds a character ``family`` has no glyph for, other than spaces
    and format characters (category Cf)."""
    return re.compile("[^" + bmp_class({ord(c) for c in characters(family) | format_characters()}
                                       | {c for c in range(0x3000) if chr(c).isspace()}) + "]")


def bmp_only(text: str) -> bool:
    """True if ``text`` has no character beyond U+FFFF (emoji, tags...)."""
    return not text or max(text) <= "\uffff"


def bmp_class(points: set[int]) -> str:
    """The inside of a regular expression class matching the code points ``points``
    up to U+FFFF, as ranges: Python's re searches a class with characters beyond
    U+FFFF, or with thousands of single characters, tens of times slower."""
    points = sorted(p for p in points if p <= 0xFFFF)
    ranges, start = [], points[0]
    for before, point in zip(points, points[1:] + [-1]):
        if point != before + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(before)) if before > start else ""))
            start = point
    return "".join(ranges)


#: Where Unicode has format characters (category Cf), scanned once instead of all
#: 1.1 million code points (tests/test_brief_fonts.py checks the list is complete).
_FORMAT_RANGES = ((0, 0x3000), (0xFE00, 0x10000), (0x11000, 0x11100), (0x13400, 0x13460),
                  (0x1BC00, 0x1BCB0), (0x1D100, 0x1D200), (0xE0000, 0xE0100))


@functools.cache
def format_characters() -> frozenset[str]:
    """Every format character (category Cf: soft hyphen, zero-width space and
    joiners, direction marks, byte order mark, tags...)."""
    return frozenset(chr(c) for a, b in _FORMAT_RANGES for c in range(a, b) if category(chr(c)) == "Cf")


@functools.cache
def characters(font_name: str) -> frozenset[str]:
    """Every character the registered font ``font_name`` has a glyph for."""
    return frozenset(map(chr, pdfmetrics.getFont(font_name).face.charToGlyph))


#: Fallback fonts (one face each), by registered name, in the order they are tried.
FALLBACKS: dict[str, str] = {
    **{f"NotoSans{script}": f"NotoSans{script}-Regular.ttf" for script in (
        "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Oriya", "Tamil", "Telugu",
        "Kannada", "Malayalam", "Sinhala", "Math")},
    "Symbola": "Symbola.ttf",
}
#: What stands for a character no bundled font has (U+FFFD REPLACEMENT CHARACTER).
REPLACEMENT = "\ufffd"


@functools.cache
def _fallbacks() -> tuple[str, ...]:
    """Register the fallback fonts once, on first need; return their names."""
    folder = resources_dir() / "fonts"
    for name, filename in FALLBACKS.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    return tuple(FALLBACKS)


def font_for(char: str, first: str) -> str | None:
    """The font to draw ``char`` in, in text set in face ``first``: ``first`` if it
    has the character, else a regular face of another brief family, else a fallback
    font; None if no bundled font has it."""
    if has_glyph(first, char):
        return first
    for name in (*_FALLBACK_ORDER, *_fallbacks()):
        if has_glyph(name, char):
            return name
    return None


def font_runs(text: str, first: str) -> tuple[list[tuple[str, str]], set[str]]:
    """``text`` cut into runs of ``(font name, characters)`` for text set in face
    ``first``; spaces and format characters stay in the run they are in. Characters
    no font has become :data:`REPLACEMENT` (in a font that has it) and are returned
    as the second item."""
    runs: list[tuple[str, str]] = []
    missing: set[str] = set()
    for char in text:
        font = first if char.isspace() or char in format_characters() else font_for(char, first)
        if font is None:
            missing.add(char)
            char, font = REPLACEMENT, font_for(REPLACEMENT, first)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs, missing


def has_glyph(font_name: str, char: str) -> bool:
    """True if the registered font ``font_name`` has a glyph for ``char``."""
    return ord(char) in pdfmetrics.getFont(font_name).face.charToGlyph
