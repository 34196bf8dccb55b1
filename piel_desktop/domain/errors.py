"""Errors raised by the core. Each has a stable ``code`` and keyword parameters; the
sentence shown to people is made from them by :mod:`piel_desktop.messages`, in the
interface language, so no user-facing text lives here."""

from __future__ import annotations

from typing import Any, ClassVar


class PielError(Exception):
    """Base of every expected error. ``params`` fill the message template."""

    code: ClassVar[str] = "error"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(f"{self.code}: {params}")


class ArchiveIsUrl(PielError):
    """A connection address (``scheme://...``) given where an archive file is expected:
    archives are files until the PostgreSQL archive exists. params: location"""

    code = "archive-is-url"


class ServerAddressInvalid(PielError):
    """A PostgreSQL address that cannot be read, or a URL of another kind.
    params: location (without password), detail"""

    code = "server-address-invalid"


class ServerUnreachable(PielError):
    """The database server does not answer (wrong host or port, server down, network).
    params: location, detail"""

    code = "server-unreachable"


class LoginRefused(PielError):
    """The server refused the login: wrong password, or no such account. params:
    location, user"""

    code = "login-refused"


class DatabaseNotFound(PielError):
    """The server has no database of that name. params: location, database"""

    code = "database-not-found"


class ServerTooOld(PielError):
    """The PostgreSQL server is older than HQ archives need. params: location, found,
    supported (major versions)"""

    code = "server-too-old"


class NotPermitted(PielError):
    """The server refused a change because the account's role does not allow it (a
    reader editing, a clerk importing). params: location, user"""

    code = "not-permitted"


class AccountsOnServerOnly(PielError):
    """Accounts and roles belong to HQ archives; a file is single-user. params: path"""

    code = "accounts-on-server-only"


class ArchiveNotFound(PielError):
    """params: path"""

    code = "archive-not-found"


class ArchiveExists(PielError):
    """params: path"""

    code = "archive-exists"


class NotAFile(PielError):
    """A folder or device was given where a file is needed. params: path"""

    code = "not-a-file"


class ArchiveReadOnly(PielError):
    """The archive or its folder cannot be written. params: path"""

    code = "archive-read-only"


class ArchiveInUse(PielError):
    """Another program has the archive open. params: path, user, host, since"""

    code = "archive-in-use"


class NotAnArchive(PielError):
    """params: path, reason"""

    code = "not-an-archive"


class NewerSchema(PielError):
    """The archive was written by a newer program. params: path, found, supported"""

    code = "newer-schema"


class ArchiveUnreadable(PielError):
    """The file exists but cannot be opened or created. params: path, reason"""

    code = "archive-unreadable"


class ArchiveDamaged(PielError):
    """SQLite finds the file corrupt (truncated, overwritten). params: path, detail"""

    code = "archive-damaged"


class ArchiveNotEmpty(PielError):
    """params: path"""

    code = "archive-not-empty"


class DemoDataInvalid(PielError):
    """The bundled demo data file is malformed. params: where, problem"""

    code = "demo-data-invalid"


class InvalidMeetingSelection(PielError):
    """params: text"""

    code = "invalid-meeting-selection"


class UnknownMeetings(PielError):
    """params: numbers (tuple of int)"""

    code = "unknown-meetings"


class UnsupportedLanguage(PielError):
    """params: lang, supported (tuple of codes)"""

    code = "unsupported-language"


class NothingToPrint(PielError):
    """The selection holds no outcomes. params: none"""

    code = "nothing-to-print"


class OutputNotWritable(PielError):
    """params: path, reason"""

    code = "output-not-writable"


class InvalidValue(PielError):
    """A field of a record was given a value it cannot take. params: field, value"""

    code = "invalid-value"


class ValueRequired(InvalidValue):
    """A field that must be filled in was left empty. params: field"""

    code = "value-required"


