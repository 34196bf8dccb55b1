"""Command line: ``piel-desktop [--archive PATH] [--lang LANG] [COMMAND ...]``.

With no command the window opens (Qt is imported only then). Commands:

- ``init [--demo] [--office NAME]``: create an archive, refusing to overwrite one;
- ``brief --lang es [--parallel en] --meetings 9-14 --out FILE.pdf``: print a brief;
- ``followup --lang es [--meeting N] [--status S] --out FILE.pdf``: the follow-up brief;
- ``report [--report KEY|SYMBOL|YEAR] --lang es [--format pdf|docx] --out FILE [--parallel LANG]``:
  the report to Council (these three in cli_print.py);
- ``check``: integrity check, schema version and record counts;
- ``fingerprint``: the content fingerprint, equal in archives that hold the same records;
- ``export --to OFFICE --out FILE`` (or ``--full``): a package for another office;
- ``import FILE [--dry-run]``: check, preview and apply a package or a receipt;
- ``offices`` and ``conflicts``: the offices this archive knows, and open conflicts;
- ``search QUERY [--limit N]``: the window's search, one hit a line;
- ``users add NAME --role reader|clerk|admin``: an HQ archive's accounts.

The archive is ``--archive`` (a file, or an HQ archive's ``postgresql://`` address or
``service=NAME``), else ``$PIEL_ARCHIVE``, else the platform's default
(for the window: else the archive opened last). Expected errors print one sentence to
stderr and exit with status 1; usage errors exit with 2; an unexpected error prints
where its details were logged, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
from collections.abc import Callable
from pathlib import Path

from piel_desktop import APP_NAME, __version__, paths
from piel_desktop.domain.errors import NoDisplay, PielError, UnsupportedLanguage
from piel_desktop.i18n import _, format_number, ngettext, normalize_language, resolve_language, \
    set_ui_language, system_language_candidates, ui_language, ui_languages
from piel_desktop.services import PACKAGE_SUFFIX, TABLE_KINDS
from piel_desktop.messages import (
    RECORD_KIND_LABELS, conflict_line, describe, import_report, label, unexpected,
)
from piel_desktop.settings import Settings
from piel_desktop.cli_print import add_print_commands, run_brief, run_followup, run_report

log = logging.getLogger("piel_desktop")

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="piel-desktop", allow_abbrev=False,
        description=_("Offline records manager for the ITU Council Working Group on Child "
                      "Online Protection. Without a command, opens the window."))
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help=_("check that this installation works (languages, fonts, briefs, "
                               "packages) in a temporary folder, without a display, and exit"))
    parser.add_argument("--archive", type=_location, metavar="PATH",
                        help=_("archive to use: a file, or an HQ archive as postgresql://user@server/database "
                               "or service=NAME (default: $PIEL_ARCHIVE, else {path})")
                        .format(path=paths.default_archive_path()))
    parser.add_argument("--lang", dest="ui_lang", metavar="LANG",
                        help=_("interface language ({languages}); default: settings, else the system's")
                        .format(languages=", ".join(ui_languages())))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help=_("create a new archive"))
    init.add_argument("--demo", action="store_true",
                      help=_("fill it with the 2018 report of the working group to Council"))
    init.add_argument("--office", default="", metavar="NAME",
                      help=_("name of the office that keeps this archive; on an existing archive, renames it"))

    add_print_commands(commands)

    commands.add_parser("check", help=_("check the archive's integrity and count its records"))
    commands.add_parser("fingerprint", help=_("print the content fingerprint of the archive"))

    export = commands.add_parser("export", help=_("write a package of changes for another office"))
    export.add_argument("--to", metavar="OFFICE",
                        help=_("office the package is for: only what it has not seen goes in"))
    export.add_argument("--full", action="store_true", help=_("put every record in the package"))
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help=_("package file to write"))

    imports = commands.add_parser("import", help=_("apply a package or a receipt from another office"))
    imports.add_argument("package", type=Path, metavar="FILE", help=_("package file to read"))
    imports.add_argument("--dry-run", action="store_true",
                         help=_("show what the package would change, and change nothing"))
    imports.add_argument("--receipt-dir", type=Path, metavar="FOLDER",
                         help=_("where to write the receipt for the sender (default: beside the package)"))

    tables = commands.add_parser("table", help=_("write a list of records as a spreadsheet (CSV or XLSX)"))
    tables.add_argument("kind", choices=TABLE_KINDS, metavar="KIND",
                        help=_("records to list: {kinds}").format(kinds=", ".join(TABLE_KINDS)))
    tables.add_argument("--format", choices=("csv", "xlsx"), help=_("file format (default: from the file name)"))
    tables.add_argument("--out", type=Path, required=True, metavar="FILE", help=_("file to write"))

    bulk = commands.add_parser("import-table", help=_("add meetings or outcomes from a CSV or XLSX table"))
    bulk.add_argument("kind", choices=("meetings", "outcomes"), metavar="KIND",
                      help=_("records to add: meetings or outcomes"))
    bulk.add_argument("file", type=Path, metavar="FILE", help=_("the table (.csv or .xlsx)"))
    bulk.add_argument("--dry-run", action="store_true",
                      help=_("check every row and report, without adding anything"))

    commands.add_parser("offices", help=_("list this archive's office and the offices it knows"))
    commands.add_parser("conflicts", help=_("list the open conflicts between offices"))
    finder = commands.add_parser("search", help=_("search the texts of the archive, as the window's search does"))
    finder.add_argument("query", metavar="QUERY",
                        help=_('words to find; "quoted words" for a phrase, word* for a prefix'))
    finder.add_argument("--limit", type=int, default=50, metavar="N",
                        help=_("show at most N hits (default: 50)"))
    users = commands.add_parser("users", help=_("manage the accounts of an HQ archive (administrators)"))
    users.add_argument("action", choices=("add",), metavar="ACTION",
                       help=_("add: create an account, or move an existing one to another role"))
    users.add_argument("name", metavar="NAME", help=_("the person's login name, such as amina"))
    users.add_argument("--role", required=True, choices=("reader", "clerk", "admin"),
                       help=_("reader: reads and prints; clerk: also edits; admin: everything"))
    users.add_argument("--password-stdin", action="store_true",
                       help=_("read the new password from standard input instead of asking for it"))
    for command in commands.choices.values():  # --archive also after the command
        command.add_argument("--archive", type=_location, metavar="PATH", default=argparse.SUPPRESS,
                             help=_("archive to use (as before the command)"))
    return parser


def _location(text: str):
    """The archive ``--archive`` or ``$PIEL_ARCHIVE`` names: a Path, or the address of
    an HQ archive (services.archive.archive_location says which, and its errors)."""
    from piel_desktop.services.archive import archive_location
    return archive_location(text)


def _explicit_archive(args: argparse.Namespace):
    """The archive named by ``--archive`` or ``$PIEL_ARCHIVE``; None if neither."""
    value = os.environ.get(paths.ARCHIVE_ENV, "").strip()
    return args.archive or (_location(value) if value else None)


def _archive_path(args: argparse.Namespace):
    return _explicit_archive(args) or paths.default_archive_path()


def _run_init(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import create_archive, open_archive
    location = _archive_path(args)
    if args.office and not args.demo and isinstance(location, Path) and location.is_file():
        from piel_desktop.services.sync import set_office_name
        with open_archive(location) as archive:
            set_office_name(archive, args.office)
        print(_("The archive {path} is now kept by the office “{office}”.").format(
            path=location, office=args.office.strip()))
        return EXIT_OK
    with create_archive(location, demo=args.demo, office=args.office) as archive:
        shown = archive.shown
    print(_("Created the archive {path}.").format(path=shown) if not args.demo else
          _("Created the demo archive {path}.").format(path=shown))
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import check_archive, open_archive
    lang = ui_language()
    with open_archive(_archive_path(args)) as archive:
        report = check_archive(archive)
    print(_("Archive: {path}").format(path=report.location))
    print(_("Schema version: {version}").format(version=report.schema_version))
    print(_("Integrity: {result}").format(result=_("ok") if report.ok else _("problems found")))
    for problem in report.problems:
        print(f"  {problem}")
    for name, count in report.counts.items():
        print(f"{label(RECORD_KIND_LABELS, name)}: {format_number(count, lang)}")
    if report.fingerprint:
        print(_("Fingerprint: {fingerprint}").format(fingerprint=report.fingerprint))
    return EXIT_OK if report.ok else EXIT_ERROR


def _run_fingerprint(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import fingerprint, open_archive
    with open_archive(_archive_path(args)) as archive:
        print(fingerprint(archive))
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import open_archive
    from piel_desktop.services.sync import export_package
    if not args.to and not args.full:
        raise UsageError(_("say which office the package is for (--to OFFICE), or --full"))
    with open_archive(_archive_path(args)) as archive:
        result = export_package(archive, args.out, to=args.to, full=args.full)
    count = format_number(result.records, ui_language())
    if result.kind == "full":
        print(ngettext("Wrote {path}: a full package of {count} record.",
                       "Wrote {path}: a full package of {count} records.", result.records)
              .format(path=result.path, count=count))
    else:
        print(ngettext("Wrote {path}: {count} record that {office} has not seen.",
                       "Wrote {path}: {count} records that {office} has not seen.", result.records)
              .format(path=result.path, count=count, office=result.office))
    return EXIT_OK


def _run_import(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import open_archive
    from piel_desktop.services.sync import import_package
    with open_archive(_archive_path(args)) as archive:
        result = import_package(archive, args.package, dry_run=args.dry_run, receipt_dir=args.receipt_dir)
    for line in import_report(result):
        print(line)
    return EXIT_OK


def _run_table(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import open_archive
    from piel_desktop.services.tables import table, write_table
    with open_archive(_archive_path(args)) as archive:
        data = table(archive, args.kind)
    path = write_table(data, args.out, args.format)
    print(ngettext("Wrote {path} ({count} row).", "Wrote {path} ({count} rows).", len(data.rows))
          .format(path=path, count=len(data.rows)))
    return EXIT_OK


def _terminal_progress(label: str):
    """A Progress that keeps one line on the terminal ("Checking the table… 40 %")
    once a job has run half a second; silent when stderr is not a terminal."""
    import time

    from piel_desktop.domain.progress import Progress
    start, shown = time.monotonic(), [0.0]

    def report(done: int, total: int, _message: str) -> None:
        now = time.monotonic()
        if now - start >= 0.5 and now - shown[0] >= 0.2:
            shown[0] = now
            percent = format_number(min(100, 100 * done // max(total, 1)), ui_language())
            print(f"\r{label} {percent} %", end="", file=sys.stderr, flush=True)

    return Progress(report if sys.stderr.isatty() else None)


def _end_terminal_progress() -> None:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr, flush=True)


def _run_import_table(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import open_archive
    from piel_desktop.services.table_import import apply_import, plan_import
    with open_archive(_archive_path(args)) as archive:
        try:
            plan = plan_import(archive, args.file, args.kind, _terminal_progress(_("Checking the table…")))
        finally:
            _end_terminal_progress()
        if plan.encoding:
            print(_("Read as {encoding} text.").format(encoding=plan.encoding))
        for row in plan.invalid:
            for problem in row.problems:
                print(_("Line {line}: {problem}").format(line=row.line, problem=describe(problem)))
        if plan.ignored:
            print(_("Columns not used: {columns}").format(columns=", ".join(plan.ignored)))
        try:
            added = 0 if args.dry_run else apply_import(archive, plan, _terminal_progress(_("Adding the rows…")))
        finally:
            _end_terminal_progress()
    counts = {"valid": plan.valid_count, "invalid": len(plan.invalid), "added": added}
    if args.dry_run:
        print(ngettext("{valid} row can be added; {invalid} with problems would be left out.",
                       "{valid} rows can be added; {invalid} with problems would be left out.",
                       counts["valid"]).format(**counts))
    else:
        print(ngettext("Added {added} row; {invalid} with problems were left out.",
                       "Added {added} rows; {invalid} with problems were left out.",
                       added).format(**counts))
    return EXIT_OK if not plan.invalid else EXIT_ERROR


def _run_offices(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import open_archive
    from piel_desktop.services.sync import offices, own_key_fingerprint
    with open_archive(_archive_path(args)) as archive:
        found = offices(archive)
        own_key = own_key_fingerprint(archive)
    for office in found:
        mark = (_("this archive, key {key}").format(key=own_key) if office.is_local
                else office.key_fingerprint or _("no package received from it"))
        print(f"{office.name or '—'}\t{office.id}\t{mark}")
    return EXIT_OK


def _run_conflicts(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import open_archive
    from piel_desktop.services.sync.conflicts import list_conflicts
    with open_archive(_archive_path(args)) as archive:
        found = list_conflicts(archive)
    print(ngettext("{count} open conflict.", "{count} open conflicts.", len(found)).format(count=len(found)))
    for item in found:
        print(conflict_line(item))
    return EXIT_OK


def _run_users(args: argparse.Namespace) -> int:
    from piel_desktop.services.archive import add_account, open_archive
    with open_archive(_archive_path(args)) as archive:
        password = _new_password(args)
        new = add_account(archive, args.name, args.role, password)
        role = {"reader": _("reader"), "clerk": _("clerk"), "admin": _("administrator")}[args.role]
        print((_("Added the account “{name}” as {role} in {location}.") if new else
               _("The account “{name}” is now {role} in {location}.")).format(
            name=args.name, role=role, location=archive.shown))
    return EXIT_OK


def _new_password(args: argparse.Namespace) -> str | None:
    """The account's password: one line of standard input with ``--password-stdin``,
    else asked twice at a terminal (never an argument, which others could see); None
    when there is no terminal to ask at."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n") or None
    if not sys.stdin.isatty():
        return None
    import getpass
    first = getpass.getpass(_("Password for {name}: ").format(name=args.name))
    if first != getpass.getpass(_("The same password again: ")):
        raise UsageError(_("The two passwords differ; nothing was changed."))
    return first or None


