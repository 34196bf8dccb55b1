"""Search finds word forms (Snowball stems in es, en, fr, ru, ar), exact forms first;
quoted words stay exact; Chinese words written apart inside quotes stand together;
``piel-desktop search``. Real archive files and real HQ archives (PostgreSQL)."""

from __future__ import annotations

import pytest

from piel_desktop import cli
from piel_desktop.services import records, search

pytestmark = pytest.mark.both_backends

def _add(archive, text: str, lang: str, number: int = 9) -> str:
    meeting = next(m for m in records.list_meetings(archive) if m.number == number)
    return str(records.add_outcome(archive, text=text, lang=lang, meeting_ids=[meeting.id]))


def _ids(archive, query: str) -> list[str]:
    return [h.record_id for h in search.search(archive, query)]


def _marked(archive, query: str, record_id: str) -> list[str]:
    hit = next(h for h in search.search(archive, query) if h.record_id == record_id)
    return [hit.text[a:b] for a, b in hit.spans]


@pytest.mark.parametrize(("lang", "one", "word_one", "other", "word_other"), [
    ("es", "El país anfitrión", "país", "Los países miembros", "países"),
    ("es", "Un joven delegado", "joven", "Los jóvenes delegados", "jóvenes"),
    ("ru", "Защита детей", "Защита", "Для защиты детей", "защиты"),
    ("fr", "La protection de l'enfant", "protection", "Les protections des enfants", "protections"),
    ("en", "Protecting children", "Protecting", "The protection of children", "protection"),
    ("ar", "منظمة دولية", "منظمة", "المنظمات الدولية", "المنظمات"),
])
def test_a_word_finds_its_forms_both_ways(demo, lang, one, word_one, other, word_other):
    first, second = _add(demo, one, lang), _add(demo, other, lang)
    assert {first, second} <= set(_ids(demo, word_one))
    assert {first, second} <= set(_ids(demo, word_other))
    assert _marked(demo, word_one, second) == [word_other]
    assert _marked(demo, word_other, first) == [word_one]
    assert search.count(demo, word_one) >= 2


def test_issue_examples(demo):
    paises, jovenes, zashchity = (_add(demo, "Informe de los países", "es"),
                                  _add(demo, "Consulta a los jóvenes", "es"),
                                  _add(demo, "Меры защиты", "ru"))
    assert paises in _ids(demo, "país")
    assert jovenes in _ids(demo, "joven")
    assert zashchity in _ids(demo, "защита")


def test_exact_forms_rank_first(demo):
    exact = _add(demo, "Un país", "es")
    forms = _add(demo, "Países, países y más países", "es")  # newer, more often: would win on score
    found = _ids(demo, "país")
    assert found.index(exact) < found.index(forms)
    found = _ids(demo, "países")
    assert found.index(forms) < found.index(exact)


def test_quoted_words_stay_exact(demo):
    singular = _add(demo, "El joven delegado del país", "es")
    plural = _add(demo, "Los jóvenes delegados de los países", "es")
    assert plural in _ids(demo, '"países"') and singular not in _ids(demo, '"países"')
    assert singular in _ids(demo, '"joven delegado"') and plural not in _ids(demo, '"joven delegado"')
    assert plural in _ids(demo, "joven delegado")  # unquoted: forms of both words
    assert {plural, singular} <= set(_ids(demo, "pais*"))  # a prefix: what starts so


def test_chinese_quoted_words_written_apart_stand_together(demo):
    together = _add(demo, "加强儿童保护工作", "zh")
    apart = _add(demo, "儿童和保护", "zh")
    assert _ids(demo, '"儿童 保护"') == [together]
    assert _marked(demo, '"儿童 保护"', together) == ["儿童保护"]
    assert set(_ids(demo, "儿童 保护")) >= {together, apart}  # unquoted: both words anywhere


def test_cli_search_prints_one_hit_a_line(demo, demo_location, capsys):
    outcome = _add(demo, "Los países miembros recomiendan\nmás cooperación", "es")
    demo.close()
    assert cli.main(["--archive", demo_location, "search", "país", "--limit", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"outcome {outcome}\tMeeting 9\tes\tLos [países] miembros recomiendan más cooperación" in lines
    assert len(lines) <= 5
    assert cli.main(["--archive", demo_location, "search", "zzzqqq"]) == 0
    assert capsys.readouterr().out == "No results.\n"
    assert cli.main(["--archive", demo_location, "search", "país", "--limit", "0"]) == 2


def test_cli_excerpt_cuts_long_texts():
    text = "a " * 200 + "target" + " b" * 200
    start = text.index("target")
    line = cli.excerpt(text, ((start, start + 6),), width=40)
    assert line.startswith("…") and line.endswith("…") and "[target]" in line and len(line) < 60


@pytest.mark.file_only(reason="the FTS5 index of schema 0006, a file's")
def test_archive_at_schema_6_gets_a_stemmed_index(demo, demo_path):
    """A file whose index has no stems column (schema 0006) opens at the newest
    schema, and its texts are found by their word forms."""
    import sqlite3

    from schema_helpers import undo_schema_7
    from piel_desktop.storage.search_text import fold
    plural = _add(demo, "Los países miembros", "es")
    demo.close()
    con = sqlite3.connect(demo_path)
    with con:
        undo_schema_7(con)
        con.execute("INSERT INTO fts_text (rowid, words, alt) SELECT rowid, ?, '' FROM text_version "
                    "WHERE body = 'Los países miembros'", (fold("Los países miembros"),))
        con.execute("UPDATE alembic_version SET version_num = '0006'")
    con.close()
    from piel_desktop.services.archive import open_archive
    with open_archive(demo_path) as archive:
        assert archive.schema_version >= 7
        assert plural in _ids(archive, "país")