class NotACountry(InvalidValue):
    """Not an ISO 3166-1 alpha-2 code. params: field, value"""

    code = "not-a-country"


class YearOutOfRange(InvalidValue):
    """params: field, value, first, last"""

    code = "year-out-of-range"


class NotALink(InvalidValue):
    """A line of a list of web addresses that is not one. params: field, value"""

    code = "not-a-link"


class NotAChoice(InvalidValue):
    """A coded field given a code it does not take (a clause's section, a report's
    recipient). params: field, value, choices (tuple of the codes it takes)"""

    code = "not-a-choice"


class RevisedBeforeAdopted(InvalidValue):
    """A year of revision before the year of adoption. params: field (the later
    year's), value, first (the earlier year)"""

    code = "revised-before-adopted"


class NotAParent(InvalidValue):
    """A clause given a parent clause of another instrument, itself or one of its own
    sub-clauses. params: field, value"""

    code = "not-a-parent"


class DateInFuture(InvalidValue):
    """A date of something that has happened is later than today. params: field, value
    (the date, ISO), today (ISO)"""

    code = "date-in-future"


class FileUnreadable(InvalidValue):
    """A file to attach cannot be read. params: field, path, reason"""

    code = "file-unreadable"


class EndBeforeStart(InvalidValue):
    """An end date before its start date. params: field (the end's), value, start
    (ISO dates)"""

    code = "end-before-start"


class NumberInUse(InvalidValue):
    """Another meeting has this number. params: field, value"""

    code = "number-in-use"


class NotAMeeting(InvalidValue):
    """No meeting of the archive has this number. params: field, value"""

    code = "not-a-meeting"


class NoSharedOutcomes(InvalidValue):
    """A meeting without outcomes cannot be reported together with others (the link is
    the outcomes they share). params: field, value"""

    code = "no-shared-outcomes"


class RecordNotFound(PielError):
    """params: kind, id"""

    code = "record-not-found"


class FolderNotWritable(PielError):
    """A folder the program must write in (an archive's, the backups', the data
    folder) cannot be created or written. params: path, reason"""

    code = "folder-not-writable"


class RestoreNeedsParent(PielError):
    """A deleted record cannot come back because a record it belongs to is deleted
    too. params: label"""

    code = "restore-needs-parent"


class RestoreClash(PielError):
    """A deleted record cannot come back because a record made since holds its number.
    params: label"""

    code = "restore-clash"


class NothingToRestore(PielError):
    """The deletion asked for is not in the trash (restored since). params: none"""

    code = "nothing-to-restore"


class NoDisplay(PielError):
    """The window was asked for where there is no graphical display."""

    code = "no-display"


class Cancelled(PielError):
    """The user cancelled a long operation; nothing was changed."""

    code = "cancelled"


# -- packages (sync between offices) -------------------------------------------------

class BadPackage(PielError):
    """Base of every refused package; the archive is left unchanged. params: path, ..."""

    code = "bad-package"


class NotAPackage(BadPackage):
    """params: path, reason ("not-zip", "truncated", "no-manifest", "bad-manifest")"""

    code = "not-a-package"


class PackageVersionUnsupported(BadPackage):
    """params: path, found, supported"""

    code = "package-version"


class PackageDamaged(BadPackage):
    """An entry cannot be read or does not match the manifest. params: path, entry,
    problem ("unreadable", "checksum-mismatch", "longer-than-declared",
    "shorter-than-declared")"""

    code = "package-damaged"


class PackageUnsafe(BadPackage):
    """An entry name is absolute, climbs out with "..", or is not part of the format.
    params: path, entry"""

    code = "package-unsafe"


class PackageTooLarge(BadPackage):
    """params: path, limit ("entries", "ratio", "total", "entry-size", "part-size"),
    amount (the limit: a count, GiB, bytes or the ratio N of N:1), entry (for "ratio"
    and "part-size")"""

    code = "package-too-large"


