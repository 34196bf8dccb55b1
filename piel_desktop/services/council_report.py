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
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from piel_desktop.domain import model as d
from piel_desktop.domain.errors import RecordNotFound
from piel_desktop.services.records import BriefContent, brief_in_session
from piel_desktop.storage import Archive, models as m
from piel_desktop.storage.sync import raw_connection
from piel_desktop.storage.texts import load_texts


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
    #: Quoted clauses that were deleted since, skipped in ``introduction``: their
    #: numbers as the instrument numbered them ("3"), in the order they were quoted.
    missing_clauses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportSummary:
    """One line of the reports list: ``key`` the report's id (text), its symbol,
    session, date, recipient, title and the numbers of the meetings it covers."""

    key: str
    symbol: str | None
    session_year: int | None
    date: dt.date | None
    recipient: str
    title: d.LocalizedText
    meetings: tuple[int, ...]


def find_report(s, report: str | None) -> m.Report:
    """The report whose key (its id) or symbol is ``report`` (symbols compared case
    aside), or the only report of the Council session of that year ("2018"); None: the
    latest by date (undated ones count as oldest, then by symbol). Raises RecordNotFound."""
    rows = s.scalars(select(m.Report)).all()
    if report is None:
        found = max(rows, key=lambda r: (r.date or dt.date.min, r.session_year or 0, r.symbol or ""),
                    default=None)
    else:
        wanted = report.strip()
        try:
            key = uuid.UUID(wanted)
        except ValueError:
            key = None
        found = next((r for r in rows if r.id == key), None) or next(
            (r for r in rows if r.symbol and r.symbol.casefold() == wanted.casefold()), None)
        if found is None and wanted.isdigit():  # a Council session's year: its only report
            of_year = [r for r in rows if r.session_year == int(wanted)]
            found = of_year[0] if len(of_year) == 1 else None
    if found is None:
        raise RecordNotFound(kind="report", id=report or "")
    return found


def covered_numbers(s, report_id: uuid.UUID) -> list[int]:
    """The numbers of the meetings a report covers, in order."""
    return sorted(s.scalars(select(m.Meeting.number).join(
        m.report_meeting, m.report_meeting.c.meeting_id == m.Meeting.id).where(
        m.report_meeting.c.report_id == report_id)).all())


def list_reports(archive: Archive) -> list[ReportSummary]:
    """Every report, latest first (by date, then symbol)."""
    with archive.unit_of_work() as uow:
        s = uow.session
        rows = s.scalars(select(m.Report)).all()
        texts = load_texts(s, (r.title_id for r in rows))
        result = [ReportSummary(
            key=str(r.id), symbol=r.symbol, session_year=r.session_year, date=r.date,
            recipient=r.recipient, title=texts.get(r.title_id, d.EMPTY_TEXT),
            meetings=tuple(covered_numbers(s, r.id))) for r in rows]
    return sorted(result, key=lambda r: (r.date or dt.date.min, r.symbol or ""), reverse=True)


def report_content(archive: Archive, *, report: str | None = None) -> ReportContent:
    """Everything the report ``report`` (its key or symbol; None: the latest by date)
    prints, read in one transaction. Section 2 is the brief of the meetings it covers
    (services/records.py ``brief_in_session``, empty groups when they have no
    outcomes). Quoted clauses come from the instrument's clause records with their
    number and depth; one deleted since is left out and named in
    ``missing_clauses``. Raises RecordNotFound when there is no such report."""
    with archive.unit_of_work() as uow:
        s = uow.session
        r = find_report(s, report)
        paragraphs = s.scalars(select(m.ReportParagraph).where(m.ReportParagraph.report_id == r.id)
                               .order_by(m.ReportParagraph.position, m.ReportParagraph.id)).all()
        achievements = s.scalars(select(m.Achievement).where(m.Achievement.report_id == r.id)
                                 .order_by(m.Achievement.position, m.Achievement.id)).all()
        quotes = {p.id: _quoted(s, p.id) for p in paragraphs}
        texts = load_texts(s, [r.title_id, r.summary_id, r.action_requested_id, r.references_id,
                               *(t for p in paragraphs for t in (p.text_id, p.quote_heading_id)),
                               *(t for a in achievements for t in (a.title_id, a.text_id)),
                               *(c.text_id for q in quotes.values() for c, _depth in q)])
        text = lambda text_id: texts.get(text_id, d.EMPTY_TEXT)  # noqa: E731
        listed = tuple(ReportAchievement(label=a.label, title=text(a.title_id), text=text(a.text_id))
                       for a in achievements)
        introduction = tuple(IntroParagraph(
            text=text(p.text_id), quote_heading=text(p.quote_heading_id),
            quoted=tuple(QuotedClause(number=c.number, depth=depth, text=text(c.text_id))
                         for c, depth in quotes[p.id]),
            achievements=listed if p.lists_achievements else ()) for p in paragraphs)
        brief = brief_in_session(s, covered_numbers(s, r.id), empty_ok=True)
        summary = text(r.summary_id)
        return ReportContent(
            key=str(r.id), symbol=r.symbol, session_year=r.session_year, date=r.date,
            agenda_item=r.agenda_item,
            original_language=r.original_language or (summary.original.lang if summary.original else "en"),
            recipient=r.recipient, title=text(r.title_id), summary=summary,
            action_requested=text(r.action_requested_id), references=text(r.references_id),
            introduction=introduction, brief=brief, fingerprint=brief.fingerprint,
            missing_clauses=tuple(n for p in paragraphs for n in _missing(s, p.id)))


def _quoted(s, paragraph_id: uuid.UUID) -> list[tuple[m.Clause, int]]:
    """The live clauses a paragraph quotes, in order, with their depth (0: a top clause)."""
    rows = s.execute(select(m.Clause, m.report_quote.c.position).join(
        m.report_quote, m.report_quote.c.clause_id == m.Clause.id).where(
        m.report_quote.c.paragraph_id == paragraph_id).order_by(m.report_quote.c.position)).all()
    result = []
    for clause, _position in rows:
        depth, parent = 0, clause.parent_id
        while parent is not None and depth < 20:
            depth += 1
            parent = s.scalar(select(m.Clause.parent_id).where(m.Clause.id == parent))
        result.append((clause, depth))
    return result


def _missing(s, paragraph_id: uuid.UUID) -> list[str]:
    """Numbers of the clauses a paragraph quoted that were deleted since: its quotes'
    tombstones taken by a clause's delete (same stamp) or hidden with it by a merge."""
    con = raw_connection(s)
    rows = con.execute(
        "SELECT q.data, c.data FROM tombstone AS q JOIN tombstone AS c ON c.tbl = 'clause' "
        "AND c.row_key = '[\"' || json_extract(q.data, '$.clause_id') || '\"]' "
        "WHERE q.tbl = 'report_quote' AND json_extract(q.data, '$.paragraph_id') = ? "
        "AND (NOT q.deleted OR json_extract(q.sync_clock, '$._deleted') = "
        "json_extract(c.sync_clock, '$._deleted'))", (paragraph_id.hex,)).fetchall()
    quoted = sorted((json.loads(q).get("position") or 0, json.loads(c).get("number") or "?") for q, c in rows)
    return [number for _position, number in quoted]
