"""Sentences shown to people: error messages and the names of coded values.

Errors carry a code and parameters (domain/errors.py); this module turns them into one
clear sentence in the interface language. Nothing here is shown with a traceback.
"""

from __future__ import annotations

import datetime as dt
import logging

from piel_desktop.domain.errors import PielError
from piel_desktop.domain.model import RIGHT_TO_LEFT
from piel_desktop.paths import LOG_NAME, log_dir
from piel_desktop.i18n import N_, _, format_datetime, format_list, format_number, ngettext, ui_language

_ERRORS = {
    "archive-not-found": N_("There is no archive at {path}."),
    "archive-is-url": N_("“{location}” is a connection address, not an archive: name a file "
                         "such as archive.piel, or an HQ archive as postgresql://user@server/"
                         "database; nothing was created."),
    "server-address-invalid": N_("“{location}” is not a PostgreSQL address that can be used "
                                 "({detail}). Write it as postgresql://user@server/database "
                                 "or service=NAME."),
    "server-unreachable": N_("The database server of {location} cannot be reached ({detail}). "
                             "Check the address and that the server is running; nothing was "
                             "changed."),
    "login-refused": N_("The server of {location} refused the login of “{user}”: the password "
                        "is wrong or there is no such account."),
    "database-not-found": N_("The server of {location} has no database “{database}”. Ask its "
                             "administrator to create an empty one."),
    "server-too-old": N_("The server of {location} runs PostgreSQL {found}; HQ archives need "
                         "PostgreSQL {supported} or newer."),
    "not-permitted": N_("The account “{user}” may not make this change in {location}: its role "
                        "does not allow it. Nothing was changed."),
    "accounts-on-server-only": N_("{path} is an archive file, which has no accounts: only an HQ "
                                  "archive on a PostgreSQL server has logins and roles."),
    "archive-exists": N_("An archive already exists at {path}; it was left as it is."),
    "not-a-file": N_("{path} is a folder or a device, not a file."),
    "archive-read-only": N_("The archive {path} is read-only: the file or its folder cannot be "
                            "written. Copy it to a folder you can write to, then open the copy."),
    "archive-in-use": N_("The archive {path} is in use by {user} on the computer {host} (opened "
                         "{since}). Close it there first, or share changes with packages."),
    "not-an-archive": N_("{path} is not a PIeL Desktop archive ({reason})."),
    "newer-schema": N_("{path} was saved by a newer version of PIeL Desktop (archive schema "
                       "{found}; this version reads up to {supported}). Install the newer "
                       "version to open it; the file was not changed."),
    "archive-unreadable": N_("The archive {path} cannot be used: {reason}."),
    "archive-damaged": N_("The archive {path} is damaged and cannot be read ({detail}). "
                          "Restore it from a backup copy."),
    "archive-not-empty": N_("The archive {path} already holds records; the demo data is only "
                            "loaded into an empty archive."),
    "demo-data-invalid": N_("The demo data file is damaged at {where}: {problem}."),
    "invalid-meeting-selection": N_("“{text}” is not a meeting selection; write numbers and "
                                    "ranges such as 9-14 or 9,12-14."),
    "unsupported-language": N_("“{lang}” is not an available language; the available ones "
                               "are {supported}."),
    "nothing-to-print": N_("The chosen meetings have no outcomes to print."),
    "unsupported-format": N_("“{fmt}” is not a format this installation can write; it writes {supported}."),
    "format-not-file-name": N_("{path} does not end in .{fmt}: name the file so, or leave out the "
                               "format to take it from the file name."),
    "parallel-needs-pdf": N_("A report with two languages side by side can only be written as a PDF."),
    "output-not-writable": N_("The file {path} cannot be written: {reason}."),
    "folder-not-writable": N_("The folder {path} cannot be written ({reason}). Check that the disk "
                              "is not full and that you may write there; nothing was changed."),
    "invalid-value": N_("The value “{value}” is not valid for {field}."),
    "value-required": N_("{field} must be filled in."),
    "not-a-country": N_("“{value}” is not an ISO 3166 country code (two letters, such as KE or FR)."),
    "year-out-of-range": N_("The year must be between {first} and {last}."),
    "not-a-link": N_("“{value}” is not a web address; write one address per line, starting with https:// or http://."),
    "end-before-start": N_("The end ({value}) is before the start ({start})."),
    "not-a-choice": N_("{field} cannot be “{value}”; choose one of {choices}."),
    "revised-before-adopted": N_("The year of revision ({value}) is before the year of adoption ({first})."),
    "not-a-parent": N_("Clause {value} cannot be the parent: a parent clause belongs to the same "
                       "instrument and is neither the clause itself nor one of its sub-clauses."),
    "number-in-use": N_("Another meeting already has the number {value}."),
    "not-a-time-zone": N_("“{value}” is not a time zone; for example Europe/Zurich (Geneva)."),
    "time-without-zone": N_("A start time needs its time zone, for example Europe/Zurich (Geneva)."),
    "nonexistent-local-time": N_("{value} does not exist in {zone} on {date}: the clocks go "
                                 "forward then; choose a time outside the gap."),
    "ambiguous-local-time": N_("{value} happens twice in {zone} on {date}: the clocks go back "
                               "then; choose a time outside that hour."),
    "not-a-meeting": N_("The archive has no meeting numbered {value}."),
    "no-shared-outcomes": N_("Meetings are reported together through the outcomes they share; "
                             "record this meeting's outcomes first."),
    "step-not-possible": N_("That step cannot be taken: the records it concerns have changed since."),
    "date-in-future": N_("The date {value} is later than today ({today}); write the date it happened."),
    "file-unreadable": N_("The file {path} cannot be read: {reason}."),
    "table-unreadable": N_("{path} cannot be read as a table: {reason}. Nothing was added."),
    "table-cell-too-long": N_("Row {line} of {path} has a cell longer than {limit} characters, the "
                              "most a cell may hold; shorten that cell. Nothing was added."),
    "table-too-long": N_("{path} has more than {most} rows, the most one import takes; split the "
                         "file into parts of at most {most} rows and import them one after "
                         "another. Nothing was added."),
    "not-a-label": N_("{field} cannot be “{value}”; did you mean “{suggestion}”?"),
    "table-columns-missing": N_("The table {path} has no column for {columns}. Name the columns "
                                "as File → Export list names them."),
    "record-not-found": N_("The {kind} {id} is not in the archive (it may have been deleted)."),
    "restore-needs-parent": N_("“{label}” cannot be restored: a record it belongs to is deleted "
                               "too. Restore that one first."),
    "restore-clash": N_("“{label}” cannot be restored: a record added since has the same "
                        "number. Change or delete that one first."),
    "nothing-to-restore": N_("That deletion is no longer in the trash; it was restored already."),
    "cancelled": N_("Cancelled; nothing was changed."),
    "no-display": N_("The window needs a graphical display and none was found; the commands "
                     "(see piel-desktop --help) work without one."),
    "not-a-package": N_("{path} is not a PIeL Desktop package ({reason}); the archive was not changed."),
    "package-version": N_("{path} was made by a newer version of PIeL Desktop (package format "
                          "{found}; this version reads up to {supported}); the archive was not changed."),
    "package-damaged": N_("The package {path} is damaged: its part {entry} is {problem}. Ask the "
                          "office for a new copy; the archive was not changed."),
    "package-unsafe": N_("The package {path} holds an entry named “{entry}”, which a package never "
                         "has; it was refused and the archive was not changed."),
    "package-too-large": N_("The package {path} is larger than allowed ({limit}); it was refused "
                            "and the archive was not changed."),
    "package-signature": N_("The signature of the package {path} (from “{office}”) does not "
                            "match its content: it was altered after it was made. It was refused "
                            "and the archive was not changed."),
    "package-key-mismatch": N_("The package {path} claims to come from the office “{office}” but is "
                               "signed with another key ({found}; the office's key is {known}). "
                               "It was refused and the archive was not changed."),
    "package-record": N_("The package {path} has a malformed record at {line}: {problem}. "
                         "The archive was not changed."),
    "package-missing-reference": N_("The package {path} has a {kind} record ({key}) that refers to "
                                    "a {parent} that exists neither in the package nor in the "
                                    "archive. The archive was not changed."),
    "package-duplicate": N_("The package {path} has a {kind} record that clashes with a different "
                            "record of this archive ({detail}). The archive was not changed."),
    "package-needs-earlier": N_("The package {path} from “{office}” continues earlier packages that "
                                "this archive has not received. Import those first, or ask the "
                                "office for a full package; the archive was not changed."),
    "package-clock-ahead": N_("The package {path} from “{office}” carries changes dated {date}, "
                              "far later than this computer's clock. Check the date on both "
                              "computers; the archive was not changed."),
    "package-from-this-archive": N_("The package {path} was made by this archive itself; there is "
                                    "nothing to import."),
    "unknown-office": N_("No office named “{office}” is known to this archive (known: {known}). "
                         "An office becomes known with its first package; for a new office "
                         "export a full package."),
    "undo-not-possible": N_("The last import cannot be undone: {reason}."),
    "conflict-not-open": N_("That conflict is no longer open; the list has been refreshed."),
}

