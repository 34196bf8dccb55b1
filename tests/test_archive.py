"""Archive files: create, migrate, reopen, refuse what is not ours or too new."""

from __future__ import annotations

import datetime as dt
import json
import hashlib
import sqlite3

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from piel_desktop.domain.errors import ArchiveExists, ArchiveNotFound, NewerSchema, NotAnArchive
from piel_desktop.services import records
from piel_desktop.services.archive import check_archive, create_archive, open_archive
from piel_desktop.storage import schema
from piel_desktop.storage.sqlite import file as sqlite_file
from piel_desktop.storage.models import Base
from piel_desktop.storage.search_index import include_in_autogenerate


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sql(path, statement: str) -> list[tuple]:
    """Run one statement on a file with plain sqlite3 (as another program would)."""
    con = sqlite3.connect(path)
    try:
        with con:
            return con.execute(statement).fetchall()
    finally:
        con.close()


def _add_body(archive):
    from piel_desktop.storage import models as m
    from piel_desktop.storage.texts import new_text
    with archive.unit_of_work() as uow:
        uow.session.add(m.Body(name_id=new_text(uow.session, {"es": "Grupo"}, original="es")))
        uow.commit()


def test_create_then_reopen(tmp_path):
    path = tmp_path / "office.piel"
    with create_archive(path, office="Regional Office Americas") as archive:
        replica = archive.replica_id
        assert archive.schema_version == schema.schema_head()
    with open_archive(path) as again:
        assert again.replica_id == replica
        with again.unit_of_work() as uow:
            assert uow.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert uow.session.execute(text("PRAGMA application_id")).scalar() == sqlite_file.APPLICATION_ID
            assert uow.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    with open_archive(path) as again:
        assert check_archive(again).ok


def test_create_refuses_to_overwrite(tmp_path):
    path = tmp_path / "office.piel"
    path.write_bytes(b"precious")
    with pytest.raises(ArchiveExists):
        create_archive(path)
    assert path.read_bytes() == b"precious"


def test_open_missing_file(tmp_path):
    with pytest.raises(ArchiveNotFound):
        open_archive(tmp_path / "nothing.piel")


