"""Reports to Council for tests: the demo archive's report as ReportContent, and the
seed report's paragraphs (resources/demo/seed-report-es.txt) to compare output with."""

from __future__ import annotations

import re
from pathlib import Path

SEED = Path(__file__).parent.parent / "resources" / "demo" / "seed-report-es.txt"


def seed_paragraphs() -> list[str]:
    """The seed's paragraphs in order, whitespace folded to single spaces (a tab
    between a number and its text becomes a space), empty lines left out."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return [normalise(line) for line in lines if line.strip()]


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _text(text: str, lang: str = "es"):
    from piel_desktop.domain import model as d
    return d.LocalizedText((d.TextVersion(lang, text, d.TranslationStatus.ORIGINAL),))


def seed_content(archive):
    """The seed report as ReportContent, made by hand from the seed's Spanish text and
    the demo archive's brief (until the archive holds the whole report)."""
    import datetime as dt

    from piel_desktop.domain import model as d
    from piel_desktop.services.council_report import (IntroParagraph, QuotedClause, ReportAchievement,
                                                      ReportContent)
    from piel_desktop.services.records import brief_content

    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    body = {}
    for line in lines:
        number, _, text = line.strip().partition("\t")
        body.setdefault(number, text.strip())
    start = lines.index("resuelve")
    quoted = []
    for line in lines[start + 1:]:
        number, _, text = line.strip().partition("\t")
        if number == "1.3":
            break
        quoted.append(QuotedClause(number, number.count("."), _text(text.strip())))
    achievements = []
    for label in "abcd":
        title, _, text = body[f"{label})"].partition(": ")
        achievements.append(ReportAchievement(label, _text(title), _text(text)))
    brief = brief_content(archive)
    return ReportContent(
        key="report/council-2018", symbol="C18/xx-S", session_year=2018, date=dt.date(2018, 5, 2),
        agenda_item=None, original_language="es", recipient="council",
        title=_text("Informe del Grupo de Trabajo del Consejo sobre la Protección de la Infancia en Línea"),
        summary=_text(lines[1].strip()), action_requested=_text(lines[3].strip()), references=d.EMPTY_TEXT,
        introduction=(IntroParagraph(_text(body["1.1"])),
                      IntroParagraph(_text(body["1.2"]), quote_heading=_text("resuelve"), quoted=tuple(quoted)),
                      IntroParagraph(_text(body["1.3"]), achievements=tuple(achievements)),
                      IntroParagraph(_text(body["1.4"]))),
        brief=brief, fingerprint=brief.fingerprint)