_REASONS = {
    "format": N_("it is neither a CSV text file nor an XLSX workbook"),
    "encoding": N_("its text encoding cannot be told; in Excel, save it with File → Save As "
                   "and the type “CSV UTF-8 (Comma delimited)”, then import that file"),
    "changed": N_("the file changed after it was checked; check it again"),
    "no-file-name": N_("the path does not end in a file name"),
    "is-the-archive": N_("that is the archive itself"),
    "not-sqlite": N_("it is not a database file"),
    "foreign-database": N_("it is a database of another program"),
    "unknown-schema": N_("its structure is unknown to this program"),
    "not-zip": N_("it is not a package file"),
    "truncated": N_("the file is cut short; it may not have been copied completely"),
    "no-manifest": N_("it has no signed manifest"),
    "bad-manifest": N_("its manifest is malformed"),
    "missing": N_("the file does not exist"),
    "no-import": N_("no package has been imported"),
    "edited-since": N_("the archive has changed since"),
    "backup-missing": N_("its backup copy is gone"),
    "same-meeting-number": N_("both archives have a meeting with this number, made separately; "
                              "one of them must be renumbered or deleted first"),
    "is-a-folder": N_("it is a folder"),
    "no-such-folder": N_("its folder does not exist"),
    "not-a-package-file": N_("a file of that name exists and is not a package; it was left as it is"),
    "not-a-writable-folder": N_("it is not a folder this program can write to"),
    "checksum-mismatch": N_("not what was signed (its checksum differs)"),
    "longer-than-declared": N_("longer than the manifest says"),
    "shorter-than-declared": N_("shorter than the manifest says"),
    "unreadable": N_("unreadable (its compressed data is damaged)"),
    "not-json": N_("not a JSON object"),
    "not-an-object": N_("not a JSON object"),
    "line-too-long": N_("a line longer than a package may have"),
}


