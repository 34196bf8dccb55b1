"""Briefs in the six UN languages: text read back, glyphs, Arabic lines, Chinese margins.

PDFs are read back with PDFium (character boxes and text) and pypdf (embedded fonts),
and rendered to PNG, from briefs made of records written in each language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pypdfium2 as pdfium
import pytest
from bidi.algorithm import get_display
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from conftest import render_page
from piel_desktop.i18n import format_date
from piel_desktop.reports.brief import make_brief
from piel_desktop.reports.fonts import face, has_glyph, register_fonts
from piel_desktop.reports.typeset import _display, _reshaper, reshape
from piel_desktop.services import records

MADE_AT = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
MEETING_DAY = dt.date(2018, 9, 20)

#: Per language: outcome texts as a secretariat would write them, and what the brief's
#: own sentences must say (ordinal of meeting 15, page label).
SAMPLES = {
    "ar": (["تشجيع الدول الأعضاء على وضع استراتيجيات وطنية لحماية الأطفال على الإنترنت، "
            "بالتعاون مع الحكومات والقطاع الخاص والمجتمع المدني، وفقاً للقرار 179 (المراجَع في دبي، 2018)",
            "مواصلة العمل بشأن الوثيقة C18/35 [الملحق 2] مع الاتحاد الدولي للاتصالات (ITU)"],
           "الخامس عشر", "الصفحة 1 من 1"),
    "zh": (["鼓励成员国与政府、私营部门和民间社会合作，制定保护儿童上网的国家战略，"
            "并根据第179号决议（2018年，迪拜，修订版）开展工作",
            "继续开展ITU-D第2/1号课题和文件C18/35-E的工作"],
           "第十五次会议", "第1页，共1页"),
    "ru": (["Поощрять Государства-Члены к разработке национальных стратегий защиты ребёнка в "
            "онлайновой среде совместно с заинтересованными сторонами (правительства, частный сектор)",
            "Продолжить работу над документом C18/35-E [Приложение 2]"],
           "№ 15", "Страница 1 из 1"),
    "fr": (["Encourager les États Membres à élaborer des stratégies nationales de protection en "
            "ligne des enfants, en coopération avec les parties prenantes (gouvernements, secteur privé)",
            "Poursuivre les travaux sur le document C18/35-E [Annexe 2] « à titre prioritaire »"],
           "15e réunion", "Page 1 sur 1"),
    "es": (["Alentar a los Estados Miembros a elaborar estrategias nacionales de protección de la "
            "infancia en línea, en cooperación con las partes interesadas (gobiernos, sector privado)",
            "Proseguir los trabajos sobre el documento C18/35-E [Anexo 2]"],
           "15ª reunión", "Página 1 de 1"),
    "en": (["Encourage Member States to develop national strategies for child online protection, "
            "in cooperation with stakeholders (governments, the private sector, civil society)",
            "Continue the work on document C18/35-E [Annex 2]"],
           "15th meeting", "Page 1 of 1"),
}


def _fold(text: str) -> str:
    """NFKC (Arabic comes back as presentation forms) with whitespace removed: PDF
    readers join wrapped lines with spaces or newlines as they see fit."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _pdfium_text(path) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def _brief_with(demo, tmp_path, lang: str, texts: list[str], *, parallel: str | None = None,
                name: str = "brief.pdf"):
    meeting = records.add_meeting(demo, number=15, start_date=MEETING_DAY)
    for text in texts:
        records.add_outcome(demo, text=text, lang=lang, meeting_ids=[meeting])
    path = tmp_path / name
    result = make_brief(demo, lang=lang, meetings=[15], out=path, made_at=MADE_AT, parallel=parallel)
    return path, result


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_brief_in_each_language_reads_back_as_its_records(demo, tmp_path, lang):
    texts, ordinal, page_label = SAMPLES[lang]
    path, result = _brief_with(demo, tmp_path, lang, texts)
    assert result.pages == 1
    extracted = _pdfium_text(path)
    folded = _fold(extracted)
    # Right-to-left text mixed with Latin runs comes back from PDFium in its own
    # order (a reader's heuristic); the first Arabic sample has digits and brackets only.
    checked = texts[:1] if lang == "ar" else texts
    for text in checked:
        assert _fold(text) in folded, f"{lang}: record text not read back"
    assert _fold(ordinal) in folded
    assert _fold(page_label) in folded
    assert _fold(format_date(MEETING_DAY, lang)) in folded
    assert "[" + lang + "]" not in extracted  # nothing fell back to another language
    render_page(path, 0, tmp_path / f"{lang}.png", scale=0.5)


