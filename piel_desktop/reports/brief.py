"""The meetings brief: the main outcomes of chosen meetings, as the report to Council
prints them (section 2 of the seed report), for delegations to read on paper.

Layout: a title block, then per meeting (or group of meetings reported together) a
numbered lead sentence and the outcomes as dash bullets with lettered or numbered
sub-items. Every page carries its number ("Página 2 de 5"), the date the brief was made
and a short fingerprint of the archive state it came from. Record text is escaped
before it reaches ReportLab's paragraph markup, so "<b>&" prints as typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Spacer, Table, TableStyle

from piel_desktop.reports import BRIEF_LANGUAGES
from piel_desktop.domain import model as d
from piel_desktop.domain.errors import UnsupportedLanguage
from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.i18n import (
    format_date, format_date_range, format_list, format_meeting_time, format_number, language_name, meeting_ordinal,
    translation,
)
from piel_desktop.reports.fonts import REPLACEMENT, register_fonts
from piel_desktop.reports.pages import WIDTH, checked_output, write_pdf
from piel_desktop.reports.typeset import Role, is_rtl, paragraph
from piel_desktop.services.records import BriefContent, MeetingGroup, brief_content
from piel_desktop.storage import Archive


INK = colors.HexColor("#1f2933")
ACCENT = colors.HexColor("#1a4f8b")
_LIST_END = (":", ".", ";", "!", "?", "。", "；", "：", "؛", "؟")
#: What ends a list item and the last one, per language of the text (Chinese uses full
#: width punctuation, Arabic its own semicolon).
_ENDINGS = {"zh": ("；", "。"), "ar": ("؛", ".")}


@dataclass(frozen=True)
class BriefResult:
    path: Path
    pages: int
    fingerprint: str
    #: Numbers of the meetings printed: those asked for and those reported with them.
    meetings: tuple[int, ...]


def make_brief(archive: Archive, *, lang: str, out: Path | str,
               meetings: list[int] | None = None, made_at: dt.datetime | None = None,
               parallel: str | None = None, progress: Progress = SILENT) -> BriefResult:
    """Write the brief for meetings numbered ``meetings`` (all when None) to ``out``.

    ``lang`` is one of BRIEF_LANGUAGES, as is ``parallel`` (a second language set side
    by side, or None); ``made_at`` (aware, default now) is printed in local time. The
    file appears complete or not at all. Raises UnsupportedLanguage, UnknownMeetings,
    NothingToPrint, OutputNotWritable, or Cancelled via ``progress``.
    """
    for code in (lang, parallel):
        if code is not None and code not in BRIEF_LANGUAGES:
            raise UnsupportedLanguage(lang=code, supported=BRIEF_LANGUAGES)
    out = checked_output(Path(out), protect=archive.path)
    progress.step(0, 1, "")
    content = brief_content(archive, meetings)
    made_at = made_at or dt.datetime.now(dt.UTC)
    return render_brief(content, lang=lang, out=out, made_on=made_at.astimezone().date(),
                        parallel=parallel if parallel != lang else None, progress=progress)


class Phrases:
    """A brief's sentences in its own language (not the interface's); also used by the
    follow-up brief."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        t = translation(lang)
        self.gettext, self.ngettext, self.pgettext = t.gettext, t.ngettext, t.pgettext

    def lead(self, group: MeetingGroup, acronym: str) -> str:
        numbers = [m.number for m in group.meetings]
        spelled = all(n <= 9 for n in numbers)
        ordinals = format_list([meeting_ordinal(n, self.lang, spelled=spelled) for n in numbers], self.lang)
        dates = format_list([self.held(m) for m in group.meetings], self.lang)
        return self.ngettext(
            "The main outcomes of the {ordinals} meeting of {body}, held on {dates}, were:",
            "The main outcomes of the {ordinals} meetings of {body}, held on {dates}, were:",
            len(numbers)).format(ordinals=ordinals, body=acronym, dates=dates)

    def held(self, meeting: d.Meeting) -> str:
        """When ``meeting`` was held, as the lead sentence says it: es "el 23 de enero
        de 2015", over several days "del 2 al 3 de octubre de 2025"; with its start time,
        at the venue's clock and zone, en "23 January 2015, starting at 2:00 PM (Central
        European Standard Time, Europe/Zurich)"."""
        if meeting.end_date is None or meeting.end_date <= meeting.start_date:
            held = self.pgettext("meeting held on", "{date}").format(date=format_date(meeting.start_date, self.lang))
        else:
            held = self.pgettext("meeting held over several days", "{dates}").format(
                dates=format_date_range(meeting.start_date, meeting.end_date, self.lang, prose=True))
        if meeting.start_time is None or meeting.time_zone is None:
            return held
        time = format_meeting_time(meeting.start_date, meeting.start_time, meeting.time_zone, self.lang)
        return self.pgettext("meeting held on a day, from a time", "{held}, starting at {time}").format(
            held=held, time=time)

    def title(self, numbers: list[int]) -> str:
        if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
            shown = self.gettext("{first} to {last}").format(first=numbers[0], last=numbers[-1])
        else:
            shown = format_list([str(n) for n in numbers], self.lang)
        return self.ngettext("Main outcomes of meeting {numbers}",
                             "Main outcomes of meetings {numbers}", len(numbers)).format(numbers=shown)

    def summary(self, content: BriefContent) -> str:
        meetings = [m for g in content.groups for m in g.meetings]
        items = sum(len(g.outcomes) for g in content.groups)  # as the window counts them
        # From the first day of the first meeting to the last day of the last one.
        first = min(m.start_date for m in meetings)
        last = max(max(m.start_date, m.end_date or m.start_date) for m in meetings)
        span = format_date_range(first, last, self.lang)
        counts = [self.ngettext("{n} meeting", "{n} meetings", len(meetings)).format(n=len(meetings)),
                  self.ngettext("{n} outcome", "{n} outcomes", items).format(n=items)]
        return " · ".join([span, *counts])

    def footer(self, made_on: dt.date, fingerprint: str) -> str:
        return " · ".join([
            self.gettext("Prepared on {date}").format(date=format_date(made_on, self.lang)),
            self.gettext("Archive fingerprint {fingerprint}").format(fingerprint=fingerprint[:12])])

    def unprintable(self, text_lang: str) -> str:
        return self.gettext("[a text in {language}, which this brief cannot print yet]").format(
            language=language_name(text_lang, self.lang, capitalize=False))

    def undrawable(self, chars: set[str]) -> str:
        """The line naming characters no bundled font has, as code points (U+1F9FF)."""
        codes = format_list([f"U+{ord(c):04X}" for c in sorted(chars)], self.lang)
        return self.ngettext(
            "A character could not be drawn and is shown as {mark}: {characters}.",
            "Some characters could not be drawn and are shown as {mark}: {characters}.",
            len(chars)).format(mark=REPLACEMENT, characters=codes)

    def page(self, page: int, pages: int) -> str:
        return self.gettext("Page {page} of {pages}").format(page=page, pages=pages)


