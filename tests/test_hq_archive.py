"""An HQ archive on a real PostgreSQL server (issue 15): created by ``init``, opened,
edited and searched by several staff at once, guarded by each account's role. The
service suite runs on both kinds
of archive too (the modules marked ``both_backends``, tests/conftest.py)."""

from __future__ import annotations

import threading

import psycopg
import pytest

from piel_desktop.domain.errors import (
    AccountsOnServerOnly, ArchiveExists, InvalidValue, NotAnArchive, NotPermitted,
)
from piel_desktop.services import records, search
from piel_desktop.services.archive import add_account, check_archive, create_archive, fingerprint, open_archive
from piel_desktop.services.sync import export_package, import_package
from piel_desktop.storage.schema import schema_head

from conftest import run_cli as _cli
from sync_helpers import exchange

def _tables(pg_server, database: str) -> list[str]:
    listed = pg_server.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", database)
    return listed.split() if listed else []


def _first_outcome(archive, number=14):
    meeting = next(m for m in records.list_meetings(archive) if m.number == number)
    return records.meeting_outcomes(archive, [meeting.id])[0]


def test_the_demo_on_a_server_holds_what_the_demo_file_holds(pg_server, pg_database, demo_path):
    with create_archive(pg_server.url(pg_database), demo=True) as hq, open_archive(demo_path) as laptop:
        on_server, in_file = check_archive(hq), check_archive(laptop)
        assert hq.on_server and hq.path is None and not laptop.on_server
    assert on_server.ok and on_server.counts == in_file.counts and on_server.counts["outcome"] == 24
    assert on_server.fingerprint == in_file.fingerprint


def test_init_check_and_fingerprint_from_the_command_line(pg_server, pg_database, demo_path):
    url = pg_server.url(pg_database)
    shown = pg_server.url(pg_database, password=None)
    done = _cli("--archive", url, "init", "--demo", "--office", "HQ Geneva")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Created the demo archive {shown}." and "piel-test" not in done.stdout
    checked = _cli("--archive", url, "check")
    assert checked.returncode == 0 and "Integrity: ok" in checked.stdout and f"Archive: {shown}" in checked.stdout
    with open_archive(demo_path) as laptop:
        assert _cli("--archive", url, "fingerprint").stdout.strip() == fingerprint(laptop)
    again = _cli("init", "--archive", url)
    assert again.returncode == 1 and "Traceback" not in again.stderr
    [line] = again.stderr.strip().splitlines()  # one sentence (a long address is shortened)
    assert line.startswith(f"An archive already exists at {shown[:40]}") and line.endswith("it was left as it is.")


def test_init_refuses_a_database_holding_other_tables_and_writes_nothing(pg_server, pg_database):
    pg_server.sql("CREATE TABLE invoices (id integer)", pg_database)
    with pytest.raises(NotAnArchive):
        create_archive(pg_server.url(pg_database))
    assert _tables(pg_server, pg_database) == ["invoices"]


def test_a_failed_init_leaves_the_database_empty(pg_server, pg_database, monkeypatch):
    import piel_desktop.services.demo as demo_module

    def broken(archive, body_only=False):
        raise RuntimeError("disk full, say")
    monkeypatch.setattr(demo_module, "load_demo", broken)
    with pytest.raises(RuntimeError):
        create_archive(pg_server.url(pg_database), demo=True)
    assert _tables(pg_server, pg_database) == []
    monkeypatch.undo()
    create_archive(pg_server.url(pg_database)).close()  # and the database can be used again
    assert "outcome" in _tables(pg_server, pg_database)


def test_creating_twice_is_refused(pg_server, pg_database):
    create_archive(pg_server.url(pg_database)).close()
    with pytest.raises(ArchiveExists):
        create_archive(pg_server.url(pg_database))


def test_a_clerk_edits_and_a_reader_sees_it_but_cannot_edit(staff):
    with open_archive(staff["carlos"]) as clerk:
        outcome = _first_outcome(clerk)
        records.edit_outcome(clerk, outcome.id, status="in_progress", addressee="secretariat")
    with open_archive(staff["rania"]) as reader:
        assert records.outcome_fields(reader, outcome.id)["addressee"] == "secretariat"
        before = fingerprint(reader)
        with pytest.raises(NotPermitted) as refused:
            records.edit_outcome(reader, outcome.id, addressee="member states")
        assert refused.value.params == {"location": staff["rania"].replace(":pw-rania", ""), "user": "rania"}
        assert fingerprint(reader) == before


def test_a_readers_edit_from_the_command_line_is_one_sentence(staff):
    done = _cli("--archive", staff["rania"], "init", "--office", "Rania's office")
    # init on an existing HQ archive is refused before the role matters
    assert done.returncode == 1 and "already exists" in done.stderr and "Traceback" not in done.stderr
    added = _cli("--archive", staff["rania"], "users", "add", "mallory", "--role", "admin", "--password-stdin",
                 stdin="x\n")
    assert added.returncode == 1 and "Traceback" not in added.stderr
    [line] = added.stderr.strip().splitlines()
    assert line.startswith("The account “rania” may not make this change in postgresql://rania@127.0.0.1:")
    assert line.endswith("its role does not allow it. Nothing was changed.") and "pw-rania" not in line


