"""The report to Council as records (issue 16 part 1): the demo archive holds the seed
report paragraph by paragraph, its records travel in packages whole, a deleted quoted
clause is skipped and named, and an archive at schema 8 gains the report's tables."""

from __future__ import annotations

import sqlite3
import unicodedata

import pytest

from piel_desktop.domain.errors import RecordNotFound
from piel_desktop.services import registries, sync, trash
from piel_desktop.services.archive import check_archive, create_archive, open_archive
from piel_desktop.services.council_report import list_reports, report_content
from piel_desktop.services.demo import record_id
from piel_desktop.paths import resources_dir

SEED = resources_dir() / "demo" / "seed-report-es.txt"


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _es(text) -> str:
    version = text.version("es") if hasattr(text, "version") else None
    if version is None:
        version = next(v for v in text.versions if v.lang == "es")
    return version.text


def _seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def test_the_demo_report_holds_the_seed_paragraph_by_paragraph(demo):
    lines = _seed_lines()
    content = report_content(demo)
    intro = content.introduction
    # Lines 1-7: the box (headings are the catalog's), the rule, empty references.
    assert [_norm(lines[i]) for i in (0, 2, 6)] == ["Resumen", "Acción solicitada", "1 Introducción"]
    assert _norm(lines[1]) == _norm(_es(content.summary))
    assert _norm(lines[3]) == _norm(_es(content.action_requested))
    assert _norm(lines[5]) == "Referencias" and not content.references.versions
    assert not content.title.versions  # the seed has no title line
    # 1.1 and 1.2, in their order.
    assert len(intro) == 4
    assert _norm(lines[7]) == _norm(f"1.1 {_es(intro[0].text)}")
    assert _norm(lines[8]) == _norm(f"1.2 {_es(intro[1].text)}")
    assert _norm(lines[9]) == _norm(_es(intro[1].quote_heading)) == "resuelve"
    # The quoted clauses of Resolution 1306, numbered and indented as the instrument has them.
    quoted = intro[1].quoted
    assert [(q.number, q.depth) for q in quoted] == [
        ("1", 0), ("1.1", 1), ("1.2", 1), ("2", 0), ("3", 0), ("4", 0), ("5", 0)]
    for line, clause in zip(lines[10:17], quoted):
        assert line.startswith("\t" * clause.depth + clause.number + "\t")
        assert _norm(line) == _norm(f"{clause.number} {_es(clause.text)}")
    # 1.3 lists achievements a)-d); 1.4 closes the introduction.
    assert _norm(lines[17]) == _norm(f"1.3 {_es(intro[2].text)}")
    assert not intro[0].achievements and not intro[1].achievements and not intro[3].achievements
    for line, item in zip(lines[18:22], intro[2].achievements, strict=True):
        assert _norm(line) == _norm(f"{item.label}) {_es(item.title)}: {_es(item.text)}")
    assert _norm(lines[22]) == _norm(f"1.4 {_es(intro[3].text)}")
    assert _norm(lines[23]) == "2 Recomendaciones"
    # Section 2 is the brief of the covered meetings 9-14, grouped as the seed reports them.
    assert [[mt.number for mt in g.meetings] for g in content.brief.groups] == [[9], [10, 11], [12, 13], [14]]
    section_2 = _norm("\n".join(lines[23:]))
    outcomes = [o for g in content.brief.groups for o in g.outcomes]
    assert len(outcomes) == sum(1 for line in lines[23:] if line.startswith("–"))
    walk = list(outcomes)
    while walk:
        outcome = walk.pop()
        walk.extend(outcome.children)
        assert _norm(_es(outcome.text)) in section_2
    assert content.missing_clauses == ()
    assert content.original_language == "es" and content.session_year == 2018
    assert content.fingerprint == check_archive(demo).fingerprint


def test_the_report_is_found_by_key_or_symbol_and_listed(demo):
    [summary] = list_reports(demo)
    assert summary.meetings == (9, 10, 11, 12, 13, 14) and summary.session_year == 2018
    assert summary.key == str(record_id("report/council-2018"))
    assert report_content(demo, report=summary.key) == report_content(demo)
    with pytest.raises(RecordNotFound):
        report_content(demo, report="C18/999-S")


def test_a_package_carries_the_report_whole(demo, tmp_path):
    package = sync.export_package(demo, tmp_path / "demo.pielpkg").path
    other = create_archive(tmp_path / "empty.piel", office="Geneva")
    with pytest.raises(RecordNotFound):
        report_content(other)
    sync.import_package(other, package)
    assert report_content(other) == report_content(demo)
    assert check_archive(other).fingerprint == check_archive(demo).fingerprint
    other.close()


def test_a_deleted_quoted_clause_is_skipped_named_and_restored(demo, tmp_path):
    before = report_content(demo)
    registries.delete(demo, "clause", record_id("instrument/council-1306/clause/3"))
    after = report_content(demo)
    assert [q.number for q in after.introduction[1].quoted] == ["1", "1.1", "1.2", "2", "4", "5"]
    assert after.missing_clauses == ("3",)
    # The delete travels: another office sees the same report.
    other = create_archive(tmp_path / "other.piel", office="Africa")
    sync.import_package(other, sync.export_package(demo, tmp_path / "p.pielpkg").path)
    assert report_content(other).missing_clauses == ("3",)
    other.close()
    [entry] = [item for item in trash.list_trash(demo) if item.kind == "clause"]
    trash.restore(demo, entry.stamp)
    restored = report_content(demo)
    assert restored.introduction == before.introduction and restored.missing_clauses == ()


def test_an_archive_at_schema_8_gains_the_report_tables(demo_path, tmp_path):
    from schema_helpers import undo_schema_9
    con = sqlite3.connect(demo_path)
    with con:
        undo_schema_9(con)
        con.execute("UPDATE alembic_version SET version_num = '0008'")
        assert "title_id" not in {r[1] for r in con.execute('PRAGMA table_info("report")')}
    con.close()
    with open_archive(demo_path) as archive:
        content = report_content(archive)
        assert content.introduction == () and content.brief.groups == ()
        assert _norm(_es(content.summary)).startswith("En este Informe")
        names = {r[0] for r in sqlite3.connect(demo_path).execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync_report%'")}
        assert {"sync_report_paragraph_insert", "sync_report_quote_delete",
                "sync_report_meeting_update", "sync_report_update"} <= names
        other = create_archive(tmp_path / "other.piel", office="Asia")
        sync.import_package(other, sync.export_package(archive, tmp_path / "p.pielpkg").path)
        assert report_content(other) == content
        other.close()