_ROLES = {
    "kicker": Role(9, 12, bold=True, color="#1a4f8b", space_after=6),
    "title": Role(18, 23, bold=True, space_after=6),
    "subtitle": Role(10, 14.5, color="#5f6b7a", space_after=2),
    "note": Role(8.5, 11, italic=True, color="#5f6b7a"),
    "lead": Role(10.5, 14.5, indent=9 * mm, space_before=10, space_after=5, justify=True),
    "item": Role(10.5, 14.5, indent=15 * mm, bullet_at=9 * mm, justify=True),
    "subitem": Role(10.5, 14.5, indent=22 * mm, bullet_at=15 * mm, justify=True),
}


def _sub_label(label: str, lang: str) -> str:
    """A sub-item label as the brief's language writes it: "a)", in Arabic "(أ)"."""
    if lang == "ar" and len(label) == 1 and label.isascii() and label.isalpha():
        index = ord(label.lower()) - ord("a")
        if index < len(_ARABIC_LETTER_LABELS):
            return f"({_ARABIC_LETTER_LABELS[index]})"
    if lang == "ar":
        return f"({label})"
    return f"{label})"


# Sub-item letters in UN Arabic texts follow the abjad order: (أ) (ب) (ج) (د) (هـ) ...
_ARABIC_LETTER_LABELS = ("أ", "ب", "ج", "د", "هـ", "و", "ز", "ح", "ط", "ي", "ك", "ل", "م",
                         "ن", "س", "ع", "ف", "ص", "ق", "ر", "ش", "ت", "ث", "خ", "ذ", "ض")


class _Writer:
    """Makes the paragraphs of one language's brief; remembers whether any text had to
    be printed in another language."""

    def __init__(self, phrases: Phrases) -> None:
        self.phrases, self.lang, self.fallback = phrases, phrases.lang, False
        #: Characters no bundled font has, printed as a replacement mark.
        self.undrawable: set[str] = set()

    def phrase(self, text: str, role: str, bullet: str | None = None) -> Flowable:
        return self._make(text, self.lang, role, bullet=bullet)

    def record(self, outcome: d.Outcome, role: str, bullet: str, *, last: bool | None = None) -> Flowable:
        """An outcome's text in the brief's language, else in its original language
        marked with the code. Top-level outcomes are stored without the ";" / "." that
        separate list items: with ``last`` given (True for the list's last item) the
        punctuation of the text's language is restored."""
        version = outcome.text.pick(self.lang)
        text = version.text.strip() if version else ""
        text_lang = version.lang if version else self.lang
        if last is not None and not text.endswith(_LIST_END):
            text += _ENDINGS.get(text_lang, (";", "."))[last]
        suffix = f"[{text_lang}]" if text_lang != self.lang else ""
        self.fallback |= bool(suffix)
        return self._make(text, text_lang, role, bullet=bullet, suffix=suffix)

    def _make(self, text: str, lang: str, role: str, *, bullet=None, suffix="") -> Flowable:
        made = paragraph(text, lang, _ROLES[role], bullet=bullet, suffix=suffix)
        if made is None:  # no bundled font has every character: say so, never print boxes
            made = paragraph(self.phrases.unprintable(lang), self.lang,
                             replace(_ROLES[role], italic=True), bullet=bullet, suffix=suffix)
        self.undrawable |= getattr(made, "undrawable", set())
        return made


