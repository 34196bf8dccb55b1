"""Briefs print the same pages and the same text as the golden files under
``tests/golden/``: a guard for changes that should not change the output (speed work).

The archive is fixed: the demo archive plus a meeting 15 (one day) with outcomes
written in every language, many in the brief's own. The archive fingerprint (which
depends on random record ids) and nothing else is masked. To write the golden files
again after a change that must show in them, run this module with
``PIEL_WRITE_GOLDEN=1`` and say in the commit why they changed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab import rl_config

from piel_desktop.reports.brief import make_brief
from piel_desktop.services import records

GOLDEN = Path(__file__).parent / "golden"
MADE_AT = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
PAGE_BREAK = "\n\f\n"
def _benchmark_sentences() -> dict[str, str]:
    """A sentence per language, as the benchmark writes them (outcomes of 1 to 3)."""
    spec = importlib.util.spec_from_file_location(
        "bench_brief", Path(__file__).parent.parent / "benchmarks" / "bench_brief.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SENTENCES


SENTENCES = _benchmark_sentences()
_FINGERPRINT = re.compile(r"(?<![0-9a-f])[0-9a-f]{12}(?![0-9a-f])")
CASES = [(lang, None) for lang in sorted(SENTENCES)] + [("ar", "en"), ("zh", "fr")]


def _fixed_archive(archive, lang: str) -> None:
    meeting = records.add_meeting(archive, number=15, start_date=dt.date(2018, 9, 20))
    for n in range(24):
        text = (SENTENCES[lang] * (1 + n % 3)).strip()
        records.add_outcome(archive, text=text, lang=lang, meeting_ids=[meeting])
    for other in sorted(SENTENCES):  # texts that fall back to their original language
        if other != lang:
            records.add_outcome(archive, text=SENTENCES[other].strip() + " <b>&", lang=other,
                                meeting_ids=[meeting])


def brief_pages(path: Path) -> str:
    """The text of every page as PDFium extracts it, pages separated by a form feed,
    the archive fingerprint masked."""
    document = pdfium.PdfDocument(str(path))
    try:
        pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()
    text = PAGE_BREAK.join(page.replace("\r\n", "\n") for page in pages)
    # In a right-to-left footer the fingerprint's digits and letters may come back
    # reordered: mask any 12-digit hexadecimal word, after checking one is there.
    assert len(_FINGERPRINT.findall(text)) >= len(pages)
    return _FINGERPRINT.sub("<fingerprint>", text)


@pytest.mark.parametrize("lang, parallel", CASES)
def test_brief_prints_as_the_golden_file(demo, tmp_path, monkeypatch, lang, parallel):
    monkeypatch.setattr(rl_config, "invariant", 1)
    _fixed_archive(demo, lang)
    out = tmp_path / "brief.pdf"
    make_brief(demo, lang=lang, out=out, made_at=MADE_AT, parallel=parallel)
    text = brief_pages(out)
    golden = GOLDEN / f"brief-{lang}{'-' + parallel if parallel else ''}.txt"
    if os.environ.get("PIEL_WRITE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    assert text.count("\f") == expected.count("\f"), "page count changed"
    for number, (got, want) in enumerate(zip(text.split(PAGE_BREAK), expected.split(PAGE_BREAK)), 1):
        assert got == want, f"page {number} of the {lang} brief changed"
