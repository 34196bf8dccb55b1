"""The sentences of the printed documents (briefs, the report to Council) in the
document's own language, not the interface's: lead sentences, titles, footers, notes."""

from __future__ import annotations

import datetime as dt

from piel_desktop.domain import model as d
from piel_desktop.i18n import (
    format_date, format_date_range, format_list, format_meeting_time, language_name, meeting_ordinal,
    translation,
)
from piel_desktop.reports.fonts import REPLACEMENT
from piel_desktop.services.records import BriefContent, MeetingGroup


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
