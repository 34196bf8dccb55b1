"""The report to Council as a PDF (issue 16): the Spanish report regenerated from the
demo archive reproduces the seed paragraph by paragraph; six languages read back;
Arabic runs right to left; bad input prints or is refused in one sentence, and the
archive is never overwritten."""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.util
import re
import unicodedata
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from council_helpers import normalise, seed_paragraphs
from piel_desktop.cli import main
from piel_desktop.domain.errors import OutputNotWritable, ParallelNeedsPdf, RecordNotFound, UnsupportedFormat
from piel_desktop.reports.council_layout import report_layout
from piel_desktop.reports.council_report import make_report
from piel_desktop.services import records, registries, report_records
from piel_desktop.services.archive import check_archive
from piel_desktop.services.council_report import report_content
from piel_desktop.services.demo import record_id
from piel_desktop.storage import models as m

from conftest import render_page

MADE_AT = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
_LABEL = re.compile(r"^(\d+(\.\d+)*|[a-z]\)|\d+\)|\(\S{1,2}\)|–|•)$")


def pdf_paragraphs(path: Path) -> list[str]:
    """The PDF's paragraphs in reading order, whitespace folded, page headers and
    footers left out. A paragraph starts at a line that carries a number or bullet
    of its own (drawn apart from the line's text), or where the space to the line
    above is wider than the leading of the type (on the same page)."""
    lines: list[tuple[int, float, float, list[str]]] = []  # page, y, size, texts
    for index, page in enumerate(PdfReader(path).pages):
        height = float(page.mediabox.height)

        def visit(text, cm, tm, _font, size, index=index, height=height):
            if not text.strip():
                return
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if y < 45 or (index > 0 and y > height - 42):  # footer, running header
                return
            if lines and lines[-1][0] == index and abs(lines[-1][1] - y) < 1:
                lines[-1][3].append(text)
            else:
                lines.append((index, y, size, [text]))
        page.extract_text(visitor_text=visit)
    paragraphs: list[str] = []
    previous = None
    for page, y, size, texts in lines:
        bulleted = len(texts) > 1 and bool(_LABEL.match(texts[0].strip()))
        new = (previous is None or bulleted
               or (previous[0] == page and previous[1] - y > size * 1.45))
        if new:
            paragraphs.append(" ".join(texts))
        else:
            paragraphs[-1] += " " + " ".join(texts)
        previous = (page, y)
    return [normalise(p) for p in paragraphs]


def _fold(text: str) -> str:
    """NFKC (Arabic comes back as presentation forms), whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _report(demo, tmp_path, lang="es", name="report.pdf", **kwargs):
    out = tmp_path / name
    result = make_report(demo, lang=lang, fmt="pdf", out=out, made_at=MADE_AT, **kwargs)
    return out, result


def test_the_spanish_report_reproduces_the_seed_paragraph_by_paragraph(demo, tmp_path):
    out, result = _report(demo, tmp_path)
    got = pdf_paragraphs(out)
    # The seed is the document's body: the header block and the title come before it.
    start = next(i for i, p in enumerate(got) if p == "Resumen")
    assert "Consejo 2018" in " ".join(got[:start]) and "Original: español" in " ".join(got[:start])
    expected = seed_paragraphs()
    body = got[start:]
    diff = "\n".join(difflib.unified_diff(expected, body, "seed-report-es.txt", "report.pdf", lineterm=""))
    assert body == expected, diff
    assert result.pages == len(PdfReader(out).pages) >= 2
    assert result.fingerprint == check_archive(demo).fingerprint


def _translate_summary(demo, lang: str, text: str) -> None:
    key = report_content(demo).key
    with demo.unit_of_work() as uow:
        summary_id = uow.session.get(m.Report, uuid.UUID(key)).summary_id
    records.set_text(demo, summary_id, lang, text)


def _bench_sentences() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location(
        "bench_brief", Path(__file__).parent.parent / "benchmarks" / "bench_brief.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SENTENCES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_character_of_the_report_is_in_the_pdf_of_each_language(demo, tmp_path, lang):
    if lang != "es":
        _translate_summary(demo, lang, _bench_sentences()[lang].strip())
    out, result = _report(demo, tmp_path, lang=lang)
    layout = report_layout(report_content(demo), lang, made_on=MADE_AT.date())
    texts = [layout.title, *layout.header, *(b.text for b in layout.blocks), *(b.number for b in layout.blocks)]
    wanted = set(_fold("".join(texts)))
    found = set(_fold(_pdf_text(out)))
    assert wanted - found == set(), f"{lang}: characters missing from the PDF"
    # The translated summary reads back whole (Arabic comes back in visual order from
    # pypdf: its characters are checked above, its direction in the test below).
    if lang not in ("es", "ar"):
        assert _fold(_bench_sentences()[lang]) in _fold(_pdf_text(out))
    png = render_page(out, 0, tmp_path / f"page-{lang}.png")
    from PIL import Image
    with Image.open(png) as image:
        extrema = image.convert("L").getextrema()
    assert extrema[0] < 100 and extrema[1] > 200, "page 1 rendered blank"


def _runs(path: Path, page_index: int = 0) -> list[tuple[float, str]]:
    """(x, text) of each run of text drawn in the page's body (not its header or footer)."""
    found = []
    page = PdfReader(path).pages[page_index]
    height = float(page.mediabox.height)

    def visit(text, cm, tm, _font, _size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and 45 < y < height - 42:
            found.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], text.strip()))
    page.extract_text(visitor_text=visit)
    return found


