"""Full-text search: one test per folding rule in each script, the index following
edits, deletions and imports, and queries that must not break it. Every test runs on
a real archive file and on a real HQ archive (PostgreSQL), where the same queries must
find the same texts; the migrations of a file's FTS5 index are the file's alone."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from piel_desktop.services import records, search
from piel_desktop.services.archive import fingerprint, open_archive
from piel_desktop.storage.search_text import arabic_stem, parse_query

pytestmark = pytest.mark.both_backends


def _meeting(archive, number: int = 9):
    return next(m for m in records.list_meetings(archive) if m.number == number)


def _add(archive, text: str, lang: str, number: int = 9) -> str:
    return str(records.add_outcome(archive, text=text, lang=lang, meeting_ids=[_meeting(archive, number).id]))


def _found(archive, query: str) -> dict[str, search.Hit]:
    return {h.record_id: h for h in search.search(archive, query)}


def _marked(hit: search.Hit) -> list[str]:
    return [hit.text[a:b] for a, b in hit.spans]


# -- Latin -------------------------------------------------------------------------------

def test_latin_accents_are_folded(demo):
    outcome = _add(demo, "La Commission décide d'établir une cellule de crise", "fr")
    hit = _found(demo, "etablir")[outcome]
    assert _marked(hit) == ["établir"]
    assert outcome in _found(demo, "décide")
    assert outcome in _found(demo, "DECIDÉ")


def test_latin_case_is_folded(demo):
    outcome = _add(demo, "Safer Internet Day in ALL regions", "en")
    hit = _found(demo, "safer internet day")[outcome]
    assert hit.kind == "outcome" and hit.lang == "en" and hit.meeting_number == 9
    assert _marked(hit) == ["Safer", "Internet", "Day"]
    assert outcome in _found(demo, "regions")


# -- Cyrillic ----------------------------------------------------------------------------

def test_cyrillic_yo_is_ye(demo):
    written_yo = _add(demo, "Ёлочный базар для детей", "ru")
    written_ye = _add(demo, "Новогодняя елка в школе", "ru")
    assert written_yo in _found(demo, "елочный")
    assert written_ye in _found(demo, "ёлка")
    assert _marked(_found(demo, "ЕЛОЧНЫЙ")[written_yo]) == ["Ёлочный"]
    # й is a letter of its own, not an и with a mark
    _add(demo, "мой", "ru")
    # (quoted: exact forms; мои and мой are forms of one word, so stemming joins them)
    assert not search.search(demo, '"мои"')


def test_cyrillic_case_is_folded(demo):
    outcome = _add(demo, "ЗАЩИТА детей в Интернете", "ru")
    assert _marked(_found(demo, "защита интернете")[outcome]) == ["ЗАЩИТА", "Интернете"]


# -- Arabic ------------------------------------------------------------------------------

def test_arabic_diacritics_and_tatweel_are_ignored(demo):
    outcome = _add(demo, "حِمَايَةُ الأطفال على الإنترنـــت", "ar")
    assert _marked(_found(demo, "حماية")[outcome]) == ["حِمَايَةُ"]
    assert outcome in _found(demo, "الانترنت")
    assert outcome in _found(demo, "حَمايه")  # harakat in the query too; ة written ه


def test_arabic_alef_forms_are_folded(demo):
    outcome = _add(demo, "إطار آمن لأطفال ٱلمدارس", "ar")
    assert outcome in _found(demo, "اطار امن")
    assert outcome in _found(demo, "أمن")
    assert outcome in _found(demo, "المدارس")
    other = _add(demo, "مبنى المستشفى", "ar")  # ى and ي are written interchangeably
    assert other in _found(demo, "مبني")


def test_arabic_word_is_found_with_its_prefixes(demo):
    texts = {"ال": "قررت الجمعية العامة", "وال": "والجمعية العامة قررت", "بال": "اجتماع بالجمعية",
             "لل": "تقرير للجمعية", "و": "وجمعية أخرى", "ب": "بجمعية واحدة"}
    ids = {prefix: _add(demo, text, "ar") for prefix, text in texts.items()}
    found = _found(demo, "جمعية")
    assert set(ids.values()) <= set(found)
    assert _marked(found[ids["ال"]]) == ["الجمعية"]
    # a phrase of bare words finds the words with their articles
    assert ids["ال"] in _found(demo, '"جمعية عامة"')
    # a prefix is cut only when enough of the word is left
    assert arabic_stem("بيت") == "بيت" and arabic_stem("الاب") == "اب"


# -- Chinese -----------------------------------------------------------------------------

def test_chinese_two_character_word_inside_a_longer_run(demo):
    outcome = _add(demo, "工作组建议加强保护儿童上网安全的国际合作", "zh")
    hit = _found(demo, "儿童")[outcome]
    assert _marked(hit) == ["儿童"]
    assert outcome in _found(demo, "合作")


def test_chinese_single_character(demo):
    outcome = _add(demo, "保护儿童上网安全", "zh")
    assert _marked(_found(demo, "童")[outcome]) == ["童"]
    assert outcome in _found(demo, "网")


def test_chinese_longer_substring(demo):
    outcome = _add(demo, "工作组建议加强保护儿童上网安全的国际合作", "zh")
    assert _marked(_found(demo, "儿童上网安全")[outcome]) == ["儿童上网安全"]
    assert outcome in _found(demo, "童上网安")  # not a word, still a substring
    assert outcome not in _found(demo, "儿网")  # both characters, not together
    assert outcome not in _found(demo, "安全儿童上")


# -- queries -----------------------------------------------------------------------------

def test_prefix_and_phrase(demo):
    outcome = _add(demo, "Member States strengthen child online protection", "en")
    assert outcome in _found(demo, "strength*")
    assert outcome in _found(demo, '"child online protection"')
    assert outcome not in _found(demo, '"online child"')
    assert _marked(_found(demo, '"online prot*"')[outcome]) == ["online protection"]


@pytest.mark.parametrize("query", [
    "", "   ", '"', '""', "*", "**", "-", "- -", "NEAR(", "NEAR(a b", "a NEAR b", "(", ")",
    "^", ":", "col:word", "AND", "OR NOT", '"unterminated phrase', "a\"b", "x*y*", "+", "{words}",
    "'; DROP TABLE outcome; --", "\x00", "*" * 500, "a " * 200,
])
def test_hostile_queries_give_no_traceback(demo, query):
    hits = search.search(demo, query)
    assert isinstance(hits, list)
    assert search.count(demo, query) >= len(hits) or not hits


def test_limit_and_count(demo):
    for i in range(7):
        _add(demo, f"Zanzibar declaration number {i}", "en")
    assert len(search.search(demo, "zanzibar", limit=3)) == 3
    assert search.count(demo, "zanzibar") == 7
    assert search.count(demo, "zanzibar declaration") == 7
    assert search.count(demo, "") == 0


# -- the index follows the archive ---------------------------------------------------------

def test_index_follows_edits(demo):
    outcome = _add(demo, "Original wording about kiosks", "en")
    assert outcome in _found(demo, "kiosks")
    records.set_outcome_text(demo, uuid.UUID(outcome), "en", "New wording about libraries")
    assert outcome not in _found(demo, "kiosks")
    assert outcome in _found(demo, "libraries")
    records.set_outcome_text(demo, uuid.UUID(outcome), "es", "Nueva redacción sobre bibliotecas")
    assert {h.lang for h in search.search(demo, "bibliotecas")} == {"es"}


def test_deleted_outcomes_disappear(demo):
    outcome = _add(demo, "Quokka observatory", "en")
    assert search.count(demo, "quokka") == 1
    records.delete_outcome(demo, uuid.UUID(outcome))
    assert search.search(demo, "quokka") == []
    assert search.count(demo, "quokka") == 0


def test_sub_items_show_their_meeting(demo):
    parent = _add(demo, "Parent item", "en", number=12)
    child = records.add_outcome(demo, text="Child item about walruses", lang="en", parent_id=uuid.UUID(parent))
    hit = _found(demo, "walruses")[str(child)]
    assert hit.meeting_number == 12


def test_imported_texts_are_searchable(hq_africa, tmp_path):
    from sync_helpers import exchange, introduce
    hq, africa = hq_africa
    introduce(hq, africa, tmp_path)
    assert search.search(africa, "narwhal") == []  # the index is current before the import
    outcome = _add(hq, "Narwhal protection programme", "en")
    records.set_outcome_text(hq, uuid.UUID(outcome), "fr", "Programme de protection des narvals")
    exchange(hq, africa, tmp_path)
    assert {h.lang for h in search.search(africa, "narwhal")} == {"en"}
    assert outcome in _found(africa, "narvals")
    records.delete_outcome(hq, uuid.UUID(outcome))
    exchange(hq, africa, tmp_path)
    assert search.search(africa, "narwhal") == []
    assert fingerprint(hq) == fingerprint(africa)


def test_search_changes_no_content(demo):
    _add(demo, "Pangolin report", "en")
    before = fingerprint(demo)
    assert search.search(demo, "pangolin")
    assert fingerprint(demo) == before


@pytest.mark.file_only(reason="the FTS5 index of schema 0003, a file's")
def test_migration_indexes_existing_texts(demo_path):
    """An archive of schema 2 with texts gets an index of all of them on opening."""
    from schema_helpers import undo_schema_4
    con = sqlite3.connect(demo_path)
    with con:
        undo_schema_4(con)
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'fts%'").fetchall():
            con.execute(f'DROP TRIGGER "{name}"')
        con.execute("DROP TABLE fts_text")
        con.execute("DROP TABLE fts_dirty")
        con.execute("UPDATE alembic_version SET version_num = '0002'")
        versions = con.execute("SELECT count(*) FROM text_version").fetchone()[0]
    con.close()
    with open_archive(demo_path) as archive:
        con = sqlite3.connect(demo_path)
        assert con.execute("SELECT count(*) FROM fts_text").fetchone()[0] == versions
        assert con.execute("SELECT count(*) FROM fts_dirty").fetchone()[0] == 0
        con.close()
        assert search.search(archive, "protección")


def test_query_terms_are_quoted():
    terms = parse_query('NEAR(a b) "x y" c* -d')
    assert [t.tokens for t in terms] == [("near", "a"), ("b",), ("x", "y"), ("c",), ("d",)]
    assert [t.prefix for t in terms] == [False, False, False, True, False]


def test_the_reports_own_texts_are_found_and_name_the_report(demo):
    from piel_desktop.services import report_records
    from piel_desktop.services.demo import record_id
    key = str(record_id("report/council-2018"))
    [hit] = [h for h in search.search(demo, "consonancia") if h.kind == "report_paragraph"]
    assert hit.report_key == key and hit.record_id == str(record_id("report/council-2018/paragraph/2"))
    assert {h.report_key for h in search.search(demo, "resuelve") if h.kind == "report_paragraph"} == {key}
    assert [h.report_key for h in search.search(demo, "Multipartita") if h.kind == "achievement"]
    assert all(h.report_key == key for h in search.search(demo, "Multipartita") if h.kind == "achievement")
    assert not search.search(demo, "Quokka")
    report_records.edit_report(demo, key, {"title": "Informe del GTC-PIeL sobre el quokka",
                                           "references": "Resolución 179 (Rev. Dubái, 2018) del wombat"})
    assert [(h.kind, h.report_key) for h in search.search(demo, "quokka")] == [("report", key)]
    assert [(h.kind, h.report_key) for h in search.search(demo, "wombat")] == [("report", key)]
    paragraphs = list(report_records.values(demo, key)["paragraphs"])
    paragraphs[1] = {**paragraphs[1], "text": "Un párrafo sobre el ornitorrinco."}
    report_records.edit_report(demo, key, {"paragraphs": paragraphs})
    assert not search.search(demo, "consonancia")
    assert [h.kind for h in search.search(demo, "ornitorrinco")] == ["report_paragraph"]
    report_records.delete_report(demo, key)
    assert not search.search(demo, "ornitorrinco") and not search.search(demo, "quokka")


@pytest.mark.file_only(reason="the FTS5 triggers of schema 0010, a file's")
def test_migration_0010_indexes_the_texts_of_existing_reports(demo_path):
    """An archive of schema 9 (whose report table had lost its index triggers) gets the
    report's texts indexed and kept current."""
    from piel_desktop.services import report_records
    from piel_desktop.services.council_report import list_reports
    from piel_desktop.storage.search_index import owner_columns
    from schema_helpers import undo_schema_12
    con = sqlite3.connect(demo_path)
    with con:
        texts = [r[0] for r in con.execute(
            "SELECT text_id FROM report_paragraph UNION SELECT quote_heading_id FROM report_paragraph "
            "UNION SELECT summary_id FROM report")]
        for table in ("report", "report_paragraph"):
            for event in ("insert", "update", "delete"):
                con.execute(f"DROP TRIGGER IF EXISTS fts_{table}_{event}")
        con.executemany("DELETE FROM fts_text WHERE rowid IN (SELECT rowid FROM text_version WHERE text_id = ?)",
                        ((t,) for t in texts))
        con.execute("UPDATE alembic_version SET version_num = '0009'")
        undo_schema_12(con)
        assert con.execute("SELECT count(*) FROM fts_text").fetchone()[0] < con.execute(
            "SELECT count(*) FROM text_version").fetchone()[0]
    con.close()
    with open_archive(demo_path) as archive:
        con = sqlite3.connect(demo_path)
        assert con.execute("SELECT count(*) FROM fts_text").fetchone()[0] == con.execute(
            "SELECT count(*) FROM text_version").fetchone()[0]
        triggers = {r[0] for r in con.execute("SELECT sql FROM sqlite_master WHERE name = 'fts_report_update'")}
        con.close()
        assert all(f'"{c}"' in next(iter(triggers)) for c in owner_columns("report"))
        assert [h.kind for h in search.search(archive, "consonancia")] == ["report_paragraph"]
        assert "report" in {h.kind for h in search.search(archive, "Informe", limit=500)}  # its summary
        key = list_reports(archive)[0].key
        report_records.edit_report(archive, key, {"summary": "Un resumen sobre el equidna."})
        assert [h.kind for h in search.search(archive, "equidna")] == ["report"]


