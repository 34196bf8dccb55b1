"""Benchmark of the report to Council: pages (PDF) and paragraphs (Word) per second,
next to bare ReportLab and bare python-docx writing the same paragraphs.

A benchmark to run by hand, not a test. It builds a demo archive with 40 more meetings
(100 to 139) of 50 outcomes each (2,000 outcomes counting sub-items: every tenth
top-level outcome has two lettered sub-items), and a report covering those 40
meetings, then measures in one process, each side in turns (``--repeat`` rounds, the best
time of each counts):

- report: ``make_report`` as PDF (archive read, layout, fonts per paragraph, box,
  hanging numbers, page decoration), pages per second;
- layout: ``write_report_pdf`` of a layout already made (no archive read);
- bare: ReportLab's ``SimpleDocTemplate`` with plain ``Paragraph`` objects of the same
  texts in the same font and size, no numbers, box, header or footer, pages per second.

When ``piel_desktop.reports.council_docx`` is importable it measures the Word half the
same way: ``make_report(fmt="docx")`` and ``write_report_docx`` against bare
python-docx adding the same texts as plain paragraphs, paragraphs per second. Prints
the ratios report / bare and layout / bare; the target is at least 0.6.

    python benchmarks/bench_report.py [--meetings 40] [--outcomes 2000] [--repeat 3] [--lang es]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

SENTENCE = ("Alentar a los Estados Miembros a elaborar estrategias nacionales de protección de "
            "la infancia en línea, en cooperación con las partes interesadas (gobiernos, sector "
            "privado, sociedad civil)")


def _build(root: Path, meetings: int, outcomes: int) -> Path:
    from piel_desktop.services import records, report_records
    from piel_desktop.services.archive import create_archive, open_archive

    path = root / "bench.piel"
    create_archive(path, demo=True).close()
    per_meeting = max(1, outcomes // meetings)
    with open_archive(path) as archive:
        numbers = []
        for index in range(meetings):
            number = 100 + index
            meeting = records.add_meeting(archive, number=number,
                                          start_date=dt.date(2019, 1, 1) + dt.timedelta(days=7 * index))
            numbers.append(number)
            n = made = 0
            while made < per_meeting:  # outcomes counted with their sub-items
                text = f"{SENTENCE} {n + 1}" + (f", {SENTENCE.lower()}" if n % 3 == 0 else "")
                top = records.add_outcome(archive, text=text, lang="es", meeting_ids=[meeting])
                made, n = made + 1, n + 1
                if n % 10 == 1 and made + 2 <= per_meeting:
                    for label in "ab":
                        records.add_outcome(archive, text=f"{SENTENCE} ({label}).", lang="es",
                                            parent_id=top, label=label)
                    made += 2
        report_records.add_report(archive, {
            "symbol": "C27/99-S", "session_year": 2027, "date": dt.date(2027, 5, 1),
            "recipient": "council", "original_language": "es",
            "title": "Informe de prueba", "summary": SENTENCE + ".",
            "action_requested": "Se invita al Consejo a tomar nota del presente Informe.",
            "meetings": tuple(numbers),
            "paragraphs": ({"text": SENTENCE + ".", "quote_heading": None,
                            "lists_achievements": False, "quotes": ()},)})
    return path


def _bare_pdf(texts: list[str], lang: str, out: Path) -> int:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from piel_desktop.reports.fonts import family_for, register_fonts
    register_fonts()
    style = ParagraphStyle("p", fontName=family_for(lang), fontSize=11, leading=15,
                           leftIndent=22 * mm, spaceAfter=4)
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=22 * mm)
    doc.build([Paragraph(escape(text), style) for text in texts])
    return doc.page


def _bare_docx(texts: list[str], out: Path) -> int:
    import docx
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    document.save(str(out))
    return len(texts)


def _best(repeat: int, *calls) -> list[tuple[float, object]]:
    """(best seconds, last result) of each call, run in turns ``repeat`` times: the
    machine's speed drifts from minute to minute, and each side gets the same minutes."""
    best, results = [float("inf")] * len(calls), [None] * len(calls)
    for _ in range(repeat):
        for i, call in enumerate(calls):
            start = time.perf_counter()
            results[i] = call()
            best[i] = min(best[i], time.perf_counter() - start)
    return list(zip(best, results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=40)
    parser.add_argument("--outcomes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", default="es")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="piel-bench-report-") as folder:
        root = Path(folder)
        os.environ["XDG_DATA_HOME"] = str(root / "data")
        os.environ["XDG_CONFIG_HOME"] = str(root / "config")
        from piel_desktop.reports.council_layout import report_layout
        from piel_desktop.reports.council_pdf import write_report_pdf
        from piel_desktop.reports.council_report import make_report
        from piel_desktop.services.archive import open_archive
        from piel_desktop.services.council_report import report_content

        start = time.perf_counter()
        path = _build(root, args.meetings, args.outcomes)
        print(f"archive built in {time.perf_counter() - start:.1f} s")
        lang = args.lang
        with open_archive(path) as archive:
            content = report_content(archive, report="C27/99-S")
            outcomes = sum(1 for g in content.brief.groups for o in g.outcomes for _ in o.walk())
            layout = report_layout(content, lang, made_on=dt.date.today())
            texts = [b.text for b in layout.blocks if b.text]
            print(f"{len(content.brief.groups)} meetings, {outcomes} outcomes, {len(layout.blocks)} blocks")
            make_report(archive, report="C27/99-S", lang=lang, fmt="pdf", out=root / "warm.pdf")
            (t_report, result), (t_layout, _pages), (t_bare, bare_pages) = _best(
                args.repeat,
                lambda: make_report(archive, report="C27/99-S", lang=lang, fmt="pdf", out=root / "report.pdf"),
                lambda: write_report_pdf(layout, out=root / "layout.pdf"),
                lambda: _bare_pdf(texts, lang, root / "bare.pdf"))
            pages = result.pages
            rate, layout_rate, bare_rate = pages / t_report, pages / t_layout, bare_pages / t_bare
            print(f"PDF : {pages} pages (bare {bare_pages}); report {rate:.1f} p/s, layout {layout_rate:.1f} p/s, "
                  f"bare ReportLab {bare_rate:.1f} p/s; report/bare {rate / bare_rate:.2f}, "
                  f"layout/bare {layout_rate / bare_rate:.2f} (target >= 0.6)")
            try:
                from piel_desktop.reports.council_docx import write_report_docx
            except ImportError:
                print("DOCX: piel_desktop.reports.council_docx is not importable; Word half skipped")
                return 0
            (t_report, result), (t_layout, _count), (t_bare, bare_count) = _best(
                args.repeat,
                lambda: make_report(archive, report="C27/99-S", lang=lang, fmt="docx", out=root / "report.docx"),
                lambda: write_report_docx(layout, out=root / "layout.docx"),
                lambda: _bare_docx(texts, root / "bare.docx"))
            count = result.paragraphs
            rate, layout_rate, bare_rate = count / t_report, count / t_layout, bare_count / t_bare
            print(f"DOCX: {count} paragraphs (bare {bare_count}); report {rate:.0f} par/s, layout "
                  f"{layout_rate:.0f} par/s, bare python-docx {bare_rate:.0f} par/s; report/bare "
                  f"{rate / bare_rate:.2f}, layout/bare {layout_rate / bare_rate:.2f} (target >= 0.6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