def test_older_archive_is_migrated_with_a_backup(tmp_path):
    """A file of ours at an older schema (here: schema 1, with a record) is brought up
    to the newest schema on open, after a backup copy of the old file is written."""
    path = tmp_path / "old.piel"
    engine = sqlite_file.make_engine(path, foreign_keys=False)
    with engine.begin() as connection:
        cfg = schema.alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0001")
        connection.exec_driver_sql(f"PRAGMA application_id = {sqlite_file.APPLICATION_ID}")
        connection.exec_driver_sql("INSERT INTO replica VALUES ('ab' || lower(hex(randomblob(15))), 'HQ', 1, '2020-01-01T00:00:00+00:00')")
        connection.exec_driver_sql("INSERT INTO text SELECT 'cd' || lower(hex(randomblob(15))), created_at, created_at, id FROM replica")
    engine.dispose()
    tables = {r[0] for r in _sql(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "tombstone" not in tables
    old_bytes = _digest(path)

    with open_archive(path) as archive:
        assert archive.schema_version == schema.schema_head()
        assert check_archive(archive).ok
        _add_body(archive)
        records.add_meeting(archive, number=9, start_date=dt.date(2015, 1, 23))
        assert [m.number for m in records.list_meetings(archive)] == [9]
    backup = tmp_path / f"old.piel.before-schema-{schema.schema_head()}"
    assert backup.is_file()
    assert _sql(backup, "SELECT count(*) FROM sqlite_master WHERE name='tombstone'") == [(0,)]
    assert old_bytes != _digest(path)
    # The record from schema 1 is stamped by the local replica, so it can travel.
    assert {json.loads(c)["*"][17:] for (c,) in _sql(path, "SELECT sync_clock FROM text")} == {
        r for (r,) in _sql(path, "SELECT lower(id) FROM replica WHERE is_local")}


def test_newer_schema_is_refused_and_file_untouched(tmp_path):
    path = tmp_path / "future.piel"
    create_archive(path).close()
    _sql(path, "UPDATE alembic_version SET version_num = '9999'")
    before = _digest(path)
    with pytest.raises(NewerSchema) as caught:
        open_archive(path)
    assert caught.value.params["found"] == 9999
    assert caught.value.params["supported"] == schema.schema_head()
    assert _digest(path) == before


@pytest.mark.parametrize("content, reason", [
    (b"", "not-sqlite"),
    (b"%PDF-1.7 not an archive", "not-sqlite"),
])
def test_files_that_are_not_archives(tmp_path, content, reason):
    path = tmp_path / "x.piel"
    path.write_bytes(content)
    with pytest.raises(NotAnArchive) as caught:
        open_archive(path)
    assert caught.value.params["reason"] == reason
    assert path.read_bytes() == content


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    _sql(path, "CREATE TABLE t (x)")
    before = _digest(path)
    with pytest.raises(NotAnArchive) as caught:
        open_archive(path)
    assert caught.value.params["reason"] == "foreign-database"
    assert _digest(path) == before


def test_dates_and_timestamps_round_trip(tmp_path):
    path = tmp_path / "dates.piel"
    with create_archive(path) as archive:
        records.add_meeting(archive, number=14, start_date=dt.date(2018, 1, 23),
                            end_date=dt.date(2018, 1, 24))
    with open_archive(path) as archive:
        (meeting,) = records.list_meetings(archive)
        assert meeting.start_date == dt.date(2018, 1, 23)
        assert type(meeting.start_date) is dt.date
        assert meeting.end_date == dt.date(2018, 1, 24)
        from piel_desktop.storage import models as m
        with archive.unit_of_work() as uow:
            row = uow.session.get(m.Meeting, meeting.id)
            assert row.created_at.tzinfo is not None and row.created_at.utcoffset() == dt.timedelta(0)
            assert row.changed_by == archive.replica_id
            raw = uow.session.execute(text("SELECT start_date, created_at FROM meeting")).one()
    assert raw[0] == "2018-01-23"
    assert raw[1].endswith("+00:00")


def test_naive_timestamps_are_refused(tmp_path):
    from piel_desktop.storage.models import UTCDateTime
    with pytest.raises(ValueError):
        UTCDateTime().process_bind_param(dt.datetime(2026, 1, 1, 12, 0), None)


def test_migrations_match_the_models(tmp_path):
    """Autogenerate finds nothing to do against a freshly migrated archive."""
    path = tmp_path / "fresh.piel"
    create_archive(path).close()
    engine = sqlite_file.make_engine(path)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "render_as_batch": True, "include_object": include_in_autogenerate})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_failed_write_leaves_the_archive_unchanged(demo):
    from piel_desktop.domain.errors import InvalidValue
    before = check_archive(demo).fingerprint
    with pytest.raises(InvalidValue):
        records.add_outcome(demo, text="x", lang="xx", meeting_ids=[records.list_meetings(demo)[0].id])
    with pytest.raises(InvalidValue):
        records.add_meeting(demo, number=9, start_date=dt.date(2020, 1, 1))  # number taken
    assert check_archive(demo).fingerprint == before