def _embedded_font_names(path) -> set[str]:
    """Base names of the fonts embedded in a PDF, subset prefix removed."""
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/FontDescriptor" in font:
                assert "/FontFile2" in font["/FontDescriptor"]  # TrueType outlines, embedded
                prefix, _, name = str(font["/BaseFont"]).lstrip("/").partition("+")
                assert len(prefix) == 6  # a subset
                names.add(name)
    return names


def _brief_faces() -> dict[str, str]:
    """Registered name -> PostScript name (as a PDF names it) of every brief face."""
    faces = {}
    for family in register_fonts():
        for bold, italic in ((False, False), (True, False), (False, True), (True, True)):
            name = face(family, bold=bold, italic=italic)
            ps_name = pdfmetrics.getFont(name).face.name
            ps_name = ps_name.decode() if isinstance(ps_name, bytes) else ps_name
            # ReportLab names a face taken from a collection (.ttc) with its index.
            faces[name] = f"{ps_name}-0" if family == "WenQuanYi" else ps_name
    return faces


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_every_character_has_a_glyph_in_its_embedded_font(demo, tmp_path, lang):
    texts, _ordinal, _page = SAMPLES[lang]
    path, _ = _brief_with(demo, tmp_path, lang, texts)
    embedded = _embedded_font_names(path)
    for text in texts:
        # Each record is set in one font: one embedded font has every character of it
        # in its character map (checked in the font file, not trusted to the PDF).
        covering = [name for name, ps_name in _brief_faces().items() if ps_name in embedded
                    and all(has_glyph(name, c) for c in text if not c.isspace())]
        assert covering, f"{lang}: no embedded font has every character of {text[:30]!r}"


def _lines_of(path, page_index=0):
    """Text lines of a page as PDFium sees them: (top y, text) from top to bottom."""
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[page_index]
        textpage = page.get_textpage()
        lines: dict[int, list[tuple[float, str]]] = {}
        for i in range(textpage.count_chars()):
            char = textpage.get_text_range(i, 1)
            left, _bottom, right, top = textpage.get_charbox(i, loose=True)
            lines.setdefault(round(top), []).append((left, right, char))
        return [(top, lines[top]) for top in sorted(lines, reverse=True)]
    finally:
        document.close()


def test_long_arabic_paragraph_reads_top_to_bottom(demo, tmp_path):
    words = ("حماية الأطفال على الإنترنت مسؤولية مشتركة بين الحكومات والقطاع الخاص والمجتمع "
             "المدني والأسر والمدارس").split()
    numbered = " ".join(f"{word} {n}" for n, word in enumerate(words * 4, 1))
    path, _ = _brief_with(demo, tmp_path, "ar", [numbered])
    text = unicodedata.normalize("NFKC", _pdfium_text(path))
    paragraph_lines = [line for line in text.splitlines() if any(w in line for w in words)
                       and "نتائج" not in line]
    assert len(paragraph_lines) >= 4
    numbers = [int(n) for line in paragraph_lines for n in re.findall(r"\d+", line)]
    # The paragraph's numbers come back in order: lines top to bottom, right to left.
    assert numbers == list(range(1, len(words) * 4 + 1))
    # Right aligned: every line of the paragraph ends at the same right edge.
    rights = []
    for _top, chars in _lines_of(path):
        line = "".join(c for _x, _r, c in chars)
        if "الأطفال" in line or "والمدارس" in line:
            # The bullet ("–") stands apart at the right: measure the words only.
            rights.append(max(r for _x, r, c in chars if c.isalnum()))
    assert len(rights) >= 4 and max(rights) - min(rights) < 2  # the last line too


@pytest.mark.parametrize("lang, text", [
    ("ar", "الفقرة 3 & الفقرة 4 <مسودة> انظر الوثيقة (\u2066CWG-COP/14/5\u2069) للاطلاع\u200f"),
    ("zh", "第3段 & 第4段 <草案> 见文件\u2066CWG-COP/14/5\u2069\u200b。"),
])
def test_markup_characters_and_direction_controls_print_as_text(demo, tmp_path, lang, text):
    path, result = _brief_with(demo, tmp_path, lang, [text])
    assert result.pages == 1
    printed = unicodedata.normalize("NFKC", PdfReader(path).pages[0].extract_text())
    for piece in ("&", "<", ">", "CWG-COP/14/5"):
        assert piece in printed
    assert "[" + lang + "]" not in printed and "\u2066" not in printed


