"""The archive schema's Alembic history, common to every kind of archive.

Revision ids are zero-padded integers ("0001"); that integer is the schema version
shown to people. The scripts are in ``storage/migrations``.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from piel_desktop.domain.errors import NewerSchema, NotAnArchive

#: "PIEL" in ASCII; marks a database as a PIeL Desktop archive (a file's ``PRAGMA
#: application_id``, a server database's ``piel_archive`` table).
APPLICATION_ID = 0x5049454C
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at the archive's migration scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def schema_head() -> int:
    """The newest schema version this program knows."""
    return int(ScriptDirectory.from_config(alembic_config()).get_current_head())


def known_revisions() -> set[str]:
    """Every revision id of the history ("0001", ...)."""
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}



def schema_version_of(revision: str | None, has_tables: bool, where: str) -> int:
    """The schema version of an archive marked as ours whose ``alembic_version`` holds
    ``revision`` (None: no row); ``has_tables`` whether it holds any other table.
    0 for a marked archive without tables (no migration applied yet). Raises
    NewerSchema (params: path, found, supported) for a newer program's schema and
    NotAnArchive (params: path, reason "unknown-schema") for one this history does not
    know; ``where`` names the archive in them."""
    if revision is None and not has_tables:
        return 0
    if revision in known_revisions():
        return int(revision)
    head = schema_head()
    if revision and revision.isdigit() and int(revision) > head:
        raise NewerSchema(path=where, found=int(revision), supported=head)
    raise NotAnArchive(path=where, reason="unknown-schema")