#: Queries over the demo's texts in several scripts: words, forms, phrases, prefixes.
SAME_QUERIES = ("protección", "niños", "infancia en línea", '"protección de la infancia"', "proteg*",
                "UIT", "consejo", "jóvenes", "Resolución 179", "grupo trabajo", '"en línea"*',
                "resuelve", "miembros", "ciberseguridad", "zzzqqq", "la", "de")


def test_a_file_and_a_server_holding_the_same_records_find_the_same_hits(demo_path, demo_server_url):
    """Same hits, same order, same highlights: the two indexes fold and match alike."""
    with open_archive(demo_path) as laptop, open_archive(demo_server_url) as hq:
        assert fingerprint(laptop) == fingerprint(hq)
        found = 0
        for query in SAME_QUERIES:
            on_file = search.search(laptop, query, limit=40)
            assert search.search(hq, query, limit=40) == on_file, query
            assert search.count(hq, query) == search.count(laptop, query), query
            found += bool(on_file)
        assert found >= len(SAME_QUERIES) - 2


def test_an_hq_archives_vectors_keep_within_postgresqls_limits():
    """A token longer than a lexeme may be (2,047 bytes) is cut, and a text with more
    distinct words than one tsvector holds (1 MB) keeps the first ones."""
    from piel_desktop.storage.postgres.search import LEXEME_BYTES, VECTOR_BYTES, vector
    assert vector(["b", "a", "b", "it's"]) == "'b' 'a' 'it''s'"
    [cut] = vector(["я" * 3000]).split()
    assert len(cut.strip("'").encode()) <= LEXEME_BYTES
    many = vector([f"w{i:06d}" for i in range(200_000)])
    assert len(many.encode()) < VECTOR_BYTES and many.startswith("'w000000' 'w000001'")
