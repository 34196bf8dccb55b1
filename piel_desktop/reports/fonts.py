"""Fonts shipped in ``resources/fonts`` and registered with ReportLab.

ReportLab embeds TrueType (glyf) fonts only, as subsets, so a brief prints the same on
any machine. Noto Sans covers Latin (all accents of the six languages' Latin texts) and
Cyrillic; its licence is ``resources/fonts/OFL-NotoSans.txt``.
"""

from __future__ import annotations

import functools

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from piel_desktop.paths import resources_dir

FAMILY = "NotoSans"
_FACES = {  # ReportLab name -> (file, bold, italic)
    "NotoSans": ("NotoSans-Regular.ttf", 0, 0),
    "NotoSans-Bold": ("NotoSans-Bold.ttf", 1, 0),
    "NotoSans-Italic": ("NotoSans-Italic.ttf", 0, 1),
    "NotoSans-BoldItalic": ("NotoSans-BoldItalic.ttf", 1, 1),
}


@functools.cache
def register_fonts() -> str:
    """Register the brief fonts once per process; return the family name for styles.

    Raises reportlab's TTFError if a bundled font file is missing or unreadable (a
    broken installation, reported as an unexpected error).
    """
    folder = resources_dir() / "fonts"
    for name, (filename, bold, italic) in _FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        addMapping(FAMILY, bold, italic, name)
    return FAMILY


def has_glyph(font_name: str, char: str) -> bool:
    """True if the registered font ``font_name`` has a glyph for ``char``."""
    return ord(char) in pdfmetrics.getFont(font_name).face.charToGlyph