@pytest.mark.parametrize("damage", ["truncate", "overwrite"])
def test_damaged_archive_is_reported_and_left_alone(demo_path, damage):
    from piel_desktop.domain.errors import ArchiveDamaged
    size = demo_path.stat().st_size
    with demo_path.open("r+b") as f:
        if damage == "truncate":
            f.truncate(size // 3)
        else:
            f.seek(size // 2)
            f.write(b"\xff" * 8192)
    before = _digest(demo_path)
    try:
        with open_archive(demo_path) as archive:
            report = check_archive(archive)
    except ArchiveDamaged as error:  # too damaged to open at all
        assert error.params["detail"]
    else:  # opens, and the check says what is wrong instead of failing
        assert not report.ok and report.problems and report.counts == {}
    assert _digest(demo_path) == before


def test_an_error_inside_a_unit_of_work_rolls_everything_back(demo):
    from piel_desktop.storage import models as m
    before = check_archive(demo).fingerprint
    with pytest.raises(RuntimeError):
        with demo.unit_of_work() as uow:
            meeting = uow.session.query(m.Meeting).filter_by(number=9).one()
            meeting.start_date = dt.date(1999, 1, 1)
            uow.session.flush()
            raise RuntimeError("interrupted")
    assert check_archive(demo).fingerprint == before


def test_refused_files_get_no_companions(tmp_path):
    path = tmp_path / "future.piel"
    create_archive(path).close()
    _sql(path, "UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(NewerSchema):
        open_archive(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.piel"]


def test_archive_without_migration_history_is_not_guessed_at(tmp_path):
    path = tmp_path / "odd.piel"
    create_archive(path).close()
    _sql(path, "DROP TABLE alembic_version")
    before = _digest(path)
    with pytest.raises(NotAnArchive) as caught:
        open_archive(path)
    assert caught.value.params["reason"] == "unknown-schema"
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.piel"]


def test_read_only_archive(demo_path, monkeypatch):
    from piel_desktop.domain.errors import ArchiveReadOnly
    import types
    # Root may write anywhere, so the test takes the answer from os.access itself.
    monkeypatch.setattr(sqlite_file, "os", types.SimpleNamespace(
        access=lambda path, mode: False, W_OK=2))
    with pytest.raises(ArchiveReadOnly):
        open_archive(demo_path)


def test_folders_are_not_archives(tmp_path):
    from piel_desktop.domain.errors import NotAFile
    with pytest.raises(NotAFile):
        open_archive(tmp_path)
    with pytest.raises(NotAFile):
        create_archive(tmp_path)


def test_office_name_length_is_checked(tmp_path):
    from piel_desktop.domain.errors import InvalidValue
    with pytest.raises(InvalidValue):
        create_archive(tmp_path / "a.piel", office="x" * 201)
    assert not list(tmp_path.iterdir())


def test_no_wal_on_network_shares(demo_path, monkeypatch):
    monkeypatch.setattr(sqlite_file, "on_network_filesystem", lambda path: True)
    with open_archive(demo_path) as archive:
        with archive.unit_of_work() as uow:
            assert uow.session.execute(text("PRAGMA journal_mode")).scalar() == "delete"


def test_a_failed_migration_leaves_the_archive_as_it_was(tmp_path, monkeypatch):
    """A newer program whose migration fails half-way: the file is unchanged, no backup
    copy is left behind, and the error is a sentence, not a traceback."""
    import shutil
    from piel_desktop.domain.errors import ArchiveUnreadable
    path = tmp_path / "office.piel"
    with create_archive(path) as archive:
        records.add_meeting(archive, number=9, start_date=dt.date(2015, 1, 23))
    before = _digest(path)
    scripts = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, scripts)
    head = schema.schema_head()
    (scripts / "versions" / f"{head + 1:04d}_broken.py").write_text(
        '"""A migration that fails after changing things."""\n'
        "from alembic import op\n"
        "import sqlalchemy as sa\n"
        f"revision = '{head + 1:04d}'\ndown_revision = '{head:04d}'\nbranch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n"
        "    op.add_column('meeting', sa.Column('room', sa.String(20)))\n"
        "    op.execute('DROP TABLE meeting_outcome')\n"
        "    raise RuntimeError('migration bug')\n\n"
        "def downgrade():\n    pass\n", encoding="utf-8")
    monkeypatch.setattr(schema, "MIGRATIONS", scripts)
    assert schema.schema_head() == head + 1
    with pytest.raises(ArchiveUnreadable) as caught:
        open_archive(path)
    assert "migration bug" in caught.value.params["reason"]
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("office")) == ["office.piel"]
    monkeypatch.undo()
    with open_archive(path) as archive:
        assert [m.number for m in records.list_meetings(archive)] == [9]


def test_remembered_fingerprint_follows_every_change(demo):
    from piel_desktop.services.archive import fingerprint
    from piel_desktop.storage import queries
    first = fingerprint(demo)
    assert fingerprint(demo) == first  # remembered: same state, same value
    meeting = next(m for m in records.list_meetings(demo) if m.number == 14)
    outcome = records.meeting_outcomes(demo, [meeting.id])[0]
    records.set_outcome_text(demo, outcome.id, "fr", "Créer un registre en ligne")
    second = fingerprint(demo)
    assert second != first
    queries._FINGERPRINTS.clear()
    assert fingerprint(demo) == second  # what was remembered is what a fresh hash gives
    records.set_outcome_text(demo, outcome.id, "fr", "Créer un registre")
    assert fingerprint(demo) not in (first, second)


def test_archive_at_schema_3_gains_the_registries(tmp_path):
    """A file made by the previous schema (0003), with a consultation, opens: its
    records are kept, the registries and documents exist and are tracked for sync."""
    import uuid
    from piel_desktop.services import registries, sync
    path = tmp_path / "three.piel"
    engine = sqlite_file.make_engine(path, foreign_keys=False)
    replica = uuid.uuid4().hex
    with engine.begin() as connection:
        cfg = schema.alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0003")
        run = connection.exec_driver_sql
        run(f"PRAGMA application_id = {sqlite_file.APPLICATION_ID}")
        when = "2020-01-01T00:00:00.000000+00:00"
        run("INSERT INTO replica (id, name, is_local, created_at) VALUES (?, 'HQ', 1, ?)", (replica, when))
        stamp = f"{1 << 40:016x}.{replica}"
        run("INSERT INTO changeset (stamp, context) VALUES (?, ?)", (stamp, json.dumps({replica: 1 << 40})))
        run("UPDATE replica SET covered = ? WHERE id = ?", (1 << 40, replica))
        run("UPDATE sync_state SET stamp = ?", (stamp,))
        ids = {name: uuid.uuid4().hex for name in ("name", "topic", "body", "consultation")}
        for owner in ("name", "topic"):
            run("INSERT INTO text (id, created_at, updated_at, changed_by) VALUES (?, ?, ?, ?)",
                (ids[owner], when, when, replica))
            run("INSERT INTO text_version (id, created_at, updated_at, changed_by, text_id, lang, body, status,"
                " revision) VALUES (?, ?, ?, ?, ?, 'es', ?, 'original', 1)",
                (uuid.uuid5(uuid.UUID(ids[owner]), "es").hex, when, when, replica, ids[owner],
                 "Grupo" if owner == "name" else "Ciberacoso en los medios sociales"))
        run("INSERT INTO body (id, created_at, updated_at, changed_by, name_id) VALUES (?, ?, ?, ?, ?)",
            (ids["body"], when, when, replica, ids["name"]))
        run("INSERT INTO consultation (id, created_at, updated_at, changed_by, body_id, topic_id, audience,"
            " languages) VALUES (?, ?, ?, ?, ?, ?, 'youth', 'es')",
            (ids["consultation"], when, when, replica, ids["body"], ids["topic"]))
        run("UPDATE sync_state SET stamp = NULL")
    engine.dispose()
    assert _sql(path, "SELECT version_num FROM alembic_version") == [("0003",)]

    with open_archive(path) as archive:
        assert archive.schema_version == schema.schema_head() >= 4
        assert check_archive(archive).ok
        consultation = uuid.UUID(ids["consultation"])
        assert registries.values(archive, "consultation", consultation) == {
            "topic_id": "Ciberacoso en los medios sociales", "period_start": None, "period_end": None,
            "languages": "es", "partners": None, "results_id": None}
        registries.edit(archive, "consultation", consultation, {"partners": "UNICEF"})
        registries.create(archive, "effort", {"country": "ES", "year": 2017, "title": "Plan"})
        registries.create(archive, "document", {"symbol": "C18/35-S", "title": "Informe"})
        exported = sync.export_package(archive, tmp_path / "all.pielpkg", full=True)
        assert exported.records == 8  # 2 texts, 2 versions, body, consultation, effort, document
    assert (tmp_path / f"three.piel.before-schema-{schema.schema_head()}").is_file()
    triggers = {name for (name,) in _sql(path, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table in ("country_effort", "document", "practice", "practice_document", "consultation"):
        assert {f"sync_{table}_{verb}" for verb in ("insert", "update", "delete")} <= triggers
    clock = json.loads(_sql(path, f"SELECT sync_clock FROM consultation WHERE id = '{ids['consultation']}'")[0][0])
    assert set(clock) == {"*", "partners", "updated_at"} and clock["*"] == stamp  # only the edit is new
    assert _sql(path, "SELECT count(*) FROM country_effort WHERE sync_clock IS NOT NULL") == [(1,)]