def _run_search(args: argparse.Namespace) -> int:
    from piel_desktop.services import search
    from piel_desktop.services.archive import open_archive
    if args.limit < 1:
        raise UsageError(_("--limit must be a whole number above 0"))
    with open_archive(_archive_path(args)) as archive:
        hits = search.search(archive, args.query, limit=args.limit)
    if not hits:
        print(_("No results."))
    for hit in hits:
        meeting = "—" if hit.meeting_number is None else _("Meeting {number}").format(number=hit.meeting_number)
        print(f"{hit.kind} {hit.record_id}\t{meeting}\t{hit.lang}\t{excerpt(hit.text, hit.spans)}")
    return EXIT_OK


def excerpt(text: str, spans: tuple[tuple[int, int], ...], width: int = 200) -> str:
    """``text`` on one line with the ``spans`` (character ranges) in [brackets]; a
    longer text is cut to about ``width`` characters around its first span ("…")."""
    start, end = 0, len(text)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, first - width // 4)
        end = min(len(text), start + width)
    parts, at = [], start
    for low, high in spans:
        if high <= start or low >= end:
            continue
        low, high = max(low, start), min(high, end)
        parts += [text[at:low], "[", text[low:high], "]"]
        at = high
    parts.append(text[at:end])
    line = " ".join("".join(parts).split())
    return ("…" if start else "") + line + ("…" if end < len(text) else "")


