"""Benchmark of the report to Council as a Word document (the DOCX half of issue 16's
benchmark), next to bare python-docx.

A benchmark to run by hand, not a test. It builds an archive (the demo, plus 40
meetings of 50 outcomes each: 2,000 outcomes), lays the demo's report out over those
40 meetings once (``report_layout``), then measures in the same process:

- report: ``write_report_docx`` of that layout (named styles, the bordered box, runs
  with w:lang, right-to-left properties in Arabic, footer fields, atomic write),
  paragraphs per second;
- baseline: bare python-docx: ``Document()``, one ``add_paragraph(number + tab + text)``
  per paragraph of the same layout, in the default style, then ``save``; paragraphs per
  second.

Prints the ratio report / baseline per language; the target is at least 0.6.
``docx_rates`` is the measurement alone, for ``bench_report.py`` to call.

    python benchmarks/bench_report_docx.py [--meetings 40] [--outcomes 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_brief import SENTENCES  # noqa: E402  (the same sentences in six languages)


def _baseline(layout, out: Path) -> int:
    """Bare python-docx: the layout's paragraphs as plain paragraphs; returns their count."""
    import docx
    document = docx.Document()
    count = 0
    for text in (*layout.header, layout.title):
        document.add_paragraph(text)
        count += 1
    for block in layout.blocks:
        document.add_paragraph(f"{block.number}\t{block.text}" if block.number else block.text)
        count += 1
    document.save(str(out))
    return count


def docx_rates(layout, folder: Path, *, repeat: int = 3) -> tuple[int, float, float]:
    """(paragraphs, report paragraphs/s, bare python-docx paragraphs/s): best of
    ``repeat`` runs of each, files written in ``folder``."""
    from piel_desktop.reports.council_docx import write_report_docx
    best_report = best_bare = float("inf")
    paragraphs = bare = 0
    for _ in range(repeat):
        start = time.perf_counter()
        paragraphs = write_report_docx(layout, out=folder / f"{layout.lang}.docx")
        best_report = min(best_report, time.perf_counter() - start)
        start = time.perf_counter()
        bare = _baseline(layout, folder / f"{layout.lang}-bare.docx")
        best_bare = min(best_bare, time.perf_counter() - start)
    assert bare == paragraphs, (bare, paragraphs)
    return paragraphs, paragraphs / best_report, bare / best_bare


def big_content(archive, *, meetings: int, outcomes: int, lang: str):
    """The demo's report covering ``meetings`` new meetings (numbers 15…) that hold
    ``outcomes`` outcomes in ``lang`` between them."""
    from piel_desktop.services import records
    from piel_desktop.services.council_report import report_content
    from piel_desktop.services.records import brief_content
    sentence = SENTENCES[lang]
    numbers = list(range(15, 15 + meetings))
    for index, number in enumerate(numbers):
        meeting = records.add_meeting(archive, number=number,
                                      start_date=dt.date(2019, 1, 1) + dt.timedelta(days=30 * index))
        share = outcomes // meetings + (1 if index < outcomes % meetings else 0)
        for n in range(share):
            records.add_outcome(archive, text=(sentence * (1 + n % 3)).strip(), lang=lang,
                                meeting_ids=[meeting])
    content = report_content(archive)
    return dataclasses.replace(content, brief=brief_content(archive, numbers))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=40)
    parser.add_argument("--outcomes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lang", action="append", help="languages (default: all six)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="piel-bench-report-docx-") as folder:
        root = Path(folder)
        os.environ["XDG_DATA_HOME"] = str(root / "data")
        os.environ["XDG_CONFIG_HOME"] = str(root / "config")
        from piel_desktop.reports.council_layout import report_layout
        from piel_desktop.services.archive import create_archive, open_archive
        print(f"{'lang':<5}{'paragraphs':>11}{'report p/s':>12}{'bare p/s':>10}{'report/bare':>13}")
        for lang in args.lang or ("ar", "en", "es", "fr", "ru", "zh"):
            path = root / f"{lang}.piel"
            create_archive(path, demo=True).close()
            with open_archive(path) as archive:
                content = big_content(archive, meetings=args.meetings, outcomes=args.outcomes,
                                      lang=lang)
            layout = report_layout(content, lang, made_on=dt.date.today())
            paragraphs, report_rate, bare_rate = docx_rates(layout, root, repeat=args.repeat)
            print(f"{lang:<5}{paragraphs:>11}{report_rate:>12.0f}{bare_rate:>10.0f}"
                  f"{report_rate / bare_rate:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