def _package_limit(params: dict, entry: str) -> str:
    """The limit a package went beyond (errors.PackageTooLarge), in the interface language;
    ``entry`` is the part's name as shown."""
    limit, amount = params.get("limit"), params.get("amount", 0)
    number = format_number(amount, ui_language()) if isinstance(amount, int) else str(amount)
    if limit == "entries":
        text = ngettext("more than {amount} part", "more than {amount} parts", amount)
    elif limit == "ratio":
        text = _("its part {entry} compressed more than {amount} to 1")
    elif limit == "total":
        text = _("more than {amount} GiB in all")
    elif limit == "entry-size":
        text = _("a part larger than {amount} GiB")
    elif limit == "part-size":
        text = ngettext("its part {entry} larger than {amount} byte",
                        "its part {entry} larger than {amount} bytes", amount)
    else:
        return str(limit)
    return text.format(amount=number, entry=entry)


_MOST_SHOWN = 6  # items of a list parameter (the six languages fit); more become "…"
_LONGEST_VALUE = 80  # characters of a value quoted back to the user


def _shown(value) -> str:
    """A parameter as people read it: lists as lists, long values cut short."""
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
        if len(items) > _MOST_SHOWN:
            return ", ".join(items[:_MOST_SHOWN]) + ", …"
        return format_list(items, ui_language())
    text = str(value)
    return text if len(text) <= _LONGEST_VALUE else text[:_LONGEST_VALUE - 1] + "…"