class PackageSignatureInvalid(BadPackage):
    """params: path, office"""

    code = "package-signature"


class PackageKeyMismatch(BadPackage):
    """A known office signs with another key. params: path, office, known, found"""

    code = "package-key-mismatch"


class PackageRecordInvalid(BadPackage):
    """params: path, line, problem"""

    code = "package-record"


class PackageMissingReference(BadPackage):
    """params: path, kind, key, parent"""

    code = "package-missing-reference"


class PackageDuplicate(BadPackage):
    """Two records with different identities claim one unique value. params: path, kind, detail"""

    code = "package-duplicate"


class PackageNeedsEarlier(BadPackage):
    """An incremental package assumes changes this archive has not seen. params: path, office"""

    code = "package-needs-earlier"


class PackageClockAhead(BadPackage):
    """The package's clocks are far ahead of this computer's. params: path, office, date"""

    code = "package-clock-ahead"


class PackageFromThisArchive(BadPackage):
    """params: path"""

    code = "package-from-this-archive"


class UnknownOffice(PielError):
    """params: office, known (tuple of names)"""

    code = "unknown-office"


class StepNotPossible(PielError):
    """An undo or redo whose records changed since (one came back another way)."""

    code = "step-not-possible"


class UndoNotPossible(PielError):
    """params: reason ("no-import", "edited-since", "backup-missing")"""

    code = "undo-not-possible"


class ConflictNotOpen(PielError):
    """The conflict was resolved meanwhile, or its record is gone. params: none"""

    code = "conflict-not-open"


class StatusMoveRefused(PielError):
    """An outcome's status cannot go from ``current`` to ``new`` (domain STATUS_MOVES).
    params: current, new, allowed (tuple of status values, maybe empty)"""

    code = "status-move-refused"


class TableColumnsMissing(PielError):
    """A table to import lacks required columns. params: path, columns (field codes)"""

    code = "table-columns-missing"


class TableUnreadable(PielError):
    """A file given as a table to import is missing or is not a CSV/XLSX table we
    read. params: path, reason ("missing", "format", "encoding": a text whose
    encoding cannot be told, "changed": the file changed after it was checked)"""

    code = "table-unreadable"


class TableCellTooLong(PielError):
    """A cell of a CSV table is longer than a cell may be. params: path, line (the
    row, 1 the heading), limit (characters)"""

    code = "table-cell-too-long"


class TableTooLong(PielError):
    """A table has more rows than one import takes. params: path, most (rows)"""

    code = "table-too-long"


class NotALabel(InvalidValue):
    """A coded value (kind, status, language) matches no label; ``suggestion`` is the
    closest label, as people read it. params: field, value, suggestion"""

    code = "not-a-label"


class NotATimeZone(InvalidValue):
    """A time zone name that is not an IANA zone. params: field, value"""

    code = "not-a-time-zone"


class TimeWithoutZone(InvalidValue):
    """A meeting start time given without its time zone. params: field, value"""

    code = "time-without-zone"


class NonexistentLocalTime(InvalidValue):
    """A local time skipped when the clocks go forward. params: field, value (HH:MM),
    date (ISO), zone"""

    code = "nonexistent-local-time"


class AmbiguousLocalTime(InvalidValue):
    """A local time that happens twice when the clocks go back. params: field, value
    (HH:MM), date (ISO), zone"""

    code = "ambiguous-local-time"


class UnsupportedFormat(PielError):
    """A document format this installation cannot write. params: fmt, supported
    (tuple of format names, "pdf", "docx")"""

    code = "unsupported-format"


class FormatNotFileName(PielError):
    """A document format other than the one its file name ends in (a PDF asked for
    as "report.docx"). params: path, fmt"""

    code = "format-not-file-name"


class ParallelNeedsPdf(PielError):
    """A bilingual (side by side) document asked for in a format other than PDF.
    params: fmt"""

    code = "parallel-needs-pdf"