def _run_window(args: argparse.Namespace, settings: Settings, package: Path | None = None) -> int:
    from piel_desktop.ui.app import run  # Qt is imported here and only here
    explicit = _explicit_archive(args)
    return run(archive=explicit, settings=settings, ui_lang=args.ui_lang, package=package)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "init": _run_init, "brief": lambda args: run_brief(args, _archive_path(args)),
    "followup": lambda args: run_followup(args, _archive_path(args)),
    "report": lambda args: run_report(args, _archive_path(args)),
    "check": _run_check, "fingerprint": _run_fingerprint,
    "export": _run_export, "import": _run_import, "offices": _run_offices, "conflicts": _run_conflicts,
    "table": _run_table, "import-table": _run_import_table, "search": _run_search,
    "users": _run_users,
}


class UsageError(Exception):
    """A command line that parses but does not make sense; exits with status 2."""


def _setup_logging() -> Path:
    """Log to a rotating file (tracebacks of unexpected errors included); return its path."""
    log_file = paths.log_dir() / paths.LOG_NAME
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(log_file) for h in root.handlers):
        return log_file
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    log.setLevel(logging.INFO)
    return log_file


def _opened_file(argv: list[str]) -> tuple[list[str], Path | None]:
    """A file named in place of a command, as a file manager or the menu entry passes
    it (``piel-desktop FILE``): an archive opens in the window, a package is checked
    for import. Returns the arguments without it, and the file (None if there is none)."""
    index = 0
    while index < len(argv):
        token = argv[index]
        if token in ("--lang", "--archive"):
            index += 2
            continue
        if token.startswith("-"):
            index += 1
            continue
        if token in COMMANDS:
            return argv, None
        path = paths.check_archive_location(token)  # a URL: refused in one sentence
        if path.suffix.lower() in (paths.ARCHIVE_SUFFIX, PACKAGE_SUFFIX) or path.is_file():
            return argv[:index] + argv[index + 1:], path
        return argv, None
    return argv, None


