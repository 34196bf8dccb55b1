"""ITU document symbols split into their parts (domain/symbols.py)."""

from __future__ import annotations

import pytest

from piel_desktop.domain.symbols import parse_symbol


@pytest.mark.parametrize("text, body, session, number, revision, language", [
    ("C18/35-E", "C", "18", "35", None, "en"),
    ("C18/35-S", "C", "18", "35", None, "es"),
    ("C09/108 (Rev.1)", "C", "09", "108", 1, None),
    ("C09/108(Rev.2)-F", "C", "09", "108", 2, "fr"),
    ("CWG-COP-14/3-E", "CWG-COP", "14", "3", None, "en"),
    ("CWG-COP-9/12-A", "CWG-COP", "9", "12", None, "ar"),
    ("WG-CP/1/16 Rev.1", "WG-CP", "1", "16", 1, None),
    ("PP-14/INF/5-R", "PP", "14", "INF/5", None, "ru"),
    ("  c18/35-c ", "C", "18", "35", None, "zh"),
])
def test_real_symbols_and_their_parts(text, body, session, number, revision, language):
    symbol = parse_symbol(text)
    assert symbol.parsed
    assert (symbol.body, symbol.session, symbol.number, symbol.revision, symbol.language) == (
        body, session, number, revision, language)


def test_language_versions_group_together():
    versions = [parse_symbol(s) for s in ("C18/35-E", "C18/35-S", "C18/35-A", "C18/35-C")]
    assert {v.document for v in versions} == {"C18/35"}
    assert parse_symbol("C09/108 (Rev.1)-E").document == parse_symbol("C09/108(Rev.1)-S").document
    assert parse_symbol("C09/108-E").document != parse_symbol("C09/108 (Rev.1)-E").document


@pytest.mark.parametrize("text", ["", "   ", "Informe del Grupo", "C18-35-E", "/35-E", "C18/35-X", "C18/"])
def test_an_unparseable_symbol_is_kept_as_typed(text):
    symbol = parse_symbol(text)
    assert not symbol.parsed and symbol.text == " ".join(text.split())
    assert symbol.document == symbol.text


@pytest.mark.parametrize("text, document", [
    ("C18/35-E", "C18/35"), ("C09/108(Rev.1)-S", "C09/108 (Rev.1)"), ("CWG-COP-14/3-E", "CWG-COP-14/3"),
    ("WG-CP/1/16 Rev.1", "WG-CP/1/16 (Rev.1)"), ("PP-14/INF/5-R", "PP-14/INF/5"),
])
def test_the_document_is_written_back_the_same_way(text, document):
    assert parse_symbol(text).document == document
