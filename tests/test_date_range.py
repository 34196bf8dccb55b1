"""Meetings' date ranges in the six languages (i18n.format_date_range)."""

from __future__ import annotations

import datetime as dt

import pytest

from piel_desktop.i18n import format_date, format_date_range

SAME_MONTH = (dt.date(2025, 10, 2), dt.date(2025, 10, 3))
ACROSS_MONTHS = (dt.date(2025, 9, 30), dt.date(2025, 10, 2))
ACROSS_YEARS = (dt.date(2025, 12, 30), dt.date(2026, 1, 2))


@pytest.mark.parametrize("lang, same_month, across_months, across_years", [
    ("en", "2–3 October 2025", "30 September – 2 October 2025", "30 December 2025 – 2 January 2026"),
    ("es", "2–3 de octubre de 2025", "30 de septiembre – 2 de octubre de 2025",
     "30 de diciembre de 2025 – 2 de enero de 2026"),
    ("fr", "2–3 octobre 2025", "30 septembre – 2 octobre 2025", "30 décembre 2025 – 2 janvier 2026"),
    ("ru", "2–3 октября 2025\u202fг.", "30 сентября – 2 октября 2025\u202fг.",
     "30 декабря 2025\u202fг. – 2 января 2026\u202fг."),
    ("ar", "2–3 أكتوبر 2025", "30 سبتمبر – 2 أكتوبر 2025", "30 ديسمبر 2025 – 2 يناير 2026"),
    ("zh", "2025年10月2日 – 3日", "2025年9月30日 – 10月2日", "2025年12月30日 – 2026年1月2日"),
])
def test_ranges_in_each_language(lang, same_month, across_months, across_years):
    assert format_date_range(*SAME_MONTH, lang) == same_month
    assert format_date_range(*ACROSS_MONTHS, lang) == across_months
    assert format_date_range(*ACROSS_YEARS, lang) == across_years


@pytest.mark.parametrize("lang, same_month, across_months, across_years", [
    ("es", "del 2 al 3 de octubre de 2025", "del 30 de septiembre al 2 de octubre de 2025",
     "del 30 de diciembre de 2025 al 2 de enero de 2026"),
    ("fr", "du 2 au 3 octobre 2025", "du 30 septembre au 2 octobre 2025",
     "du 30 décembre 2025 au 2 janvier 2026"),
    ("zh", "2025年10月2日至3日", "2025年9月30日至10月2日", "2025年12月30日至2026年1月2日"),
    ("en", "2–3 October 2025", "30 September – 2 October 2025", "30 December 2025 – 2 January 2026"),
])
def test_ranges_inside_a_sentence(lang, same_month, across_months, across_years):
    assert format_date_range(*SAME_MONTH, lang, prose=True) == same_month
    assert format_date_range(*ACROSS_MONTHS, lang, prose=True) == across_months
    assert format_date_range(*ACROSS_YEARS, lang, prose=True) == across_years


@pytest.mark.parametrize("lang", ["ar", "en", "es", "fr", "ru", "zh"])
def test_one_day_is_the_date(lang):
    day = dt.date(2015, 1, 23)
    assert format_date_range(day, None, lang) == format_date(day, lang)
    assert format_date_range(day, day, lang, prose=True) == format_date(day, lang)