def test_a_readers_own_sql_connection_cannot_update(staff, pg_server):
    database = staff["rania"].rsplit("/", 1)[1]
    with psycopg.connect(host="127.0.0.1", port=pg_server.port, dbname=database, user="rania",
                         password="pw-rania") as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("UPDATE outcome SET addressee = 'x'")


def test_accounts_and_bad_names(staff, demo_path):
    with open_archive(staff["ada"]) as admin:
        assert add_account(admin, "rania", "clerk", None) is False  # moved, not new
        with pytest.raises(InvalidValue):
            add_account(admin, 'x"; DROP TABLE outcome; --', "reader", None)
        with pytest.raises(InvalidValue):
            add_account(admin, "someone", "owner", None)
    with open_archive(staff["rania"]) as now_clerk:
        records.edit_outcome(now_clerk, _first_outcome(now_clerk).id, addressee="now a clerk")
    with open_archive(demo_path) as laptop, pytest.raises(AccountsOnServerOnly):
        add_account(laptop, "rania", "clerk", None)


def test_two_staff_saving_different_fields_of_one_outcome_at_once_both_keep_theirs(demo_server_url):
    """Each in its own connection and transaction; the second waits for the first's
    changeset (the replica row is locked), so neither overwrites the other."""
    first, second = open_archive(demo_server_url), open_archive(demo_server_url)
    outcome = _first_outcome(first)
    started, errors = threading.Barrier(2), []

    def save(archive, **change):
        try:
            started.wait()
            records.edit_outcome(archive, outcome.id, **change)
        except Exception as e:  # reported below
            errors.append(e)
    threads = [threading.Thread(target=save, args=(first,), kwargs={"addressee": "secretariat"}),
               threading.Thread(target=save, args=(second,), kwargs={"label": "9-x"})]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    fields = records.outcome_fields(first, outcome.id)
    assert fields["addressee"] == "secretariat" and fields["label"] == "9-x"
    with first.unit_of_work() as uow:
        stamps = [r[0] for r in uow.raw.execute("SELECT stamp FROM changeset ORDER BY stamp DESC LIMIT 2")]
    assert len(set(stamps)) == 2  # two changesets, never one shared stamp
    first.close()
    second.close()


def test_a_clerks_edit_is_found_at_once_by_a_readers_search_and_topic_filter(staff, pg_server):
    """The clerk's transaction folds its texts before it commits, so a reader, who may
    write nothing (not even the index), finds them in search and in the tracker."""
    from piel_desktop.services import tracker
    with open_archive(staff["carlos"]) as clerk:
        outcome = _first_outcome(clerk)
        records.set_outcome_text(clerk, outcome.id, "es", "Cooperación con los ornitorrincos del Pacífico")
        added = records.add_outcome(clerk, text="Los ornitorrincos jóvenes", lang="es",
                                    meeting_ids=[records.list_meetings(clerk)[0].id])
    with open_archive(staff["rania"]) as reader:
        before = fingerprint(reader)
        assert {h.record_id for h in search.search(reader, "ornitorrinco")} == {str(outcome.id), str(added)}
        assert [h.record_id for h in search.search(reader, '"ornitorrincos del pacifico"')] == [str(outcome.id)]
        assert search.count(reader, "ornitorr*") == 2
        topic = tracker.TrackerFilter(topic="ornitorrincos")
        assert {r.id for r in tracker.fetch(reader, topic, lang="es")} == {outcome.id, added}
        assert tracker.count(reader, topic) == 2
        assert fingerprint(reader) == before
    database = staff["rania"].rsplit("/", 1)[1]
    with psycopg.connect(host="127.0.0.1", port=pg_server.port, dbname=database, user="rania",
                         password="pw-rania") as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("DELETE FROM search_index")


def test_a_laptop_and_hq_exchange_packages_both_ways_and_end_with_one_fingerprint(demo_server_url, tmp_path):
    """The round trip of the issue: the laptop exports, HQ imports, HQ edits, the
    laptop imports HQ's package; both print the same fingerprint."""
    laptop_path = tmp_path / "laptop.piel"
    create_archive(laptop_path, office="Geneva laptop").close()
    with open_archive(demo_server_url) as hq, open_archive(laptop_path) as laptop:
        first = import_package(laptop, export_package(hq, tmp_path / "hq-full.pielpkg", full=True).path)
        import_package(hq, first.receipt)
        outcome = _first_outcome(laptop)
        records.edit_outcome(laptop, outcome.id, status="implemented")
        to_hq, _ = exchange(laptop, hq, tmp_path)
        assert to_hq.preview.counts == {"changed": 1} and not to_hq.dry_run
        assert records.outcome_fields(hq, outcome.id)["status"] == "implemented"
        again = import_package(hq, to_hq.path)
        assert again.already_applied
        records.edit_outcome(hq, outcome.id, addressee="secretariat")
        back, _ = exchange(hq, laptop, tmp_path)
        assert back.preview.counts == {"changed": 1}
        assert records.outcome_fields(laptop, outcome.id)["addressee"] == "secretariat"
        assert fingerprint(laptop) == fingerprint(hq)


