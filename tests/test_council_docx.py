"""The report to Council as a Word document: written with python-docx, opened by
LibreOffice (converted to PDF, read back with pypdf, page 1 rendered with PDFium) and
read back by python-docx; its XML checked for right-to-left, fonts and literal text.

Until report_layout exists the layouts are built here from the seed's text (tests only).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from piel_desktop.domain.errors import Cancelled, NotAFile, OutputNotWritable
from piel_desktop.domain.progress import Progress
from piel_desktop.paths import resources_dir
from piel_desktop.reports.council_docx import write_report_docx
from piel_desktop.reports.council_layout import Block, ReportLayout
from tests.conftest import render_page

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEED = resources_dir() / "demo" / "seed-report-es.txt"
HEADER_ES = ("Consejo 2018", "Documento C18/xx-S", "2 de mayo de 2018", "Original: español")
TITLE_ES = "Informe del Grupo de Trabajo del Consejo sobre la Protección de la Infancia en Línea"
FOOTER_ES = "Preparado el 7 de diciembre de 2026 · Huella del archivo 3f9a c2d1"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def seed_lines() -> list[str]:
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def seed_layout() -> ReportLayout:
    """The seed report as blocks, by the shape of its lines (numbers, tabs)."""
    blocks: list[Block] = []
    in_quote = False
    for line in seed_lines():
        stripped = line.strip()
        parts = [p for p in line.split("\t")]
        indented = line.startswith("\t")
        cells = [p.strip() for p in parts if p.strip()]
        number, text = (cells[0], cells[1]) if len(cells) == 2 else ("", cells[0])
        if stripped in ("Resumen", "Acción solicitada"):
            blocks.append(Block("box_heading", stripped, "es", keep_with_next=True))
        elif blocks and blocks[-1].role == "box_heading":
            blocks.append(Block("box_text", stripped, "es"))
        elif set(stripped) == {"_"}:
            blocks.append(Block("rule", "", "es"))
        elif stripped == "Referencias":
            blocks.append(Block("references", stripped, "es"))
        elif stripped == "resuelve":
            blocks.append(Block("quote_heading", stripped, "es", keep_with_next=True))
            in_quote = True
        elif re.fullmatch(r"\d+", number) and not in_quote:
            blocks.append(Block("heading", text, "es", number=number, keep_with_next=True))
        elif re.fullmatch(r"\d+\.\d+", number) and not indented:
            in_quote = False
            blocks.append(Block("paragraph", text, "es", number=number))
        elif in_quote:
            blocks.append(Block("quote", text, "es", number=number, level=1 if indented else 0))
        elif number == "–" or (number.endswith(")") and not indented and
                               not (blocks and blocks[-1].text.endswith("siguiente:")
                                    and blocks[-1].number == "–")):
            blocks.append(Block("item", text, "es", number=number))
        else:
            blocks.append(Block("subitem", text, "es", number=number, level=1))
    return ReportLayout(lang="es", header=HEADER_ES, title=TITLE_ES, blocks=tuple(blocks),
                        footer=FOOTER_ES, page_label="Página {page} de {pages}")


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
    """The PDF's text without the footer lines, whitespace folded."""
    label = re.escape(layout.page_label).replace(r"\{page\}", r"\d+").replace(r"\{pages\}", r"\d+")
    texts = []
    for page in PdfReader(pdf).pages:
        # A line broken after a hyphen ("GTC-" / "PIeL") is one word again.
        text = normalise(re.sub(r"-[ \t]*\n", "-", page.extract_text() or ""))
        text = normalise(re.sub(label, " ", text.replace(normalise(layout.footer), " ")))
        texts.append(text)
    assert len(texts) == pages
    return " ".join(texts)


def test_seed_round_trip_through_libreoffice(tmp_path):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) not installed")
    layout = seed_layout()
    out = tmp_path / "informe.docx"
    written = write_report_docx(layout, out=out)
    assert written == len(layout.header) + 1 + len(layout.blocks)
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
    from PIL import Image
    image = Image.open(png).convert("L")
    dark = sum(1 for value in image.get_flattened_data() if value < 128)
    assert dark > 0.005 * image.width * image.height, "page 1 renders blank"
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


