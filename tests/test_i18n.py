"""Catalogs, language resolution and Babel formatting."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from piel_desktop import i18n
from piel_desktop.paths import catalogs_dir

ROOT = Path(__file__).resolve().parent.parent
#: Every catalog shipped (the interface is offered in these and English).
CATALOG_LANGUAGES = tuple(sorted(p.name for p in catalogs_dir().iterdir()
                                 if (p / "LC_MESSAGES" / "piel_desktop.po").is_file()))


def _catalog(lang: str):
    with (catalogs_dir() / lang / "LC_MESSAGES" / "piel_desktop.po").open("rb") as f:
        return read_po(f, locale=lang)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[a-z_]+\}", text))


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_catalog_complete_and_consistent(lang):
    catalog = _catalog(lang)
    assert not catalog.fuzzy
    # Integer plural forms as CLDR defines them for gettext (Arabic six, Chinese one).
    expected = get_plural(lang)
    assert (catalog.num_plurals, catalog.plural_expr) == (expected.num_plurals, expected.plural_expr)
    messages = [m for m in catalog if m.id]
    assert messages
    for message in messages:
        assert "fuzzy" not in message.flags, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if isinstance(message.id, tuple):
            assert len(strings) == catalog.num_plurals, message.id
        for string in strings:
            assert string, f"untranslated: {message.id!r}"
            assert _placeholders(string) == _placeholders(ids[-1]), (message.id, string)
    assert not list(catalog.check())


def test_catalogs_match_the_source(tmp_path):
    """Every string marked in the code is in the template and in every catalog."""
    template = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-o", str(template)],
                   cwd=ROOT, check=True, capture_output=True)
    with template.open("rb") as f:
        fresh = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(f) if m.id}
    with (catalogs_dir() / "piel_desktop.pot").open("rb") as f:
        committed = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(f) if m.id}
    assert fresh == committed, "run: pybabel extract && pybabel update"
    for lang in CATALOG_LANGUAGES:
        ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in _catalog(lang) if m.id}
        assert ids == fresh, lang


def test_catalogs_compile(tmp_path):
    import shutil
    shutil.copytree(catalogs_dir(), tmp_path / "i18n")
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile",
                             "-d", str(tmp_path / "i18n"), "-D", "piel_desktop", "--statistics"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for lang in CATALOG_LANGUAGES:
        assert (tmp_path / "i18n" / lang / "LC_MESSAGES" / "piel_desktop.mo").stat().st_size > 1000


def test_spanish_translation_and_plurals():
    t = i18n.translation("es")
    assert t.gettext("&File") == "&Archivo"
    assert t.ngettext("{n} meeting", "{n} meetings", 1) == "{n} reunión"
    assert t.ngettext("{n} meeting", "{n} meetings", 6) == "{n} reuniones"
    assert t.pgettext("meeting held on", "{date}") == "el {date}"


@pytest.mark.parametrize("tag, expected", [
    ("es_ES.UTF-8", "es"), ("es-419", "es"), ("es", "es"), ("en_GB", "en"),
    ("zh_CN", "zh"), ("zh-CN", "zh"), ("zh_Hans", "zh"), ("zh_Hans_CN", "zh"), ("ar_EG", "ar"),
    ("pt_BR", None), ("C", None), ("", None), (None, None),
])
def test_normalize_language(tag, expected):
    assert i18n.normalize_language(tag) == expected


def test_resolve_language_order_and_fallback():
    available = ("en", "es")
    assert i18n.resolve_language(None, "es", candidates=["fr_FR"], available=available) == "es"
    assert i18n.resolve_language("en", "es", available=available) == "en"
    assert i18n.resolve_language(None, None, candidates=["pt_BR", "es_MX"], available=available) == "es"
    assert i18n.resolve_language(None, None, candidates=["pt_BR", "C"], available=available) == "en"
    assert i18n.resolve_language("fr", available=available) == "en"  # no French catalog yet


def test_dates_from_babel():
    day = dt.date(2015, 1, 23)
    assert i18n.format_date(day, "es") == "23 de enero de 2015"
    assert i18n.format_date(day, "en") == "23 January 2015"
    assert i18n.format_list(["10ª", "11ª"], "es") == "10ª y 11ª"
    assert i18n.format_list(["a", "b", "c"], "en") == "a, b and c"


@pytest.mark.parametrize("n, lang, spelled, expected", [
    (9, "es", True, "novena"), (1, "es", True, "primera"), (10, "es", True, "10ª"),
    (14, "es", True, "14ª"), (9, "es", False, "9ª"), (9, "en", True, "ninth"),
    (11, "en", True, "11th"), (21, "en", True, "21st"), (22, "en", True, "22nd"), (13, "en", True, "13th"),
])
def test_meeting_ordinals(n, lang, spelled, expected):
    assert i18n.meeting_ordinal(n, lang, spelled=spelled) == expected


def test_language_names():
    assert i18n.language_name("es", "en") == "Spanish"
    assert i18n.language_name("es", "es") == "Español"
    assert i18n.language_name("ar", "es") == "Árabe"


@pytest.mark.parametrize("lang, n, expected", [
    ("ar", 2, "{n} اجتماعان"), ("ar", 3, "{n} اجتماعات"), ("ar", 11, "{n} اجتماعًا"), ("ar", 103, "{n} اجتماعات"),
    ("ru", 1, "{n} собрание"), ("ru", 22, "{n} собрания"), ("ru", 25, "{n} собраний"), ("ru", 111, "{n} собраний"),
    ("fr", 0, "{n} réunion"), ("fr", 2, "{n} réunions"), ("zh", 7, "{n}次会议"),
])
def test_plural_forms_follow_cldr(lang, n, expected):
    """Arabic counts 2 with the dual and 11-99 with the singular accusative; Russian
    21 with the singular, 22 with the paucal; French 0 with the singular."""
    assert i18n.translation(lang).ngettext("{n} meeting", "{n} meetings", n) == expected