def _template(error: PielError) -> str:
    if error.code == "unknown-office" and error.params.get("known") == ("own",):
        return _("“{office}” is this archive's own office; a package goes to another office.")
    if error.code == "status-move-refused":
        if not error.params.get("allowed"):
            return _("An outcome that is “{current}” cannot change status any more.")
        return _("An outcome that is “{current}” cannot become “{new}”; it can become {allowed}.")
    if error.code == "unknown-meetings":
        return ngettext("The archive has no meeting numbered {numbers}.",
                        "The archive has no meetings numbered {numbers}.",
                        len(error.params["numbers"]))
    template = _ERRORS.get(error.code)
    return _(template) if template else _("Unexpected problem: {code}")


def describe(error: PielError, kind: str | None = None) -> str:
    """One sentence in the interface language saying what went wrong; ``kind`` names
    the kind of record being edited (services/registries.py), for the field's name."""
    params = {key: _shown(value) for key, value in error.params.items()}
    if ui_language() in RIGHT_TO_LEFT:  # a path keeps its own left-to-right order
        params.update({key: isolated(value) for key, value in params.items()
                       if key in ("path", "entry")})
    if error.code in ("invalid-value", "value-required", "not-a-choice", "not-a-label") and (
            error.params.get("field") in FIELD_LABELS):
        params["field"] = field_label(error.params["field"], kind)
    if error.code == "not-a-choice":
        params["choices"] = format_list([f"“{choice_label(error.params['field'], c)}”"
                                         for c in error.params["choices"]], ui_language(), style="or")
    if error.code in ("table-cell-too-long", "table-too-long"):  # 131,072 as the language writes it
        params.update({key: format_number(error.params[key], ui_language())
                       for key in ("limit", "most", "line") if key in error.params})
    if error.code == "table-columns-missing":
        params["columns"] = format_list([f"“{label(FIELD_LABELS, c)}”" for c in error.params["columns"]],
                                        ui_language())
    if error.code == "status-move-refused":  # status codes as people read them
        params.update(current=label(STATUS_LABELS, error.params["current"]),
                      new=label(STATUS_LABELS, error.params["new"]),
                      allowed=format_list([f"“{label(STATUS_LABELS, s)}”" for s in error.params["allowed"]],
                                          ui_language(), style="or") if error.params["allowed"] else "")
    if error.code == "archive-in-use":  # a time in the lock file: shown in local time
        try:
            params["since"] = format_datetime(dt.datetime.fromisoformat(error.params["since"]), ui_language())
        except (KeyError, ValueError, TypeError):
            pass
    if error.code == "package-too-large":
        params["limit"] = _package_limit(error.params, params.get("entry", ""))
    for name in ("reason", "problem", "detail"):
        if error.params.get(name) in _REASONS:
            params[name] = _(_REASONS[error.params[name]])
    try:
        return _template(error).format(code=error.code, **params)
    except (KeyError, IndexError):  # a catalog with a wrong placeholder must not crash
        return _("Unexpected problem: {code}").format(code=error.code)


def isolated(path) -> str:
    """``path`` marked to keep its own left-to-right order inside right-to-left text
    (Unicode isolates, UAX #9); unchanged in a left-to-right interface."""
    return f"\u2066{path}\u2069" if ui_language() in RIGHT_TO_LEFT else str(path)


def unexpected() -> str:
    """The sentence for an error nobody expected: where its details were logged, if the
    log file (``log_dir() / LOG_NAME``) could be opened."""
    log_file = str(log_dir() / LOG_NAME)
    if not any(getattr(h, "baseFilename", None) == log_file for h in logging.getLogger().handlers):
        return _("Something went wrong inside PIeL Desktop. Nothing was changed.")
    return _("Something went wrong inside PIeL Desktop. Nothing was changed; the details "
             "were written to {log}.").format(log=isolated(log_file))


KIND_LABELS = {
    "recommendation": N_("Recommendation"),
    "agreement": N_("Agreement"),
    "decision": N_("Decision"),
    "request": N_("Request"),
    "proposal": N_("Proposal"),
    "discussion": N_("Discussion"),
}

