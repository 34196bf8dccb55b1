"""The follow-up brief: what became of the outcomes the tracker shows, for one filter.

Layout: a title block, a stacked bar chart of statuses per meeting (ReportLab
graphics; the last 20 meetings when there are more), then the outcomes grouped by
status in lifecycle order, each as a row of meeting, text (in the brief's language,
else the original marked with its code; under it the newest follow-up note, dated, when
it is at most ``NOTE_MOST`` characters long) and addressee with the due date ("overdue"
when passed). At most ``most`` outcomes are listed; the chart and the counts always
cover all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Spacer, Table, TableStyle

from piel_desktop.domain.errors import NothingToPrint, UnsupportedLanguage
from piel_desktop.domain.model import OutcomeStatus
from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.i18n import format_date, format_number, translation
from piel_desktop.messages import ADDRESSEE_LABELS, STATUS_LABELS
from piel_desktop.reports import BRIEF_LANGUAGES
from piel_desktop.reports.phrases import Phrases
from piel_desktop.reports.fonts import family_for
from piel_desktop.reports.pages import WIDTH, checked_output, write_pdf
from piel_desktop.reports.typeset import Role, is_rtl, paragraph, visual
from piel_desktop.domain.model import SETTLED
from piel_desktop.services import follow_up, tracker
from piel_desktop.services.tracker import TrackerFilter, TrackerRow
from piel_desktop.storage import Archive

STATUS_COLORS = {
    "proposed": "#9aa5b1", "agreed": "#1a4f8b", "in_progress": "#e0a100",
    "implemented": "#2f855a", "superseded": "#7b8794", "withdrawn": "#b00020",
}
_ROLES = {
    "title": Role(18, 23, bold=True, space_after=4),
    "subtitle": Role(10, 14, color="#5f6b7a", space_after=8),
    "heading": Role(12, 16, bold=True, space_before=10, space_after=4),
    "cell": Role(9, 12, space_after=0),
    "note": Role(8.5, 11, italic=True, color="#5f6b7a"),
}
MOST_MEETINGS_CHARTED = 20
#: Longest follow-up note printed under its outcome, in characters.
NOTE_MOST = 300


@dataclass(frozen=True)
class TrackerBriefResult:
    path: Path
    pages: int
    outcomes: int  # how many the filter has
    listed: int  # how many are listed (at most ``most``)


def make_tracker_brief(archive: Archive, *, lang: str, out: Path | str,
                       flt: TrackerFilter = TrackerFilter(), made_at: dt.datetime | None = None,
                       most: int = 2000, progress: Progress = SILENT) -> TrackerBriefResult:
    """Write the follow-up brief for the outcomes ``flt`` selects to ``out``.

    ``lang`` is one of BRIEF_LANGUAGES. Raises UnsupportedLanguage, NothingToPrint (no
    outcome matches), InvalidValue (a bad filter), OutputNotWritable, or Cancelled via
    ``progress``; the file appears complete or not at all.
    """
    if lang not in BRIEF_LANGUAGES:
        raise UnsupportedLanguage(lang=lang, supported=BRIEF_LANGUAGES)
    out = checked_output(Path(out), protect=archive.path)
    total = tracker.count(archive, flt)
    if not total:
        raise NothingToPrint()
    rows: list[TrackerRow] = []
    while len(rows) < min(total, most):
        page = tracker.fetch(archive, flt, lang=lang, limit=min(500, most - len(rows)),
                             after=rows[-1] if rows else None)
        if not page:
            break
        rows += page
        progress.step(len(rows), min(total, most) * 2, "")
    counts = tracker.status_counts(archive, flt)
    notes = {outcome: found[0] for outcome, found in follow_up.latest(archive, [r.id for r in rows]).items()
             if len(found[0].text) <= NOTE_MOST}
    phrases = Phrases(lang)
    made_on = (made_at or dt.datetime.now(dt.UTC)).astimezone().date()
    title = phrases.gettext("Follow-up of outcomes")
    story = _story(rows, counts, total, phrases, title, made_on, notes)
    pages = write_pdf(
        story, out=out, lang=lang, title=title, author=title, header=title,
        footer=phrases.gettext("Prepared on {date}").format(date=format_date(made_on, lang)),
        page_label=phrases.page, progress=progress)
    return TrackerBriefResult(path=out, pages=pages, outcomes=total, listed=len(rows))


def _story(rows: list[TrackerRow], counts: dict[int, dict[str, int]], total: int, phrases: Phrases,
           title: str, made_on: dt.date, notes: dict) -> list[Flowable]:
    t, lang = phrases, phrases.lang

    def say(text: str, role: str) -> Flowable:
        return paragraph(text, lang, _ROLES[role])

    story = [say(title, "title"), say(" · ".join([
        format_date(made_on, lang),
        t.ngettext("{n} outcome", "{n} outcomes", total).format(n=format_number(total, lang))]), "subtitle"),
        _chart(counts, lang), Spacer(0, 4 * mm),
        HRFlowable(width="100%", thickness=0.6, color=colors.HexColor("#1a4f8b"), spaceAfter=2)]
    if len(rows) < total:
        story.append(say(t.ngettext("Only the first {shown} of {total} outcome is listed.",
                                    "Only the first {shown} of {total} outcomes are listed.", total).format(
            shown=format_number(len(rows), lang), total=format_number(total, lang)), "note"))
    for status in OutcomeStatus:
        group = [row for row in rows if row.status == status.value]
        if not group:
            continue
        heading = say(f"{t.gettext(STATUS_LABELS[status.value])} ({format_number(len(group), lang)})",
                      "heading")
        story.append(_table(heading, group, phrases, notes, made_on))
    return story


def _table(heading: Flowable, rows: list[TrackerRow], phrases: Phrases, notes: dict,
           made_on: dt.date) -> Table:
    """The rows of one status under their heading, which repeats on every page the
    table runs over; ``notes``: outcome id -> the follow-up note to print under it."""
    t, lang = phrases, phrases.lang
    widths = [18 * mm, WIDTH - 18 * mm - 38 * mm, 38 * mm]
    data = []
    for row in rows:
        text = paragraph(row.text, row.text_lang or lang, _ROLES["cell"],
                         suffix=f"[{row.text_lang}]" if row.text_lang and row.text_lang != lang else "")
        if text is None:  # no bundled font has every character
            text = paragraph(phrases.unprintable(row.text_lang), lang, _ROLES["cell"])
        note = notes.get(row.id)
        if note is not None:  # the newest note, in the language it was written in
            shown = paragraph(f"{format_date(note.date, lang, 'medium')}: {note.text}", lang, _ROLES["note"])
            text = [text, shown] if shown is not None else text
        addressee = t.gettext(ADDRESSEE_LABELS[row.addressee]) if row.addressee in ADDRESSEE_LABELS \
            else (row.addressee or "—")
        if row.due_date is not None:
            due = t.gettext("due {date}").format(date=format_date(row.due_date, lang, "medium"))
            if row.due_date < made_on and row.status not in SETTLED:
                due = t.gettext("due {date}, overdue").format(date=format_date(row.due_date, lang, "medium"))
            addressee = f"{addressee} · {due}"
        data.append([paragraph(format_number(row.meeting, lang), lang, _ROLES["cell"]), text,
                     paragraph(addressee, lang, _ROLES["cell"]) or paragraph("—", lang, _ROLES["cell"])])
    if is_rtl(lang):  # read from the right: meeting, text, addressee
        data, widths = [list(reversed(r)) for r in data], list(reversed(widths))
    return Table([[heading, "", ""], *data], colWidths=widths, repeatRows=1, style=TableStyle([
        ("SPAN", (0, 0), (-1, 0)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dde8")),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, 0), 0), ("RIGHTPADDING", (0, 0), (-1, 0), 0),
    ]))


def _chart(counts: dict[int, dict[str, int]], lang: str) -> Drawing:
    """Stacked bars of statuses per meeting, with a legend, in ``lang``'s font."""
    t = translation(lang)
    font = family_for(lang)
    shown = visual if is_rtl(lang) else str
    meetings = sorted(counts)[-MOST_MEETINGS_CHARTED:]
    statuses = [s.value for s in OutcomeStatus if any(s.value in counts[m] for m in meetings)]
    drawing = Drawing(WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, WIDTH - 62 * mm, 48 * mm
    chart.data = [[counts[m].get(status, 0) for m in meetings] for status in statuses]
    chart.categoryAxis.categoryNames = [format_number(m, lang) for m in meetings]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = True
    for index, status in enumerate(statuses):
        chart.bars[index].fillColor = colors.HexColor(STATUS_COLORS[status])
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = WIDTH - 44 * mm, 56 * mm
    legend.fontName, legend.fontSize, legend.alignment = font, 8, "right"
    legend.colorNamePairs = [(colors.HexColor(STATUS_COLORS[s]), shown(t.gettext(STATUS_LABELS[s])))
                             for s in reversed(statuses)]
    drawing.add(legend)
    return drawing