def _interface_language_option(argv: list[str]) -> str | None:
    """The value of the global ``--lang`` (before any command), read ahead of parsing
    because the parser's own help texts must already be in that language."""
    value, index = None, 0
    while index < len(argv):
        token = argv[index]
        if token in COMMANDS:
            break
        if token.startswith("--lang="):
            value = token.split("=", 1)[1]
        elif token in ("--lang", "--archive") and index + 1 < len(argv):
            value = argv[index + 1] if token == "--lang" else value
            index += 1
        index += 1
    return value


def _check_interface_language(requested: str | None) -> None:
    """Refuse a ``--lang`` the interface is not available in, rather than ignore it."""
    if requested is not None and normalize_language(requested) not in ui_languages():
        raise UnsupportedLanguage(lang=requested, supported=ui_languages())


def _check_display() -> None:
    """Without a display Qt aborts the process; say so in a sentence instead."""
    if (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
            and not os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("QT_QPA_PLATFORM")):
        raise NoDisplay()


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``piel-desktop``; returns the exit status."""
    _setup_logging()
    argv = sys.argv[1:] if argv is None else argv
    try:
        settings = Settings()
        requested = _interface_language_option(argv)
        set_ui_language(resolve_language(requested, settings.get("language"),
                                         candidates=system_language_candidates()))
        argv, opened = _opened_file(argv)
        args = _parser().parse_args(argv)
        _check_interface_language(args.ui_lang)
        if args.self_test:
            from piel_desktop.ui.selftest import run_self_test
            return run_self_test()
        if opened is not None and args.command is None:
            _check_display()
            if opened.suffix.lower() == PACKAGE_SUFFIX:
                return _run_window(args, settings, package=opened)
            args.archive = opened
        if args.command is None:
            _check_display()
            return _run_window(args, settings)
        return COMMANDS[args.command](args)
    except PielError as error:
        print(describe(error), file=sys.stderr)
        return EXIT_ERROR
    except UsageError as error:
        print(f"piel-desktop: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` or similar, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:
        log.exception("unexpected error running %s", argv)
        print(unexpected(), file=sys.stderr)
        return EXIT_ERROR