STATUS_LABELS = {
    "proposed": N_("Proposed"),
    "agreed": N_("Agreed"),
    "in_progress": N_("In progress"),
    "implemented": N_("Implemented"),
    "superseded": N_("Superseded"),
    "withdrawn": N_("Withdrawn"),
}

ADDRESSEE_LABELS = {
    "secretariat": N_("Secretariat"),
    "member_states": N_("Member States"),
    "members": N_("Members"),
    "itu": N_("ITU"),
}


def label(table: dict[str, str], code: str | None) -> str:
    """The translated name of a coded value; unknown codes are shown as they are."""
    if code is None:
        return ""
    return _(table[code]) if code in table else code

RECORD_KIND_LABELS = {
    "body": N_("Bodies"),
    "instrument": N_("Instruments"),
    "clause": N_("Clauses"),
    "meeting": N_("Meetings"),
    "outcome": N_("Outcomes"),
    "report": N_("Reports"),
    "achievement": N_("Achievements"),
    "consultation": N_("Consultations"),
    "organisation": N_("Organisations"),
    "text_version": N_("Text versions"),
    "country_effort": N_("Country efforts"),
    "practice": N_("Good practices"),
    "document": N_("Documents"),
    "follow_up_note": N_("Follow-up notes"),
    "report_paragraph": N_("Report paragraphs"),
}


#: One record of each kind, by table name (the trash, lists of mixed records).
RECORD_NAMES = {
    "body": N_("Body"), "instrument": N_("Instrument"), "clause": N_("Clause"),
    "meeting": N_("Meeting"), "outcome": N_("Outcome"), "report": N_("Report"),
    "achievement": N_("Achievement"), "consultation": N_("Consultation"),
    "organisation": N_("Organisation"), "text": N_("Text"), "text_version": N_("Language version"),
    "country_effort": N_("Country effort"), "practice": N_("Good practice"),
    "document": N_("Document"), "meeting_outcome": N_("Link"), "outcome_organisation": N_("Link"),
    "practice_document": N_("Link"), "report_paragraph": N_("Report paragraph"),
    "report_meeting": N_("Link"), "report_quote": N_("Quoted clause"),
}


#: Names of record fields as people read them (conflicts, previews).
FIELD_LABELS = {
    "body": N_("Text"), "status": N_("Status"), "kind": N_("Kind"), "label": N_("Label"),
    "addressee": N_("Addressee"), "position": N_("Position"), "number": N_("Number"),
    "start_date": N_("Start date"), "end_date": N_("End date"), "chair": N_("Chair"),
    "format": N_("Format"), "parent_id": N_("Parent outcome"), "lang": N_("Language"),
    "outcome_id": N_("Outcome"), "text_id": N_("Text"), "venue_id": N_("Venue"),
    "start_time": N_("Start time"), "time_zone": N_("Time zone"),
    "name_id": N_("Name"), "acronym_id": N_("Acronym"), "topic_id": N_("Topic"),
    "results_id": N_("Results"), "title_id": N_("Title"), "summary_id": N_("Summary"),
    "audience": N_("Audience"), "languages": N_("Languages"), "period_start": N_("Start of period"),
    "period_end": N_("End of period"), "symbol": N_("Document symbol"), "date": N_("Date"),
    "former_name": N_("Former name"), "meeting_id": N_("Meeting"), "_deleted": N_("Deleted or kept"),
    "meeting": N_("Meeting"), "text": N_("Text"), "original": N_("Original language"),
    "file": N_("File"), "rows": N_("Number of rows"),
    "country": N_("Country"), "year": N_("Year"), "title": N_("Title"),
    "description": N_("Description"), "links": N_("Links"), "contact": N_("Contact"),
    "partners": N_("Partners"), "summary": N_("Summary"), "organisation_id": N_("Organisation"),
    "documents": N_("Documents"), "language": N_("Language"), "public": N_("Public"),
    "references_id": N_("References"), "agenda_item": N_("Agenda item"),
    "original_language": N_("Original language"), "quote_heading_id": N_("Heading of the quoted clauses"),
    "lists_achievements": N_("Lists the achievements"), "paragraph_id": N_("Report paragraph"),
    "clause_id": N_("Clause"), "report_id": N_("Report"), "meetings": N_("Meetings"),
    "paragraphs": N_("Paragraphs"), "quotes": N_("Quoted clauses"),
    "file_name": N_("File name"), "blob_sha256": N_("File"), "size": N_("Size"),
    "document_id": N_("Document"), "practice_id": N_("Practice"),
    "reported_with": N_("Reported together with"),
    "due_date": N_("Due date"), "note_id": N_("Follow-up note"),
    "recipient": N_("Addressed to"), "session_year": N_("Session (year)"),
    "action_requested_id": N_("Action requested"), "issuer": N_("Adopted by"),
    "adopted_year": N_("Year adopted"), "revised_year": N_("Year last revised"),
    "citation_id": N_("Citation"), "section": N_("Section"), "instrument_id": N_("Instrument"),
}

