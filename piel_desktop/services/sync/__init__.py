"""Sync between offices by package files: one package of services.

- ``exchange``: offices, export, import (check, preview, apply), receipts, undo of an import;
- ``package_format``: the package file (signed NDJSON in a ZIP) read and written;
- ``package_merge``: a package's records merged into the archive in one transaction;
- ``preview``: what an import changes, described for people;
- ``conflicts``: the open conflicts between offices, and their resolution.

The use cases the window and the command line call are re-exported here, so that
``from piel_desktop.services import sync`` then ``sync.import_package(...)`` reads as
one service. See docs/package-format.md for the file format.
"""

from piel_desktop.services.sync.exchange import (
    ExportResult, ImportResult, Office, export_package, find_office, import_package,
    last_import, offices, own_key_fingerprint, safe_file_name, set_office_name,
    undo_last_import, write_receipt,
)

__all__ = [
    "ExportResult", "ImportResult", "Office", "export_package", "find_office",
    "import_package", "last_import", "offices", "own_key_fingerprint", "safe_file_name",
    "set_office_name", "undo_last_import", "write_receipt",
]
