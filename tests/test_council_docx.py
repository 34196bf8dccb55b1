"""The report to Council as a Word document: written with python-docx, opened by
LibreOffice (converted to PDF, read back with pypdf, page 1 rendered with PDFium) and
read back by python-docx; its XML checked for right-to-left, fonts and literal text.

Until report_layout exists the layouts are built here from the seed's text (tests only).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from piel_desktop.domain.errors import Cancelled, NotAFile, OutputNotWritable
from piel_desktop.domain.progress import Progress
from piel_desktop.paths import resources_dir
from piel_desktop.reports.council_docx import write_report_docx
from piel_desktop.reports.council_report import make_report
from piel_desktop.reports.council_layout import Block, ReportLayout, report_layout
from piel_desktop.services.council_report import report_content
from tests.conftest import render_page

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEED = resources_dir() / "demo" / "seed-report-es.txt"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seed_lines() -> list[str]:
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def demo_layout(archive, lang: str = "es") -> ReportLayout:
    """The demo archive's report to Council (the seed's) laid out in ``lang``."""
    return report_layout(report_content(archive), lang, made_on=dt.date(2026, 12, 7))


ARABIC = {
    "title": "تقرير فريق العمل التابع للمجلس المعني بحماية الأطفال على الخط",
    "summary": "يلخص هذا التقرير أنشطة فريق العمل، وفقاً للقرار 179 (المراجَع في بوسان، 2014).",
    "heading": "مقدمة",
    "paragraph": "يضطلع الفريق بأعماله وفقاً للقرار 1306 (المعدل في 2015).",
    "subitem": "الإطار: طلب الفريق من الأمانة نشر المشروع التالي على الخط.",
}
CHINESE = {
    "title": "理事会保护上网儿童工作组的报告",
    "summary": "本报告概述了理事会保护上网儿童工作组的活动。",
    "heading": "引言",
    "paragraph": "工作组根据第1306号决议开展工作。",
}
HOSTILE = ['{ DDE "c:\\\\windows\\\\system32\\\\cmd.exe" "/c calc" }',
           '<w:p><w:r><w:t>injected</w:t></w:r></w:p>',
           'bell\x07 and NUL\x00 and form feed\x0c gone; tab\tkept',
           '{ HYPERLINK "http://example.invalid" } & <b>bold</b>']


def small_layout(lang: str, texts: dict[str, str], *, extra: tuple[Block, ...] = ()) -> ReportLayout:
    blocks = (Block("box_heading", texts["heading"], lang, keep_with_next=True),
              Block("box_text", texts["summary"], lang),
              Block("rule", "", lang),
              Block("heading", texts["heading"], lang, number="1", keep_with_next=True),
              Block("paragraph", texts["paragraph"], lang, number="1.1"),
              Block("item", texts["paragraph"], lang, number="–"),
              Block("subitem", texts.get("subitem", texts["paragraph"]), lang, number="(أ)"
                    if lang == "ar" else "a)", level=1),
              Block("note", "Texto en español", "es", mark="[es]")) + extra
    return ReportLayout(lang=lang, header=("Council 2018", "C18/xx"), title=texts["title"],
                        blocks=blocks, footer="PIeL · 3f9a", page_label="{page} / {pages}")


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode("utf-8")


def to_pdf(path: Path, tmp_path: Path) -> Path:
    """Convert with LibreOffice in a private profile (parallel runs do not share one)."""
    out = tmp_path / "converted"
    out.mkdir()
    profile = (tmp_path / "lo-profile").as_uri()
    # The machine may lack Chinese fonts: fontconfig also looks in the project's fonts.
    fonts_conf = tmp_path / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f'<dir>{resources_dir() / "fonts"}</dir><cachedir>{tmp_path / "fc-cache"}</cachedir>'
        '</fontconfig>', encoding="utf-8")
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180,
        env={**os.environ, "FONTCONFIG_FILE": str(fonts_conf)})
    pdf = out / (path.stem + ".pdf")
    assert pdf.exists(), f"soffice failed ({result.returncode}): {result.stdout}{result.stderr}"
    return pdf


def pdf_body(pdf: Path, layout: ReportLayout, pages: int) -> str:
    """The PDF's text without the footer lines and the running header of pages 2
    onwards (which must be there), whitespace folded."""
    label = re.escape(layout.page_label).replace(r"\{page\}", r"\d+").replace(r"\{pages\}", r"\d+")
    running = normalise(" · ".join(layout.header[:2]))
    texts = []
    for number, page in enumerate(PdfReader(pdf).pages, 1):
        # A line broken after a hyphen ("GTC-" / "PIeL") is one word again.
        text = normalise(re.sub(r"-[ \t]*\n", "-", page.extract_text() or ""))
        if number > 1:
            assert text.startswith(running), f"page {number} lacks the running header"
            text = text[len(running):]
        text = normalise(re.sub(label, " ", text.replace(normalise(layout.footer), " ")))
        texts.append(text)
    assert len(texts) == pages
    return " ".join(texts)


@needs_soffice
def test_seed_round_trip_through_libreoffice(demo, tmp_path):
    # The way a user makes it: make_report (the command line's and the window's call).
    made_at = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    layout = report_layout(report_content(demo), "es", made_on=made_at.astimezone().date())
    out = tmp_path / "informe.docx"
    written = make_report(demo, lang="es", fmt="docx", out=out, made_at=made_at).paragraphs
    assert written == len(layout.header) + bool(layout.title) + len(layout.blocks)  # no empty Title
    pdf = to_pdf(out, tmp_path)
    pages = len(PdfReader(pdf).pages)
    assert pages >= 3
    expected = [normalise(line) for line in (*layout.header, layout.title)]
    expected += [normalise(line) for line in seed_lines()]
    got = pdf_body(pdf, layout, pages)
    # Paragraph by paragraph, in order: each expected paragraph starts where the last ended.
    position, missing = 0, []
    for paragraph in expected:
        found = got.find(paragraph, position)
        if found != position and found != position + 1:
            missing.append(paragraph)
            continue
        position = found + len(paragraph)
    if missing or position < len(got) - 1:
        diff = difflib.unified_diff(expected, split_like(got, expected), "seed", "docx→pdf",
                                    lineterm="")
        pytest.fail("DOCX (via LibreOffice) differs from the seed:\n" + "\n".join(diff))
    png = render_page(pdf, 0, tmp_path / "page1.png", scale=0.5)
    assert dark_share(png) > 0.005, "page 1 renders blank"
    # LibreOffice filled the footer's fields: "Página 1 de N" on page 1.
    assert f"Página 1 de {pages}" in normalise(PdfReader(pdf).pages[0].extract_text())


def split_like(got: str, expected: list[str]) -> list[str]:
    """``got`` cut into pieces as long as the expected paragraphs (for a readable diff)."""
    pieces, position = [], 0
    for paragraph in expected:
        pieces.append(got[position:position + len(paragraph)])
        position += len(paragraph) + 1
    if position < len(got):
        pieces.append(got[position:])
    return pieces


def test_styles_read_back_by_python_docx(demo, tmp_path):
    layout = demo_layout(demo)
    out = write_and_open(layout, tmp_path)
    document = docx.Document(str(out))
    body = [p for p in document.paragraphs]
    cell = document.tables[0].cell(0, 0).paragraphs
    top = len(layout.header) + bool(layout.title)
    styles = [p.style.name for p in (*body[:top], *cell, *body[top:])]
    roles = {"box_heading": "PIeL Box Heading", "box_text": "PIeL Box Text", "rule": "PIeL Rule",
             "heading": "Heading 1", "paragraph": "PIeL Numbered",
             "quote_heading": "PIeL Quote Heading", "references": "PIeL References"}
    wanted = ["PIeL Header"] * len(layout.header) + ["Title"] * bool(layout.title)
    for block in layout.blocks:
        wanted.append(roles.get(block.role) or
                      f"PIeL {block.role.capitalize()} {block.level + 1}")
    assert styles == wanted
    texts = [normalise(p.text) for p in (*body[:top], *cell, *body[top:])]
    assert texts == [normalise(t) for t in (*layout.header, *[layout.title][:bool(layout.title)])] + \
        [normalise(line) for line in seed_lines()]
    # Styles live in the styles part: paragraphs carry no direct indents or fonts.
    xml = document_xml(out)
    assert "<w:ind " not in xml and "<w:sz " not in xml
    numbered = document.styles["PIeL Numbered"].paragraph_format
    assert numbered.first_line_indent < 0 < numbered.left_indent
    quote2 = document.styles["PIeL Quote 2"].paragraph_format
    assert quote2.left_indent > document.styles["PIeL Quote 1"].paragraph_format.left_indent
    assert document.core_properties.title == layout.title
    assert document.core_properties.language == "es-ES"
    # Every run carries its language; nothing external or executable in the package.
    assert xml.count("<w:r>") == xml.count('<w:lang w:val="es-ES"/>')
    with zipfile.ZipFile(out) as package:
        names = package.namelist()
        rels = "".join(package.read(n).decode() for n in names if n.endswith(".rels"))
    assert not [n for n in names if n.endswith((".bin", "vbaProject.bin"))]
    assert 'TargetMode="External"' not in rels
    # The footer on page 1 and on the others; the running header from page 2 (titlePg).
    footers = [zipfile.ZipFile(out).read(n).decode() for n in names if "footer" in n]
    assert len(footers) == 2
    for footer in footers:
        assert re.findall(r"<w:instrText[^>]*>([^<]*)<", footer) == [" PAGE \\* MERGEFORMAT ",
                                                                     " NUMPAGES \\* MERGEFORMAT "]
        assert layout.footer in footer
    headers = [zipfile.ZipFile(out).read(n).decode() for n in names if "/header" in n]
    assert [h for h in headers if " · ".join(layout.header[:2]) in h]
    assert "<w:titlePg/>" in xml


def write_and_open(layout: ReportLayout, tmp_path: Path, name: str = "r.docx") -> Path:
    out = tmp_path / name
    write_report_docx(layout, out=out)
    return out


def test_arabic_is_right_to_left_with_complex_script_font(tmp_path):
    layout = small_layout("ar", ARABIC)
    out = write_and_open(layout, tmp_path)
    xml = document_xml(out)
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    assert len(paragraphs) == len(layout.header) + 1 + len(layout.blocks)
    # Every paragraph is right to left but the Spanish note's, left to right as in the PDF.
    spanish = [p for p in paragraphs if "Texto en español" in p]
    assert len(spanish) == 1 and '<w:bidi w:val="0"/>' in spanish[0]
    assert all("<w:bidi/>" in p for p in paragraphs if p not in spanish)
    runs = re.findall(r"<w:r>.*?</w:r>", xml, flags=re.S)
    arabic = [r for r in runs if 'w:val="ar-SA"' in r]
    assert len(arabic) > len(layout.blocks) and all("<w:rtl/>" in r for r in arabic)
    # The Spanish note's runs are left to right.
    assert [r for r in runs if "<w:rtl/>" not in r] == [r for r in runs if 'w:val="es-ES"' in r]
    assert re.search(r"<w:sectPr[^>]*>.*<w:bidi/>.*</w:sectPr>", xml, flags=re.S)
    assert "<w:bidiVisual/>" in xml
    for text in ARABIC.values():
        assert all(ch in xml for ch in text)
    assert 'w:bidi="ar-SA"' in xml
    # The Spanish note keeps its language.
    assert '<w:lang w:val="es-ES"/>' in xml
    with zipfile.ZipFile(out) as package:
        styles = package.read("word/styles.xml").decode()
    assert re.search(r'<w:rFonts [^>]*w:cs="[^"]+"', styles)
    assert "<w:szCs " in styles


def body_texts(path: Path) -> str:
    """The text of every w:t of document.xml, unescaped, joined."""
    from lxml import etree
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


@pytest.mark.parametrize("lang", ["ar", "zh", "ru"])
def test_demo_report_in_other_languages_keeps_every_character(demo, tmp_path, lang):
    layout = demo_layout(demo, lang)
    out = write_and_open(layout, tmp_path, f"{lang}.docx")
    text = body_texts(out)
    for value in (*layout.header, layout.title, *(b.text for b in layout.blocks)):
        assert set(value) - {"\t", "\n"} <= set(text), value
    xml = document_xml(out)
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    assert len(paragraphs) == len(layout.header) + bool(layout.title) + len(layout.blocks)
    # A paragraph runs in its text's direction: in Arabic, those printed in Spanish
    # (marked, no Arabic version) are left to right, as in the PDF; the rest right to left.
    first_lang = [re.search(r'<w:lang w:val="([^"]+)"', p).group(1) for p in paragraphs]
    rtl = [p for p in paragraphs if "<w:bidi/>" in p]
    assert rtl == ([p for p, tag in zip(paragraphs, first_lang) if tag == "ar-SA"] if lang == "ar" else [])
    ltr_in_rtl = [p for p in paragraphs if '<w:bidi w:val="0"/>' in p]
    assert ltr_in_rtl == ([p for p in paragraphs if p not in rtl] if lang == "ar" else [])
    if lang == "ar":
        assert rtl and ltr_in_rtl  # the demo has Arabic headings and Spanish texts
    runs = re.findall(r"<w:r>.*?</w:r>", xml, flags=re.S)
    tags = {r: re.search(r'<w:lang w:val="([^"]+)"', r).group(1) for r in runs}
    assert all(("<w:rtl/>" in r) == (tags[r] == "ar-SA") for r in runs)
    # Texts without a version in the language are printed in Spanish, marked, in es runs.
    marked = [b for b in layout.blocks if b.mark]
    assert all(b.lang == "es" for b in marked) and "es-ES" in tags.values()
    if lang == "zh":
        assert 'w:eastAsia="zh-CN"' in xml


@needs_soffice
def test_arabic_and_chinese_open_in_libreoffice(demo, tmp_path):
    arabic = demo_layout(demo, "ar")
    for lang, layout in (("ar", arabic), ("zh", small_layout("zh", CHINESE))):
        out = write_and_open(layout, tmp_path, f"{lang}.docx")
        folder = tmp_path / lang
        folder.mkdir()
        pdf = to_pdf(out, folder)
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))
        own = [b.text for b in layout.blocks if b.lang == lang] + [layout.title, *layout.header]
        assert own
        if lang == "zh":
            # Chinese comes back in order: every paragraph whole.
            assert all(re.sub(r"\s+", "", value) in text for value in own)
        else:
            # pypdf returns Arabic in logical order but moves a few letters where a line
            # mixes Latin, digits and diacritics: count the letters instead, with repeats.
            letters = Counter(ch for ch in "".join(own) if unicodedata.category(ch).startswith("L"))
            assert not letters - Counter(text), letters - Counter(text)
        png = render_page(pdf, 0, folder / "page1.png", scale=0.5)
        assert dark_share(png) > 0.005, f"{lang} page 1 renders blank"


def dark_share(png: Path) -> float:
    from PIL import Image
    image = Image.open(png).convert("L")
    return sum(1 for value in image.get_flattened_data() if value < 128) / (image.width * image.height)


def test_chinese_east_asian_font_and_language(tmp_path):
    out = write_and_open(small_layout("zh", CHINESE), tmp_path)
    xml = document_xml(out)
    assert 'w:eastAsia="zh-CN"' in xml and "<w:bidi/>" not in xml and "<w:rtl/>" not in xml
    for text in CHINESE.values():
        assert text in xml
    with zipfile.ZipFile(out) as package:
        styles = package.read("word/styles.xml").decode()
    assert re.search(r'<w:rFonts [^>]*w:eastAsia="[^"]+"', styles)


def test_markup_and_field_codes_stay_text(tmp_path):
    extra = tuple(Block("paragraph", text, "es", number=f"9.{i}") for i, text in enumerate(HOSTILE))
    layout = small_layout("es", {"title": HOSTILE[1], "summary": HOSTILE[0], "heading": "Título",
                                 "paragraph": HOSTILE[3]}, extra=extra)
    out = write_and_open(layout, tmp_path)
    xml = document_xml(out)
    assert "w:fldSimple" not in xml and "w:instrText" not in xml and "w:fldChar" not in xml
    assert "&lt;w:p&gt;&lt;w:r&gt;&lt;w:t&gt;injected" in xml
    assert xml.count("<w:t>injected</w:t>") == 0
    assert '{ DDE "c:\\\\windows' in xml.replace("&quot;", '"')
    assert "\x07" not in xml and "\x00" not in xml and "\x0c" not in xml
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert "9.2\tbell and NUL and form feed gone; tab\tkept" in texts
    assert "9.0\t" + HOSTILE[0] in texts and document.core_properties.title == HOSTILE[1]
    if SOFFICE is not None:
        pdf = to_pdf(out, tmp_path)
        text = normalise(" ".join(p.extract_text() for p in PdfReader(pdf).pages))
        assert "{ DDE" in text and "<w:p><w:r><w:t>injected" in text


def test_cancel_leaves_no_file_and_archive_is_protected(demo, tmp_path):
    layout = demo_layout(demo)
    folder = tmp_path / "out"
    folder.mkdir()
    seen: list[tuple[int, int]] = []
    progress = Progress(lambda done, total, _: (seen.append((done, total)),
                                                 progress.cancel() if done >= 5 else None))
    out = folder / "cancelled.docx"
    with pytest.raises(Cancelled):
        write_report_docx(layout, out=out, progress=progress)
    assert not out.exists() and not list(folder.iterdir())
    assert seen[0] == (0, len(layout.blocks))
    archive = demo.path
    before = archive.read_bytes()
    link = folder / "link.docx"
    os.symlink(archive, link)
    for target in (archive, link):
        with pytest.raises(OutputNotWritable):
            write_report_docx(layout, out=target, protect=archive)
    assert archive.read_bytes() == before
    with pytest.raises(NotAFile):
        write_report_docx(layout, out=folder, protect=archive)
    # A complete run reports every block and leaves only the document.
    steps: list[int] = []
    write_report_docx(layout, out=folder / "ok.docx",
                      progress=Progress(lambda done, total, _: steps.append(done)))
    assert steps[-1] == len(layout.blocks)
    assert sorted(p.name for p in folder.iterdir()) == ["link.docx", "ok.docx"]


@needs_soffice
def test_a_30000_character_summary_prints_whole(tmp_path):
    words = "protección de la infancia en línea " * 900
    summary = normalise(words)[:30_000].strip()
    layout = small_layout("es", {"title": "Informe", "summary": summary, "heading": "Resumen",
                                 "paragraph": "Texto."})
    out = write_and_open(layout, tmp_path)
    assert docx.Document(str(out)).tables[0].cell(0, 0).paragraphs[1].text == summary
    pdf = to_pdf(out, tmp_path)
    text = normalise(re.sub(r"-[ \t]*\n", "-", " ".join(p.extract_text() for p in PdfReader(pdf).pages)))
    assert len(PdfReader(pdf).pages) >= 5 and text.count("protección") >= summary.count("protección")


@pytest.mark.parametrize("lang", ["ar", "es", "zh"])
def test_properties_in_schema_order(demo, tmp_path, lang):
    """Word refuses a file whose property elements are out of the schema's order
    (LibreOffice does not mind): check every rPr, pPr and tblPr of every part."""
    from lxml import etree

    from piel_desktop.reports.council_docx import _ORDERS
    out = write_and_open(demo_layout(demo, lang), tmp_path)
    checked = 0
    with zipfile.ZipFile(out) as package:
        for name in package.namelist():
            if not name.startswith("word/") or not name.endswith(".xml"):
                continue
            root = etree.fromstring(package.read(name))
            for tag, order in _ORDERS.items():
                for element in root.iter(f"{W}{tag}"):
                    names = [child.tag.removeprefix(W) for child in element]
                    assert all(n in order for n in names), (name, tag, names)
                    positions = [order.index(n) for n in names]
                    assert positions == sorted(positions), (name, tag, names)
                    checked += 1
            if name == "word/styles.xml":
                for style in ("Normal", "Title", "Heading1"):
                    fonts = root.find(f".//{W}style[@{W}styleId='{style}']/{W}rPr/{W}rFonts")
                    assert not [a for a in fonts.attrib if "heme" in a], (style, fonts.attrib)
    assert checked > 1000


def test_an_empty_title_in_the_language_falls_back_to_the_original_marked(demo, tmp_path):
    """A blank Arabic title is no title: the Word document and the PDF print the
    original (Spanish) title marked "[es]" with the note, never an empty Title."""
    import dataclasses

    from piel_desktop.domain import model as d
    from piel_desktop.reports.council_pdf import write_report_pdf
    title = d.LocalizedText(versions=(
        d.TextVersion(lang="es", text="Informe del GTC-PIeL al Consejo", status=d.TranslationStatus.ORIGINAL),
        d.TextVersion(lang="ar", text="  ", status=d.TranslationStatus.OFFICIAL)))
    content = dataclasses.replace(report_content(demo), title=title)
    layout = report_layout(content, "ar", made_on=dt.date(2026, 12, 7))
    assert (layout.title, layout.title_lang, layout.title_mark) == ("Informe del GTC-PIeL al Consejo", "es", "[es]")
    out = write_and_open(layout, tmp_path)
    document = docx.Document(str(out))
    [titled] = [p for p in document.paragraphs if p.style.name == "Title"]
    assert normalise(titled.text) == "Informe del GTC-PIeL al Consejo [es]"
    assert layout.blocks[-1].role == "note"
    pdf = tmp_path / "r.pdf"
    write_report_pdf(layout, out=pdf)
    assert "Informe del GTC-PIeL al Consejo" in normalise(PdfReader(pdf).pages[0].extract_text())
    # No title in any language: no Title paragraph at all.
    bare = report_layout(dataclasses.replace(content, title=d.EMPTY_TEXT), "ar", made_on=dt.date(2026, 12, 7))
    document = docx.Document(str(write_and_open(bare, tmp_path, "bare.docx")))
    assert [p for p in document.paragraphs if p.style.name == "Title"] == []
