"""The archive schema's Alembic history, common to every kind of archive.

Revision ids are zero-padded integers ("0001"); that integer is the schema version
shown to people. The scripts are in ``storage/migrations``.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

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