def test_importing_is_the_administrators_the_database_refuses_a_clerk(staff, demo_path, tmp_path):
    with open_archive(demo_path) as laptop:
        records.edit_outcome(laptop, _first_outcome(laptop).id, status="implemented")
        package = export_package(laptop, tmp_path / "laptop.pielpkg", full=True).path
    with open_archive(staff["carlos"]) as clerk:
        before = fingerprint(clerk)
        with pytest.raises(NotPermitted) as refused:
            import_package(clerk, package)
        assert refused.value.params["user"] == "carlos"
        assert fingerprint(clerk) == before
    with open_archive(staff["ada"]) as admin:
        assert import_package(admin, package).preview.counts == {"changed": 1}
        assert fingerprint(admin) != before


def test_an_hq_archive_of_schema_10_gets_its_search_index_and_the_roles_their_rights(
        staff, pg_server, demo_server_url):
    """Migration 0011 on a server: the index tables and triggers are made, every text
    already there is indexed, and the existing roles may use them."""
    database = staff["ada"].rsplit("/", 1)[1]
    pg_server.sql("DROP TABLE search_index, search_dirty; "
                  "DO $$ DECLARE f text; BEGIN FOR f IN SELECT oid::regprocedure::text FROM pg_proc "
                  "WHERE proname LIKE 'piel\\_search\\_%' LOOP EXECUTE 'DROP FUNCTION ' || f || ' CASCADE'; "
                  "END LOOP; END $$; ALTER TABLE changeset DROP COLUMN account; "
                  "UPDATE alembic_version SET version_num = '0010'", database)
    with open_archive(demo_server_url) as owner:  # the database owner's account migrates
        assert owner.schema_version == schema_head()
        assert len(search.search(owner, "protección")) == 10
        with owner.unit_of_work() as uow:
            indexed, dirty = uow.raw.execute(
                "SELECT (SELECT count(*) FROM search_index), (SELECT count(*) FROM search_dirty)").fetchone()
        assert indexed > 50 and dirty == 0
    with open_archive(staff["carlos"]) as clerk:
        outcome = _first_outcome(clerk)
        records.set_outcome_text(clerk, outcome.id, "en", "Echidna awareness week")
    with open_archive(staff["rania"]) as reader:
        assert [h.record_id for h in search.search(reader, "echidna")] == [str(outcome.id)]


def test_every_change_names_its_account_there_and_in_every_office_that_imports_it(staff, tmp_path):
    """The account is kept with the change's changeset, shown by the detail pane's
    last change, the trash and the conflicts, and travels in packages."""
    from piel_desktop.services import trash
    from piel_desktop.services.history import last_change
    from piel_desktop.services.sync.conflicts import list_conflicts
    with open_archive(staff["carlos"]) as clerk:
        outcome, gone = records.meeting_outcomes(clerk, [next(
            m for m in records.list_meetings(clerk) if m.number == 14).id])[:2]
        records.edit_outcome(clerk, outcome.id, addressee="secretariat")
        assert last_change(clerk, outcome.id).account == "carlos"
        records.delete_outcome(clerk, gone.id)
    with open_archive(staff["ada"]) as admin:
        [deleted] = [i for i in trash.list_trash(admin) if i.kind == "outcome"]
        assert deleted.account == "carlos"
        records.edit_outcome(admin, outcome.id, label="14-a")
        assert last_change(admin, outcome.id).account == "ada"
        laptop_path = tmp_path / "laptop.piel"
        create_archive(laptop_path, office="Dakar laptop").close()
        with open_archive(laptop_path) as laptop:
            first = import_package(laptop, export_package(admin, tmp_path / "full.pielpkg", full=True).path)
            import_package(admin, first.receipt)
            assert last_change(laptop, outcome.id).account == "ada"
            assert [i.account for i in trash.list_trash(laptop) if i.kind == "outcome"] == ["carlos"]
            records.edit_outcome(laptop, outcome.id, addressee="member states")  # the laptop's own: no account
            assert last_change(laptop, outcome.id).account == ""
            records.edit_outcome(admin, outcome.id, addressee="itu")  # the same field at once: a conflict
            import_package(laptop, export_package(admin, tmp_path / "hq.pielpkg", full=True).path)
            [conflict] = list_conflicts(laptop)
            assert {conflict.current_account, conflict.other_account} == {"ada", ""}
