"""The report to Council as plain data: what ``reports/council_report.py`` (PDF) and
``reports/council_docx.py`` (Word) print, read from the archive in one transaction.

The shape follows ITU Council documents and the seed report (resources/demo/
seed-report-es.txt): a header block (session, symbol, date, original language), the
title, the summary and the action requested in a box, references, section 1
(introduction paragraphs 1.1, 1.2, …, some quoting mandate clauses, one listing the
achievements a)–d)) and section 2 (the recommendations of the covered meetings, built
by the brief's section code from ``brief``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from piel_desktop.domain import model as d
from piel_desktop.services.records import BriefContent


@dataclass(frozen=True)
class QuotedClause:
    """A mandate clause quoted by an introduction paragraph, as its instrument numbers
    it: ``number`` "1", "1.1"; ``depth`` 0 for a top clause, 1 for its sub-clause."""

    number: str
    depth: int
    text: d.LocalizedText


@dataclass(frozen=True)
class ReportAchievement:
    """An achievement listed in section 1: ``label`` "a", its title and text."""

    label: str | None
    title: d.LocalizedText
    text: d.LocalizedText


@dataclass(frozen=True)
class IntroParagraph:
    """One numbered paragraph of section 1 (its number is "1.<position>").

    ``quote_heading`` is the operative part's heading of the quoted clauses
    ("resuelve"), empty when nothing is quoted; ``quoted`` the clauses in their order;
    ``achievements`` the report's achievements when this paragraph lists them."""

    text: d.LocalizedText
    quote_heading: d.LocalizedText = d.EMPTY_TEXT
    quoted: tuple[QuotedClause, ...] = ()
    achievements: tuple[ReportAchievement, ...] = ()


@dataclass(frozen=True)
class ReportContent:
    """Everything a report to Council prints. ``recipient`` "council" or
    "plenipotentiary"; ``original_language`` a UN language code ("es");
    ``fingerprint`` the archive's content fingerprint of exactly this state."""

    key: str
    symbol: str | None
    session_year: int | None
    date: dt.date | None
    agenda_item: str | None
    original_language: str
    recipient: str
    title: d.LocalizedText
    summary: d.LocalizedText
    action_requested: d.LocalizedText
    references: d.LocalizedText
    introduction: tuple[IntroParagraph, ...]
    brief: BriefContent
    fingerprint: str
