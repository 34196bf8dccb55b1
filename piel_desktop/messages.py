"""Sentences shown to people: error messages and the names of coded values.

Errors carry a code and parameters (domain/errors.py); this module turns them into one
clear sentence in the interface language. Nothing here is shown with a traceback.
"""

from __future__ import annotations

from piel_desktop.domain.errors import PielError
from piel_desktop.i18n import N_, _, format_list, ngettext, ui_language

_ERRORS = {
    "archive-not-found": N_("There is no archive at {path}."),
    "archive-exists": N_("An archive already exists at {path}; it was left as it is."),
    "not-a-file": N_("{path} is a folder or a device, not a file."),
    "archive-read-only": N_("The archive {path} is read-only: the file or its folder cannot be "
                            "written. Copy it to a folder you can write to, then open the copy."),
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
    "output-not-writable": N_("The file {path} cannot be written: {reason}."),
    "invalid-value": N_("The value “{value}” is not valid for {field}."),
    "record-not-found": N_("The {kind} {id} is not in the archive (it may have been deleted)."),
    "cancelled": N_("Cancelled; nothing was changed."),
    "no-display": N_("The window needs a graphical display and none was found; the commands "
                     "(see piel-desktop --help) work without one."),
}

_REASONS = {
    "no-file-name": N_("the path does not end in a file name"),
    "is-the-archive": N_("that is the archive itself"),
    "not-sqlite": N_("it is not a database file"),
    "foreign-database": N_("it is a database of another program"),
    "unknown-schema": N_("its structure is unknown to this program"),
}


_MOST_SHOWN = 5  # items of a list parameter; more become "…"
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
    if error.code == "unknown-meetings":
        return ngettext("The archive has no meeting numbered {numbers}.",
                        "The archive has no meetings numbered {numbers}.",
                        len(error.params["numbers"]))
    template = _ERRORS.get(error.code)
    return _(template) if template else _("Unexpected problem: {code}")


def describe(error: PielError) -> str:
    """One sentence in the interface language saying what went wrong."""
    params = {key: _shown(value) for key, value in error.params.items()}
    if error.params.get("reason") in _REASONS:
        params["reason"] = _(_REASONS[error.params["reason"]])
    try:
        return _template(error).format(code=error.code, **params)
    except (KeyError, IndexError):  # a catalog with a wrong placeholder must not crash
        return _("Unexpected problem: {code}").format(code=error.code)


def unexpected(log_file: str) -> str:
    return _("Something went wrong inside PIeL Desktop. Nothing was changed; the details "
             "were written to {log}.").format(log=log_file)


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
}