def test_arabic_paragraphs_run_right_to_left_with_numbers_at_the_right(demo, tmp_path):
    _translate_summary(demo, "ar", _bench_sentences()["ar"].strip())
    out, _result = _report(demo, tmp_path, lang="ar")
    pages = PdfReader(out).pages
    width = float(pages[0].mediabox.width)
    runs = [run for index in range(len(pages)) for run in _runs(out, index)]
    # Arabic paragraphs: the section headings and the lead sentences of section 2.
    numbers = [x for x, text in runs if text in ("2.1", "2.2", "2.3", "2.4")]
    assert len(numbers) == 4 and all(x > width / 2 for x in numbers), numbers
    headings = [x for x, text in runs if text in ("1", "2") and x > width * 0.85]  # in the margin
    assert len(headings) == 2  # "1 مقدمة" and "2 التوصيات"; the Spanish clauses 1, 2 sit left
    # A Spanish text printed for want of a translation keeps its own direction.
    spanish = [x for x, text in runs if text.startswith("En la Resolución 1306")]
    assert spanish and all(x < width / 2 for x in spanish)
    assert "[es]" in _pdf_text(out)
    # The rule under the box starts at the right edge, as the Arabic text does.
    [rule] = [x for x, text in _runs(out, 0) if set(text) == {"_"}]
    assert rule > width / 2, rule


def test_a_bilingual_report_sets_two_languages_side_by_side(demo, tmp_path):
    out, result = _report(demo, tmp_path, parallel="en")
    width = float(PdfReader(out).pages[0].mediabox.width)
    runs = _runs(out)
    assert [x for x, t in runs if t == "Resumen"][0] < width / 2 < [x for x, t in runs if t == "Summary"][0]
    assert [x for x, t in runs if t == "Introducción"][0] < width / 2 < [x for x, t in runs if t == "Introduction"][0]
    assert result.pages > 2
    # Arabic first: its column is the start one, at the right; English at the left.
    out, _result = _report(demo, tmp_path, lang="ar", parallel="en", name="ar-en.pdf")
    runs = _runs(out)
    assert [x for x, t in runs if t == "Summary"][0] < width / 2
    assert [x for x, t in runs if t == "1.1"][-1] > width / 2  # the Arabic column's 1.1


def test_a_report_whose_meetings_have_no_outcomes_prints_section_1_only(demo, tmp_path):
    records.add_meeting(demo, number=15, start_date=dt.date(2018, 9, 20))
    key = report_records.add_report(demo, {
        "symbol": "C20/57-E", "original_language": "en", "recipient": "council", "meetings": [15],
        "summary": "Work of the group in 2019.", "action_requested": "Council is invited to note the report.",
        "paragraphs": [{"text": "The group met once."}]})
    out, result = _report(demo, tmp_path, lang="en", report="C20/57-E")
    text = _pdf_text(out)
    assert "Council is invited to note the report." in text and "Document C20/57-E" in text
    assert "Recommendations" not in text and "The group met once." in text
    assert result.pages == 1 and report_content(demo, report=key).brief.groups == ()


def test_a_deleted_quoted_clause_is_left_out_and_named(demo, tmp_path):
    registries.delete(demo, "clause", record_id("instrument/council-1306/clause/3"))
    out, _result = _report(demo, tmp_path)
    text = normalise(_pdf_text(out))
    assert "alentar al GTC-PIeL a celebrar una consulta en línea" not in text
    assert "seguir poniendo a disposición del público" in text
    assert "cláusula citada 3" in text


