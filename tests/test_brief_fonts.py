"""Any character prints: every character of the six languages' CLDR exemplar sets (from
ICU, as Babel has none), emoji, Devanagari and mathematical symbols is read back from
the brief; a character no bundled font has prints as U+FFFD with a line naming it."""

from __future__ import annotations

import datetime as dt
import unicodedata

import icu
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from piel_desktop.reports.brief import make_brief
from piel_desktop.reports.fonts import REPLACEMENT, format_characters
from piel_desktop.services import records

MADE_AT = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
LANGS = ("ar", "en", "es", "fr", "ru", "zh")
EXTRA = "😀🙂👍✅❤ 🌍⭐ बाल संरक्षण ∑∫√∞≠≤≥∈∀∂ ⊂⊃∩∪ ±×÷"
NO_FONT = "\U0010fffd"  # a private-use character of plane 16


def _exemplars(lang: str) -> set[str]:
    """Every character of ``lang``'s standard, auxiliary, index and punctuation
    exemplar sets (CLDR via ICU)."""
    data = icu.LocaleData(lang)
    kinds = icu.ULocaleDataExemplarSetType
    chars: set[str] = set()
    for kind in (kinds.ES_STANDARD, kinds.ES_AUXILIARY, kinds.ES_INDEX, 3):  # 3: punctuation
        for item in data.getExemplarSet(0, kind):
            chars.update(item)
    return {c for c in chars if not c.isspace() and unicodedata.category(c) != "Cf"}


def _blocks(chars: set[str]) -> set[str]:
    return {unicodedata.name(c, "?").split()[0] for c in chars}


def _text(path) -> str:
    """The PDF's text as PDFium reads it, then as pypdf does: each reader skips a
    character here and there that the other reads (PDFium an emoji set right to left,
    a lone Arabic tatweel), so a character counts as printed if either reads it."""
    document = pdfium.PdfDocument(str(path))
    try:
        text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()
    return text + "\n" + "".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _folded(text: str) -> str:
    # Arabic comes back as presentation forms: NFKC gives the letters back.
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("lang", LANGS)
def test_every_exemplar_character_emoji_devanagari_and_math_symbol_prints(demo, tmp_path, lang):
    exemplars = set().union(*(_exemplars(code) for code in LANGS))
    assert {"ARABIC", "LATIN", "CYRILLIC", "CJK"} <= _blocks(exemplars)
    meeting = records.add_meeting(demo, number=15, start_date=dt.date(2025, 10, 2))
    ordered = sorted(exemplars)
    for start in range(0, len(ordered), 400):  # outcomes of a realistic length
        records.add_outcome(demo, text=" ".join(ordered[start:start + 400]), lang=lang, meeting_ids=[meeting])
    records.add_outcome(demo, text=EXTRA, lang=lang, meeting_ids=[meeting])
    path = tmp_path / "all.pdf"
    make_brief(demo, lang=lang, meetings=[15], out=path, made_at=MADE_AT)
    text = _text(path)
    folded = _folded(text)
    missing = sorted(c for c in exemplars | set(EXTRA.replace(" ", ""))
                     if c not in text and _folded(c) not in folded)
    assert not missing, f"{len(missing)} characters not printed: {''.join(missing[:40])}"
    assert REPLACEMENT not in text  # every one of them had a font


@pytest.mark.parametrize("lang, line", [
    ("es", "No se pudo dibujar un carácter, que aparece como \ufffd: U+10FFFD."),
    ("ar", "U+10FFFD"),
    ("zh", "U+10FFFD"),
])
def test_a_character_no_font_has_is_marked_and_named(demo, tmp_path, lang, line):
    meeting = records.add_meeting(demo, number=15, start_date=dt.date(2025, 10, 2))
    records.add_outcome(demo, text=f"Un signo privado {NO_FONT} y un emoji 😀", lang="es", meeting_ids=[meeting])
    path = tmp_path / "mark.pdf"
    make_brief(demo, lang=lang, meetings=[15], out=path, made_at=MADE_AT)
    text = _text(path)
    assert f"Un signo privado {REPLACEMENT} y un emoji 😀" in text.replace("\r\n", " ")
    assert line in text.replace("\r\n", " ")
    assert NO_FONT not in text


def test_a_bilingual_brief_names_undrawable_characters_in_both_columns(demo, tmp_path):
    meeting = records.add_meeting(demo, number=15, start_date=dt.date(2025, 10, 2))
    records.add_outcome(demo, text=f"حماية الأطفال {NO_FONT} 😀", lang="ar", meeting_ids=[meeting])
    path = tmp_path / "two.pdf"
    make_brief(demo, lang="ar", parallel="en", meetings=[15], out=path, made_at=MADE_AT)
    text = _text(path).replace("\r\n", " ")
    assert text.count("U+10FFFD") == 4  # two columns, each read by both readers
    assert "😀" in text


def test_the_format_character_ranges_hold_every_format_character():
    everything = {chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"}
    assert format_characters() == everything