def test_chinese_paragraph_of_400_characters_stays_inside_the_margins(demo, tmp_path):
    sentence = "儿童在线保护理事会工作组建议秘书处继续开展ITU-D第2/1号课题的工作，并于2018年9月20日提交文件C18/35-E。"
    text = (sentence * 8)[:400]
    path, _ = _brief_with(demo, tmp_path, "zh", [text])
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[0]
        width = page.get_width()
        textpage = page.get_textpage()
        boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())
                 if not textpage.get_text_range(i, 1).isspace()]
    finally:
        document.close()
    margin = 20 * 72 / 25.4
    assert min(b[0] for b in boxes) >= margin - 1
    assert max(b[2] for b in boxes) <= width - margin + 1
    folded = _fold(_pdfium_text(path))
    assert _fold(text + "。") in folded or _fold(text) in folded
    lines = [line.strip().lstrip("–").strip() for line in _pdfium_text(path).splitlines()]
    body = [line for line in lines if line and line.rstrip("。；;.") in text]
    assert len(body) >= 8
    for line in body:
        assert not re.match(r"[，。、：；）]", line), f"line starts with punctuation: {line[:10]}"
        # Latin words and numbers are never cut at a line end or start.
        assert not re.search(r"(I|IT|ITU|ITU-|C1|C18/3|C18/35-|201)$", line), line[-8:]
        assert not re.match(r"(TU-D|U-D|-D|8/35-E|35-E|-E|018|18)", line), line[:8]


@pytest.mark.parametrize("lang, sentence, script", [
    ("ar", "تعزيز حماية الأطفال على الإنترنت في جميع المناطق، ", "[\u0600-\u06ff]"),
    ("zh", "儿童在线保护理事会工作组建议继续开展ITU-D第2/1号课题的工作，并提交文件C18/35-E。", "[\u4e00-\u9fff]"),
])
def test_record_of_30000_characters_flows_over_pages(demo, tmp_path, lang, sentence, script):
    text = (sentence * 1000)[:30000]
    path, result = _brief_with(demo, tmp_path, lang, [text])
    assert result.pages >= 5
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in PdfReader(path).pages]
    printed = sum(len(re.findall(script, page)) for page in pages)
    assert printed >= len(re.findall(script, text))  # every character of the record is there
    assert printed - len(re.findall(script, text)) < 100 * len(pages)  # plus headers and footers


def test_bilingual_brief_sets_two_languages_side_by_side(demo, tmp_path):
    meeting = records.add_meeting(demo, number=15, start_date=MEETING_DAY)
    outcome = records.add_outcome(demo, text=SAMPLES["ar"][0][0], lang="ar", meeting_ids=[meeting])
    records.set_outcome_text(demo, outcome, "en", SAMPLES["en"][0][0])
    path = tmp_path / "ar-en.pdf"
    make_brief(demo, lang="ar", parallel="en", meetings=[15], out=path, made_at=MADE_AT)
    document = pdfium.PdfDocument(str(path))
    try:
        page = document[0]
        middle = page.get_width() / 2
        textpage = page.get_textpage()
        sides = {"ar": [], "en": []}
        for i in range(textpage.count_chars()):
            char = textpage.get_text_range(i, 1)
            left, bottom, right, top = textpage.get_charbox(i)
            if top > page.get_height() - 72 or bottom < 72:  # header, footer
                continue
            if "\u0600" <= unicodedata.normalize("NFKC", char)[:1] <= "\u06ff":
                sides["ar"].append(right)
            elif char.isascii() and char.isalpha():
                sides["en"].append(left)
    finally:
        document.close()
    assert sides["ar"] and max(sides["ar"]) < middle  # Arabic column on the left
    english_body = [x for x in sides["en"] if x > middle]
    assert len(english_body) > 100  # English column on the right
    folded = _fold(_pdfium_text(path))
    assert _fold(SAMPLES["en"][0][0]) in folded
    assert _fold("The main outcomes of the 15th meeting") in folded


_WORDS = ("تشجيع الدول الأعضاء على وضع لحماية الأطفال الله لله عبد إلا لا الأمانة، مُحَمَّد "
          "وفقاً 179 2018 C18/35-E ITU-D . : ؟ - 3.5 % ( ) [ ] « » (179) (دبي، (ITU) [2] {أ} <").split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14),
       st.sampled_from([" ", "  ", "\n"]))
def test_reshaping_word_by_word_equals_reshaping_the_text(words, gap):
    text = gap.join(words)
    assert reshape(text) == _reshaper.reshape(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=14))
def test_fast_reordering_equals_the_reference_algorithm(words):
    line = reshape(" ".join(words))
    assert _display(line) == get_display(line, base_dir="R")


_CHARACTERS = ("تشجيعالدولأعضاءمُحَمَّدלשוןabcC0123456789٣۴ ()[]{}«»<>.,:;،؛؟!?%$#+-/'\"\u00a0\u0670"
               "\ufefb\ufe8e")


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=_CHARACTERS, min_size=1, max_size=40))
def test_fast_reordering_of_any_mix_equals_the_reference_algorithm(line):
    assert _display(line) == get_display(line, base_dir="R")