def test_a_summary_of_30000_characters_flows_over_pages_inside_its_box(demo, tmp_path):
    sentence = "El Grupo examinó las contribuciones recibidas y acordó seguir trabajando. "
    long = (sentence * (30_000 // len(sentence) + 1))[:30_000].strip()
    report_records.edit_report(demo, report_content(demo).key, {"summary": long})
    out, result = _report(demo, tmp_path)
    assert result.pages > 8
    paragraphs = pdf_paragraphs(out)
    assert paragraphs[paragraphs.index("Resumen") + 1] == normalise(long)
    assert "Acción solicitada" in paragraphs


@pytest.mark.parametrize("lang", ["es", "ar", "zh"])
def test_markup_and_word_field_codes_print_literally(demo, tmp_path, lang):
    hostile = '{ DDE Excel "C:\\\\datos.xls" } <w:p><w:r><w:t>x</w:t></w:r></w:p> <b>&amp; <font size="40">'
    report_records.edit_report(demo, report_content(demo).key, {"action_requested": hostile})
    out, _result = _report(demo, tmp_path, lang=lang)
    assert _fold(hostile) in _fold(_pdf_text(out))


def test_the_archive_is_never_overwritten(demo, tmp_path):
    before = demo.path.read_bytes()
    with pytest.raises(OutputNotWritable):
        make_report(demo, lang="es", fmt="pdf", out=demo.path)
    link = tmp_path / "link.pdf"
    link.symlink_to(demo.path)
    with pytest.raises(OutputNotWritable):
        make_report(demo, lang="es", fmt="pdf", out=link)
    with pytest.raises(UnsupportedFormat):
        make_report(demo, lang="es", fmt="odt", out=tmp_path / "x.odt")
    with pytest.raises(ParallelNeedsPdf):
        make_report(demo, lang="es", fmt="docx", parallel="en", out=tmp_path / "x.docx")
    with pytest.raises(RecordNotFound):
        make_report(demo, lang="es", fmt="pdf", report="C99/1", out=tmp_path / "x.pdf")
    assert demo.path.read_bytes() == before
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


def test_the_report_command_writes_the_pdf_and_refuses_in_one_sentence(demo_path, tmp_path, capsys):
    out = tmp_path / "informe.pdf"
    assert main(["--archive", str(demo_path), "report", "--lang", "es", "--format", "pdf",
                 "--out", str(out)]) == 0
    assert "Recomendaciones" in _pdf_text(out)
    assert str(out) in capsys.readouterr().out
    assert main(["--archive", str(demo_path), "report", "--lang", "es", "--format", "odt",
                 "--out", str(tmp_path / "x.odt")]) == 1
    error = capsys.readouterr().err.strip()
    assert "odt" in error and "\n" not in error and "Traceback" not in error
    assert main(["--archive", str(demo_path), "report", "--lang", "es", "--out", str(demo_path)]) == 1
    assert "archive" in capsys.readouterr().err


def test_the_format_comes_from_the_file_name_and_must_agree_with_it(demo_path, tmp_path, capsys):
    """No --format: a .docx file gets a Word document, anything else a PDF; a format
    that contradicts the name is refused in one sentence and writes nothing."""
    word, pdf = tmp_path / "informe.docx", tmp_path / "informe"
    for out in (word, pdf):
        assert main(["--archive", str(demo_path), "report", "--lang", "es", "--out", str(out)]) == 0
    assert word.read_bytes()[:2] == b"PK" and pdf.read_bytes()[:5] == b"%PDF-"
    for fmt, name in (("pdf", "x.docx"), ("docx", "x.pdf")):
        assert main(["--archive", str(demo_path), "report", "--lang", "es", "--format", fmt,
                     "--out", str(tmp_path / name)]) == 1
        error = capsys.readouterr().err.strip()
        assert f".{fmt}" in error and "\n" not in error and not (tmp_path / name).exists()


def test_a_cancelled_report_leaves_no_file(demo, tmp_path):
    from piel_desktop.domain.errors import Cancelled
    from piel_desktop.domain.progress import Progress

    seen = []

    def callback(done, total, _message):
        seen.append(done)
        if done >= 20:
            progress.cancel()
    progress = Progress(callback)
    with pytest.raises(Cancelled):
        make_report(demo, lang="es", fmt="pdf", out=tmp_path / "report.pdf", progress=progress)
    assert max(seen) >= 20
    assert not (tmp_path / "report.pdf").exists()
    assert not any(p.suffix == ".tmp" for p in tmp_path.iterdir())


def test_the_report_is_picked_by_its_session_year(demo_path, tmp_path, capsys):
    """The demo report has no symbol (the seed gives none): its Council session's year
    names it; a year without a report is refused in one sentence."""
    out = tmp_path / "2018.pdf"
    assert main(["--archive", str(demo_path), "report", "--report", "2018", "--lang", "es",
                 "--out", str(out)]) == 0
    assert "Recomendaciones" in _pdf_text(out)
    assert main(["--archive", str(demo_path), "report", "--report", "1999", "--lang", "es",
                 "--out", str(tmp_path / "1999.pdf")]) == 1
    error = capsys.readouterr().err.strip()
    assert "1999" in error and "\n" not in error and not (tmp_path / "1999.pdf").exists()