def _acronym(content: BriefContent, lang: str) -> str:
    text = content.body.acronym.pick(lang) or content.body.name.pick(lang)
    return text.text if text else ""


def _story(content: BriefContent, phrases: Phrases) -> list[Flowable]:
    """The brief's flowables in one language. The list has the same length and order
    for every language (an empty spacer where a note is not needed), so two languages
    can be set side by side row by row."""
    lang = phrases.lang
    write = _Writer(phrases)
    acronym = _acronym(content, lang)
    # The body's full name if it exists in this language, else its acronym in it.
    name = content.body.name.get(lang) or content.body.acronym.get(lang) or content.body.name.pick(lang)
    numbers = [m.number for g in content.groups for m in g.meetings]
    kicker = name.text if name else acronym
    story: list[Flowable] = [
        write.phrase(kicker if is_rtl(lang) else kicker.upper(), "kicker"),
        write.phrase(phrases.title(numbers), "title"),
        write.phrase(phrases.summary(content), "subtitle"),
    ]
    rule_at = len(story)
    for index, group in enumerate(content.groups, 1):
        story.append(write.phrase(phrases.lead(group, acronym), "lead", bullet=format_number(index, lang)))
        story[-1].keepWithNext = True
        for position, outcome in enumerate(group.outcomes):
            last = position == len(group.outcomes) - 1
            story.append(write.record(outcome, "item", "–", last=last))
            for child in outcome.children:
                for sub in child.walk():
                    label = _sub_label(sub.label, lang) if sub.label else "•"
                    story.append(write.record(sub, "subitem", label))
    note = Spacer(0, 0)
    if write.fallback:
        note = write.phrase(phrases.gettext(
            "Texts not available in this language are printed in their original language, "
            "marked with its code."), "note")
    story[rule_at:rule_at] = [note, HRFlowable(width="100%", thickness=0.6, color=ACCENT,
                                               spaceBefore=6, spaceAfter=4)]
    # Under the last outcome: which characters no font could draw (a row in both
    # columns of a bilingual brief, empty where not needed).
    story.append(write.phrase(phrases.undrawable(write.undrawable), "note") if write.undrawable
                 else Spacer(0, 0))
    return story


def _side_by_side(left: list[Flowable], right: list[Flowable], width: float) -> list[Flowable]:
    """Two languages' stories as one table, a row per paragraph, rows split across
    pages where needed. A note present in one language only gets a row too."""
    if len(left) != len(right):
        raise ValueError("the two stories of a bilingual brief must match row for row")
    gap = 6 * mm
    table = Table([[a, b] for a, b in zip(left, right)], colWidths=[(width - gap) / 2] * 2,
                  splitInRow=1, style=TableStyle([
                      ("VALIGN", (0, 0), (-1, -1), "TOP"),
                      ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                      ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                      ("RIGHTPADDING", (0, 0), (0, -1), gap / 2), ("LEFTPADDING", (1, 0), (1, -1), gap / 2),
                      ("LINEAFTER", (0, 0), (0, -1), 0.3, colors.HexColor("#c8d0da")),
                  ]))
    return [table]


def render_brief(content: BriefContent, *, lang: str, out: Path, made_on: dt.date,
                 parallel: str | None = None, progress: Progress = SILENT) -> BriefResult:
    """Lay out ``content`` as a PDF at ``out`` (written under a temporary name first).

    With ``parallel`` (another brief language) the brief is bilingual: ``lang`` in the
    left column, ``parallel`` in the right, row by row.
    """
    register_fonts()
    phrases = Phrases(lang)
    story = _story(content, phrases)
    acronym = _acronym(content, lang)
    numbers = [m.number for g in content.groups for m in g.meetings]
    title = phrases.title(numbers)
    width = WIDTH
    if parallel:
        story = _side_by_side(story, _story(content, Phrases(parallel)), width)
        title = f"{title} | {Phrases(parallel).title(numbers)}"
    pages = write_pdf(story, out=out, lang=lang, title=title, author=acronym,
                      header=f"{acronym} · {phrases.title(numbers)}",
                      footer=phrases.footer(made_on, content.fingerprint), page_label=phrases.page,
                      progress=progress)
    return BriefResult(path=out, pages=pages, fingerprint=content.fingerprint,
                       meetings=tuple(numbers))
