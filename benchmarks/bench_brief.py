"""Benchmark of briefs: pages per second for each language, next to bare ReportLab.

A benchmark to run by hand, not a test. For each of the six languages it builds an
archive with one meeting of N outcomes written in that language (sentences of the
language repeated to a realistic length), then measures:

- brief: ``make_brief`` of that meeting (archive read, phrases, fonts per paragraph,
  Arabic reordering, Chinese line breaking, page decoration), pages per second;
- baseline: bare ReportLab in the same process: ``SimpleDocTemplate`` with plain
  ``Paragraph`` objects of the same texts in the same font and size, no bullets, no
  header or footer, no reordering (so an Arabic baseline draws letters unjoined and
  left to right: cheaper, and wrong), pages per second.

Also: layout only (``render_brief`` of content already read: no archive query, no
archive fingerprint, which costs in proportion to the whole archive). Prints the
ratios brief / baseline and layout / baseline per language; the target is at least 0.6.

    python benchmarks/bench_brief.py [--outcomes 400] [--repeat 3]
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

SENTENCES = {
    "ar": "تشجيع الدول الأعضاء على وضع استراتيجيات وطنية لحماية الأطفال على الإنترنت، "
          "بالتعاون مع الحكومات والقطاع الخاص والمجتمع المدني وفقاً للقرار 179 (دبي، 2018). ",
    "zh": "鼓励成员国与政府、私营部门和民间社会合作，制定保护儿童上网的国家战略，并根据第179号决议开展工作。",
    "ru": "Поощрять Государства-Члены к разработке национальных стратегий защиты ребёнка в "
          "онлайновой среде совместно с заинтересованными сторонами (правительства, частный сектор). ",
    "fr": "Encourager les États Membres à élaborer des stratégies nationales de protection en "
          "ligne des enfants, en coopération avec les parties prenantes (gouvernements, secteur privé). ",
    "es": "Alentar a los Estados Miembros a elaborar estrategias nacionales de protección de la "
          "infancia en línea, en cooperación con las partes interesadas (gobiernos, sector privado). ",
    "en": "Encourage Member States to develop national strategies for child online protection, "
          "in cooperation with stakeholders (governments, the private sector, civil society). ",
}


def _texts(lang: str, count: int) -> list[str]:
    sentence = SENTENCES[lang]
    return [(sentence * (1 + n % 3)).strip() for n in range(count)]


def _baseline(texts: list[str], lang: str, out: Path) -> int:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from piel_desktop.reports.fonts import family_for, register_fonts
    register_fonts()
    font = family_for(lang)
    style = ParagraphStyle("p", fontName=font, fontSize=10.5, leading=14.5, leftIndent=15 * mm,
                           wordWrap="CJK" if lang == "zh" else None)
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=22 * mm)
    doc.build([Paragraph(escape(text), style) for text in texts])
    return doc.page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outcomes", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="piel-bench-brief-") as folder:
        root = Path(folder)
        os.environ["XDG_DATA_HOME"] = str(root / "data")
        os.environ["XDG_CONFIG_HOME"] = str(root / "config")
        from piel_desktop.reports.brief import make_brief, render_brief
        from piel_desktop.services.records import brief_content
        from piel_desktop.services import records
        from piel_desktop.services.archive import create_archive, open_archive
        print(f"{'lang':<5}{'pages':>6}{'brief p/s':>11}{'layout p/s':>12}{'bare p/s':>10}"
              f"{'brief/bare':>12}{'layout/bare':>13}")
        for lang in ("ar", "en", "es", "fr", "ru", "zh"):
            path = root / f"{lang}.piel"
            create_archive(path, demo=True)
            texts = _texts(lang, args.outcomes)
            with open_archive(path) as archive:
                meeting = records.add_meeting(archive, number=15, start_date=dt.date(2018, 9, 20))
                for text in texts:
                    records.add_outcome(archive, text=text, lang=lang, meeting_ids=[meeting])
                make_brief(archive, lang=lang, meetings=[15], out=root / "warm.pdf")  # fonts loaded
                content = brief_content(archive, [15])
                best_brief = best_layout = best_bare = float("inf")
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    result = make_brief(archive, lang=lang, meetings=[15], out=root / f"{lang}.pdf")
                    best_brief = min(best_brief, time.perf_counter() - start)
                    start = time.perf_counter()
                    render_brief(content, lang=lang, out=root / f"{lang}-layout.pdf", made_on=dt.date.today())
                    best_layout = min(best_layout, time.perf_counter() - start)
                    start = time.perf_counter()
                    bare_pages = _baseline(texts, lang, root / f"{lang}-bare.pdf")
                    best_bare = min(best_bare, time.perf_counter() - start)
            brief_rate, bare_rate = result.pages / best_brief, bare_pages / best_bare
            layout_rate = result.pages / best_layout
            print(f"{lang:<5}{result.pages:>6}{brief_rate:>11.1f}{layout_rate:>12.1f}{bare_rate:>10.1f}"
                  f"{brief_rate / bare_rate:>12.2f}{layout_rate / bare_rate:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