def test_styles_read_back_by_python_docx(tmp_path):
    layout = seed_layout()
    out = write_and_open(layout, tmp_path)
    document = docx.Document(str(out))
    body = [p for p in document.paragraphs]
    cell = document.tables[0].cell(0, 0).paragraphs
    styles = [p.style.name for p in (*body[:5], *cell, *body[5:])]
    roles = {"box_heading": "PIeL Box Heading", "box_text": "PIeL Box Text", "rule": "PIeL Rule",
             "heading": "Heading 1", "paragraph": "PIeL Numbered",
             "quote_heading": "PIeL Quote Heading", "references": "PIeL References"}
    wanted = ["PIeL Header"] * 4 + ["Title"]
    for block in layout.blocks:
        wanted.append(roles.get(block.role) or
                      f"PIeL {block.role.capitalize()} {block.level + 1}")
    assert styles == wanted
    texts = [normalise(p.text) for p in (*body[:5], *cell, *body[5:])]
    assert texts == [normalise(t) for t in (*layout.header, layout.title)] + \
        [normalise(line) for line in seed_lines()]
    # Styles live in the styles part: paragraphs carry no direct indents or fonts.
    xml = document_xml(out)
    assert "<w:ind " not in xml and "<w:sz " not in xml
    numbered = document.styles["PIeL Numbered"].paragraph_format
    assert numbered.first_line_indent < 0 < numbered.left_indent
    quote2 = document.styles["PIeL Quote 2"].paragraph_format
    assert quote2.left_indent > document.styles["PIeL Quote 1"].paragraph_format.left_indent
    assert document.core_properties.title == TITLE_ES
    assert document.core_properties.language == "es-ES"
    # Every run carries its language; nothing external or executable in the package.
    assert xml.count("<w:r>") == xml.count('<w:lang w:val="es-ES"/>')
    with zipfile.ZipFile(out) as package:
        names = package.namelist()
        rels = "".join(package.read(n).decode() for n in names if n.endswith(".rels"))
    assert not [n for n in names if n.endswith((".bin", "vbaProject.bin"))]
    assert 'TargetMode="External"' not in rels
    footer = "".join(zipfile.ZipFile(out).read(n).decode() for n in names if "footer" in n)
    assert re.findall(r"<w:instrText[^>]*>([^<]*)<", footer) == [" PAGE \\* MERGEFORMAT ",
                                                                 " NUMPAGES \\* MERGEFORMAT "]
    assert FOOTER_ES in footer


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
    assert all("<w:bidi/>" in p for p in paragraphs)
    runs = re.findall(r"<w:r>.*?</w:r>", xml, flags=re.S)
    assert runs and all("<w:rtl/>" in r for r in runs)
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


@needs_soffice
def test_arabic_and_chinese_open_in_libreoffice(tmp_path):
    for lang, texts in (("ar", ARABIC), ("zh", CHINESE)):
        out = write_and_open(small_layout(lang, texts), tmp_path, f"{lang}.docx")
        folder = tmp_path / lang
        folder.mkdir()
        pdf = to_pdf(out, folder)
        text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(pdf).pages))
        # Chinese reads back in order; Arabic letters may come back in presentation forms
        # or visual order, so check the digits and the Latin note there.
        if lang == "zh":
            for value in texts.values():
                assert re.sub(r"\s+", "", value) in text
        else:
            assert "1306" in text and "Textoenespañol" in text


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


def test_cancel_leaves_no_file_and_archive_is_protected(tmp_path):
    layout = seed_layout()
    seen: list[tuple[int, int]] = []
    progress = Progress(lambda done, total, _: (seen.append((done, total)),
                                                 progress.cancel() if done >= 5 else None))
    out = tmp_path / "cancelled.docx"
    with pytest.raises(Cancelled):
        write_report_docx(layout, out=out, progress=progress)
    assert not out.exists() and not list(tmp_path.iterdir())
    assert seen[0] == (0, len(layout.blocks))
    archive = tmp_path / "demo.piel"
    archive.write_bytes(b"SQLite format 3\x00 pretend")
    link = tmp_path / "link.docx"
    os.symlink(archive, link)
    with pytest.raises(OutputNotWritable):
        write_report_docx(layout, out=link, protect=archive)
    assert archive.read_bytes() == b"SQLite format 3\x00 pretend"
    with pytest.raises(NotAFile):
        write_report_docx(layout, out=tmp_path, protect=archive)
    # A complete run reports every block and leaves only the document.
    steps: list[int] = []
    write_report_docx(layout, out=tmp_path / "ok.docx",
                      progress=Progress(lambda done, total, _: steps.append(done)))
    assert steps[-1] == len(layout.blocks)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.piel", "link.docx", "ok.docx"]