#: Field names that differ by the kind of record (services/registries.py), by (kind, field).
KIND_FIELD_LABELS = {
    ("clause", "parent_id"): N_("Part of clause"),
    ("clause", "number"): N_("Number (as printed)"),
}


def field_label(field: str, kind: str | None = None) -> str:
    """The translated name of a record field, as the record ``kind`` has it."""
    if (kind, field) in KIND_FIELD_LABELS:
        return _(KIND_FIELD_LABELS[kind, field])
    return label(FIELD_LABELS, field)


#: Names of the codes of the registries' coded fields (services/mandate.py), by field.
CHOICE_LABELS = {
    "recipient": {"council": N_("Council"), "plenipotentiary": N_("Plenipotentiary Conference")},
    "issuer": {"council": N_("Council"), "plenipotentiary": N_("Plenipotentiary Conference")},
    "kind": {"resolution": N_("Resolution"), "decision": N_("Decision")},
    "section": {
        "considering": N_("considering"), "recognizing": N_("recognizing"), "noting": N_("noting"),
        "bearing_in_mind": N_("bearing in mind"), "resolves": N_("resolves"), "decides": N_("decides"),
        "instructs": N_("instructs"), "requests": N_("requests"), "invites": N_("invites"),
        "encourages": N_("encourages"), "urges": N_("urges"),
    },
}


def choice_label(field: str, code: str | None) -> str:
    """The translated name of the code of a coded registry field ("" for none)."""
    return label(CHOICE_LABELS.get(field, {}), code)


def instrument_name(kind: str, number: str, issuer: str) -> str:
    """"Resolution 179 (Plenipotentiary Conference)": how an instrument is named."""
    return _("{kind} {number} ({issuer})").format(
        kind=choice_label("kind", kind), number=number, issuer=choice_label("issuer", issuer))

#: One record of each kind, for previews and conflicts.
RECORD_KIND_SINGULAR = {
    "body": N_("Body"), "instrument": N_("Instrument"), "clause": N_("Clause"),
    "meeting": N_("Meeting"), "outcome": N_("Outcome"), "report": N_("Report"),
    "achievement": N_("Achievement"), "consultation": N_("Consultation"),
    "organisation": N_("Organisation"), "text": N_("Text"), "text_version": N_("Text"),
    "meeting_outcome": N_("Link"), "outcome_organisation": N_("Link"), "conflict": N_("Conflict"),
    "country_effort": N_("Country effort"), "practice": N_("Good practice"),
    "document": N_("Document"), "practice_document": N_("Link"),
    "follow_up_note": N_("Follow-up note"), "follow_up_document": N_("Link"),
    "report_paragraph": N_("Report paragraph"), "report_meeting": N_("Link"),
    "report_quote": N_("Quoted clause"),
}

ACTION_LABELS = {
    "new": N_("new"), "changed": N_("changed"), "deleted": N_("deleted"), "restored": N_("restored"),
}


def counts_sentence(counts) -> str:
    """"3 new, 2 changed, 1 conflict" from a mapping of action (and "conflict") to
    counts; parts that are zero are left out ("" if all are)."""
    forms = {
        "new": lambda n: ngettext("{count} new", "{count} new", n),
        "changed": lambda n: ngettext("{count} changed", "{count} changed", n),
        "deleted": lambda n: ngettext("{count} deleted", "{count} deleted", n),
        "restored": lambda n: ngettext("{count} restored", "{count} restored", n),
        "conflict": lambda n: ngettext("{count} conflict", "{count} conflicts", n),
    }
    return ", ".join(form(counts[key]).format(count=counts[key])
                     for key, form in forms.items() if counts.get(key))


