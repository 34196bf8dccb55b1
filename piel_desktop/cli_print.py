"""The printing commands of the command line (cli.py): ``brief``, ``followup`` and
``report`` (the report to Council, PDF or Word). Errors are the domain's, printed by
cli.main as one sentence (exit status 1)."""

from __future__ import annotations

import argparse
from pathlib import Path

from piel_desktop.domain.meetings import parse_meeting_numbers
from piel_desktop.i18n import _, format_list, ngettext, ui_language
from piel_desktop.reports import BRIEF_LANGUAGES

EXIT_OK = 0


def add_print_commands(commands) -> None:
    """Add ``brief``, ``followup`` and ``report`` to the subcommand parsers ``commands``."""
    brief = commands.add_parser("brief", help=_("print a PDF brief of meeting outcomes"))
    brief.add_argument("--lang", dest="brief_lang", metavar="LANG", type=str.lower,
                       help=_("language of the brief ({languages}); default: the interface language")
                       .format(languages=", ".join(BRIEF_LANGUAGES)))
    brief.add_argument("--parallel", metavar="LANG", type=str.lower,
                       help=_("a second language set side by side with the first (bilingual brief)"))
    brief.add_argument("--meetings", metavar="NUMBERS",
                       help=_("meetings to include, such as 9-14 or 9,12-14 (default: all)"))
    brief.add_argument("--out", type=Path, required=True, metavar="FILE",
                       help=_("PDF file to write"))

    followup = commands.add_parser("followup", help=_("print the follow-up brief: outcomes by status"))
    followup.add_argument("--lang", dest="brief_lang", metavar="LANG", type=str.lower,
                          help=_("language of the brief ({languages}); default: the interface language")
                          .format(languages=", ".join(BRIEF_LANGUAGES)))
    followup.add_argument("--meeting", type=int, metavar="NUMBER", help=_("only the outcomes of this meeting"))
    followup.add_argument("--status", action="append", default=[], metavar="STATUS",
                          help=_("only outcomes with this status (may be repeated)"))
    followup.add_argument("--out", type=Path, required=True, metavar="FILE", help=_("PDF file to write"))

    report = commands.add_parser("report", help=_("print the report to Council (PDF or Word)"))
    report.add_argument("--report", metavar="KEY|SYMBOL|YEAR",
                        help=_("the report, by its key, its symbol such as C20/57-E or its Council session's "
                               "year such as 2018 (default: the latest)"))
    report.add_argument("--lang", dest="report_lang", metavar="LANG", type=str.lower,
                        help=_("language of the report ({languages}); default: the interface language")
                        .format(languages=", ".join(BRIEF_LANGUAGES)))
    report.add_argument("--format", dest="report_format", metavar="FORMAT", type=str.lower,
                        help=_("pdf or docx (an editable Word document); default: from the file name, "
                               "pdf unless it ends in .docx"))
    report.add_argument("--parallel", metavar="LANG", type=str.lower,
                        help=_("a second language set side by side with the first (bilingual PDF)"))
    report.add_argument("--out", type=Path, required=True, metavar="FILE", help=_("file to write"))


def run_brief(args: argparse.Namespace, archive_path: Path) -> int:
    from piel_desktop.reports.brief import make_brief
    from piel_desktop.services.archive import open_archive
    numbers = list(parse_meeting_numbers(args.meetings)) if args.meetings is not None else None
    lang = ui_language() if args.brief_lang is None else args.brief_lang
    with open_archive(archive_path) as archive:
        result = make_brief(archive, lang=lang, out=args.out, meetings=numbers,
                            parallel=args.parallel)
    print(ngettext("Wrote {path} ({pages} page).", "Wrote {path} ({pages} pages).", result.pages)
          .format(path=result.path, pages=result.pages))
    print(_("Meetings included: {numbers}").format(
        numbers=format_list([str(n) for n in result.meetings], ui_language())))
    return EXIT_OK


def run_followup(args: argparse.Namespace, archive_path: Path) -> int:
    from piel_desktop.reports.tracker_brief import make_tracker_brief
    from piel_desktop.services.archive import open_archive
    from piel_desktop.services.tracker import TrackerFilter
    lang = ui_language() if args.brief_lang is None else args.brief_lang
    flt = TrackerFilter(meeting=args.meeting, statuses=tuple(args.status))
    with open_archive(archive_path) as archive:
        result = make_tracker_brief(archive, lang=lang, out=args.out, flt=flt)
    print(ngettext("Wrote {path} ({pages} page).", "Wrote {path} ({pages} pages).", result.pages)
          .format(path=result.path, pages=result.pages))
    return EXIT_OK


def run_report(args: argparse.Namespace, archive_path: Path) -> int:
    from piel_desktop.reports.council_report import make_report
    from piel_desktop.services.archive import open_archive
    lang = ui_language() if args.report_lang is None else args.report_lang
    with open_archive(archive_path) as archive:
        result = make_report(archive, report=args.report, lang=lang, fmt=args.report_format, out=args.out,
                             parallel=args.parallel)
    if result.pages is not None:
        print(ngettext("Wrote {path} ({pages} page).", "Wrote {path} ({pages} pages).", result.pages)
              .format(path=result.path, pages=result.pages))
    else:
        print(ngettext("Wrote {path} ({count} paragraph).", "Wrote {path} ({count} paragraphs).",
                       result.paragraphs).format(path=result.path, count=result.paragraphs))
    return EXIT_OK