def meeting_heading(number: int | None, unsorted: bool = False) -> str:
    if unsorted:
        return _("Further records (not sorted by meeting)")
    return _("Meeting {number}").format(number=number) if number is not None else _("Other records")


def import_report(result) -> list[str]:
    """Lines describing an import (services.sync.ImportResult), for the command line."""
    if result.key_is_new and result.dry_run:
        lines = [_("Package from the office “{office}”, new to this archive; its key is {key}.").format(
            office=result.office, key=result.key_fingerprint)]
    elif result.key_is_new:
        lines = [_("Package from the office “{office}”, new to this archive; its key {key} is kept "
                   "to check its later packages.").format(office=result.office, key=result.key_fingerprint)]
    else:
        lines = [_("Package from the office “{office}” (key {key}).").format(
            office=result.office, key=result.key_fingerprint)]
    if result.made_for:
        lines.append(_("It was made for the office “{office}”.").format(office=result.made_for))
    if result.already_applied:
        lines.append(_("This package was already applied; nothing changed."))
        if result.receipt:
            lines.append(_("Receipt for the sender: {path}").format(path=result.receipt))
        return lines
    if result.kind == "receipt":
        return lines + [_("Receipt noted: later packages for this office leave out what it has.")
                        if not result.dry_run else _("This is a receipt; nothing was changed (dry run).")]
    for group in result.preview.groups:
        lines.append(f"{meeting_heading(group.meeting, group.unsorted)}: {counts_sentence(group.counts)}")
    if result.preview.empty:
        lines.append(_("The package holds nothing new for this archive."))
    else:
        lines.append(_("In all: {counts}.").format(counts=counts_sentence(result.preview.counts)))
    if result.dry_run:
        lines.append(_("Nothing was changed (dry run)."))
    else:
        if result.backup:
            lines.append(_("Applied. Backup copy made before: {path}").format(path=result.backup))
        else:
            lines.append(_("Applied; nothing changed, so no backup copy was needed."))
        if result.receipt:
            lines.append(_("Receipt for the sender: {path}").format(path=result.receipt))
    return lines


def coded_values(field: str) -> dict[str, str] | None:
    """code -> translated name of a coded field (status, kind, addressee); else None."""
    names = {"status": STATUS_LABELS, "kind": KIND_LABELS, "addressee": ADDRESSEE_LABELS}.get(field)
    return {code: _(name) for code, name in names.items()} if names else None


def value_text(value, field: str = "") -> str:
    """A record value as shown beside its rival in a conflict; coded values by name."""
    if field == "_deleted":
        return _("deleted") if value else _("kept")
    if value is None or value == "":
        return "—"
    names = {"status": STATUS_LABELS, "kind": KIND_LABELS, "addressee": ADDRESSEE_LABELS}.get(field)
    return label(names, str(value)) if names else str(value)


def conflict_line(item) -> str:
    """One line for a conflict (services.conflicts.ConflictItem), for the command line."""
    where = meeting_heading(item.meetings[0] if item.meetings else None)
    field = label(FIELD_LABELS, item.field)
    if item.kind == "deleted":
        return _("{where}: {kind} “{record}” was deleted by {current_by} while {other_by} changed "
                 "its {field} to “{other}”.").format(
            where=where, kind=label(RECORD_KIND_SINGULAR, item.table), record=item.record,
            current_by=item.current_by, other_by=item.other_by, field=field, other=value_text(item.other, item.field))
    return _("{where}: {kind} “{record}”, {field}: “{current}” ({current_by}) kept, "
             "“{other}” ({other_by}) set aside.").format(
        where=where, kind=label(RECORD_KIND_SINGULAR, item.table), record=item.record, field=field,
        current=value_text(item.current, item.field), current_by=item.current_by,
        other=value_text(item.other, item.field), other_by=item.other_by)
