"""Interface language, gettext catalogs and Babel formatting.

Catalogs live in ``i18n/<lang>/LC_MESSAGES/piel_desktop.po`` (domain ``piel_desktop``);
``pybabel compile`` writes the ``.mo`` beside them. A missing or out-of-date ``.mo`` is
compiled from the ``.po`` in memory, so a fresh checkout runs before the build step.
Source strings are English. Mark text with ``_()`` / ``ngettext()``; mark text that is
translated later (module-level tables) with ``N_()``.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import logging
import os
import re
from collections.abc import Iterable

from babel import Locale
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from piel_desktop.domain.model import LANGUAGES
from piel_desktop.paths import catalogs_dir

log = logging.getLogger(__name__)

DOMAIN = "piel_desktop"
SOURCE_LANGUAGE = "en"
_current: gettext.NullTranslations = gettext.NullTranslations()
_current_lang = SOURCE_LANGUAGE


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def _(message: str) -> str:
    """``message`` in the interface language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def ui_language() -> str:
    return _current_lang


def set_ui_language(lang: str) -> None:
    """Make ``lang`` (one of :func:`ui_languages`) the language of ``_()``."""
    global _current, _current_lang
    _current, _current_lang = translation(lang), lang


def ui_languages() -> tuple[str, ...]:
    """Languages the interface is available in: English and every shipped catalog."""
    root = catalogs_dir()
    found = {lang for lang in LANGUAGES if (root / lang / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()}
    return tuple(sorted(found | {SOURCE_LANGUAGE}))


@functools.cache
def translation(lang: str) -> gettext.NullTranslations:
    """The gettext catalog for ``lang``; a pass-through one if there is none."""
    folder = catalogs_dir() / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    try:
        if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as f:
                return gettext.GNUTranslations(f)
        if po.is_file():
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang, domain=DOMAIN)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return gettext.GNUTranslations(buffer)
    except (OSError, ValueError) as e:  # a damaged catalog must not stop the program
        log.warning("cannot load the %s catalog: %s", lang, e)
    return gettext.NullTranslations()


def normalize_language(tag: str | None) -> str | None:
    """The UN language code for a locale spelling, or None.

    ``"es_ES.UTF-8"``, ``"es-419"``, ``"zh_Hans_CN"`` and ``"ar_EG"`` give ``"es"``,
    ``"es"``, ``"zh"`` and ``"ar"``; ``"pt_BR"``, ``"C"`` and ``""`` give None.
    """
    if not tag:
        return None
    base = re.split(r"[-_.@]", tag.strip(), maxsplit=1)[0].lower()
    return base if base in LANGUAGES else None


def system_language_candidates() -> list[str]:
    """Locale names from the environment, most preferred first (POSIX conventions)."""
    names = os.environ.get("LANGUAGE", "").split(":")
    names += [os.environ.get(v, "") for v in ("LC_ALL", "LC_MESSAGES", "LANG")]
    return [n for n in names if n]


def resolve_language(*preferences: str | None, candidates: Iterable[str] = (),
                     available: Iterable[str] | None = None) -> str:
    """The first of ``preferences``, then ``candidates``, that is an available language.

    Falls back to English. ``available`` defaults to :func:`ui_languages`.
    """
    available = set(ui_languages() if available is None else available)
    for tag in [*preferences, *candidates]:
        lang = normalize_language(tag)
        if lang in available:
            return lang
    return SOURCE_LANGUAGE


# --- Babel formatting -------------------------------------------------------------

# English follows UN editorial style (day month year, no serial comma): British English.
_BABEL_LOCALE = {"en": "en_GB"}


def babel_locale(lang: str) -> str:
    return _BABEL_LOCALE.get(lang, lang)


def format_date(value: dt.date, lang: str, format: str = "long") -> str:
    """A date in ``lang``: es "23 de enero de 2015", en "23 January 2015" (CLDR)."""
    return babel_dates.format_date(value, format=format, locale=babel_locale(lang))


# Date ranges in UN house style, full month names (Babel's interval formats abbreviate
# the month in English, French and Russian): the end date is written whole and the
# start date without what it shares with it; Chinese writes the start whole instead.
# Patterns: (day, day and month) of the start date, CLDR date pattern syntax.
_RANGE_START = {"es": ("d", "d 'de' MMMM"), "zh": ("d日", "M月d日")}
#: In running text ("held ..."): Spanish "del 2 al 3 de octubre de 2025", French
#: "du 2 au 3 octobre 2025", Chinese "2025年10月2日至3日".
_RANGE_PROSE = {"es": "del {start} al {end}", "fr": "du {start} au {end}", "zh": "{start}至{end}"}


def format_date_range(start: dt.date, end: dt.date | None, lang: str, *, prose: bool = False) -> str:
    """The days ``start`` to ``end`` (inclusive) in ``lang``, e.g. en "2–3 October 2025",
    "30 September – 2 October 2025", "30 December 2025 – 2 January 2026"; es
    "2–3 de octubre de 2025", with ``prose`` (inside a sentence, after "held")
    "del 2 al 3 de octubre de 2025"; zh "2025年10月2日 – 3日", in prose "2025年10月2日至3日".

    One day (``end`` None, or not after ``start``) is :func:`format_date` of it.
    """
    if end is None or end <= start:
        return format_date(start, lang)
    locale = babel_locale(lang)
    day, day_month = _RANGE_START.get(lang, ("d", "d MMMM"))
    same_month = (start.year, start.month) == (end.year, end.month)
    if lang == "zh":  # year first: the end drops what it shares with the start
        first = format_date(start, lang)
        last = babel_dates.format_date(end, day if same_month else day_month, locale=locale) \
            if start.year == end.year else format_date(end, lang)
    else:
        last = format_date(end, lang)
        first = babel_dates.format_date(start, day if same_month else day_month, locale=locale) \
            if start.year == end.year else format_date(start, lang)
    if prose and lang in _RANGE_PROSE:
        return _RANGE_PROSE[lang].format(start=first, end=last)
    return f"{first}–{last}" if same_month and lang != "zh" else f"{first} – {last}"


def format_datetime(value: dt.datetime, lang: str) -> str:
    """An aware datetime in the computer's time zone, medium length, in ``lang``
    (en "29 Nov 2026, 19:05:11")."""
    return babel_dates.format_datetime(value.astimezone(), format="medium", locale=babel_locale(lang))


def author(office: str, account: str) -> str:
    """Who made a change, as shown: the office, with the account on an HQ archive
    ("Geneva HQ (carlos)")."""
    return _("{office} ({account})").format(office=office, account=account) if account else office


def format_number(value: int | float, lang: str) -> str:
    return babel_numbers.format_decimal(value, locale=babel_locale(lang))


def format_list(items: list[str], lang: str, style: str = "standard") -> str:
    """``["a", "b", "c"]`` as es "a, b y c", en "a, b and c" (CLDR list patterns);
    ``style="or"`` gives en "a, b or c"."""
    return babel_lists.format_list(items, style=style, locale=babel_locale(lang))


def language_name(code: str, in_lang: str, *, capitalize: bool = True) -> str:
    """The name of language ``code`` in language ``in_lang``, e.g. ("es", "en") -> "Spanish".

    With ``capitalize`` False the name keeps CLDR's case for use inside a sentence
    (es "español", en "Spanish").
    """
    name = Locale.parse(code).get_display_name(in_lang) or code
    return name[:1].upper() + name[1:] if capitalize else name


# Spelled ordinals for meeting numbers, reviewed by hand (Babel has none). Spanish
# follows the seed report: spelled up to "novena", then "10ª", "14ª" (feminine, to agree
# with "reunión"); French agrees with "réunion" ("neuvième", then "10e"); English spells
# to "ninth", then "10th". Arabic agrees with the masculine "الاجتماع" and is spelled to
# the twentieth, as UN Arabic texts write meeting numbers; Chinese writes "第九次",
# "第十四次" in Chinese numerals. Russian sentences use "собрание № 9", a plain number,
# which needs no case agreement.
_SPELLED_ORDINALS = {
    "es": ("primera", "segunda", "tercera", "cuarta", "quinta", "sexta", "séptima",
           "octava", "novena"),
    "en": ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
           "ninth"),
    "fr": ("première", "deuxième", "troisième", "quatrième", "cinquième", "sixième",
           "septième", "huitième", "neuvième"),
}
_ARABIC_ORDINALS = (
    "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن",
    "التاسع", "العاشر", "الحادي عشر", "الثاني عشر", "الثالث عشر", "الرابع عشر",
    "الخامس عشر", "السادس عشر", "السابع عشر", "الثامن عشر", "التاسع عشر", "العشرون")
_CHINESE_DIGITS = "〇一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """``n`` (0 to 99) in Chinese numerals: 9 "九", 10 "十", 14 "十四", 20 "二十".

    Raises ValueError outside 0 to 99.
    """
    if not 0 <= n <= 99:
        raise ValueError(f"{n} is outside 0 to 99")
    tens, units = divmod(n, 10)
    if tens == 0:
        return _CHINESE_DIGITS[units]
    return (_CHINESE_DIGITS[tens] if tens > 1 else "") + "十" + (_CHINESE_DIGITS[units] if units else "")


def meeting_ordinal(n: int, lang: str, *, spelled: bool = True) -> str:
    """The ordinal of meeting ``n`` as a brief in ``lang`` writes it.

    With ``spelled`` the numbers 1 to 9 are words where the language writes them so
    (Arabic and Chinese spell the numbers they have words for, whatever ``spelled``).
    Languages without a reviewed rule get the plain number.
    """
    words = _SPELLED_ORDINALS.get(lang)
    if spelled and words and 1 <= n <= len(words):
        return words[n - 1]
    if lang == "ar" and 1 <= n <= len(_ARABIC_ORDINALS):
        return _ARABIC_ORDINALS[n - 1]
    if lang == "zh" and 1 <= n <= 99:
        return chinese_numeral(n)
    if lang == "es":
        return f"{n}ª"
    if lang == "fr":
        return "1re" if n == 1 else f"{n}e"
    if lang == "en":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    return format_number(n, lang)


# ISO 3166-1 alpha-2 codes are the two-letter regions CLDR (Babel) names, less those
# that are not assigned country codes: exceptionally reserved (AC, CP, CQ, DG, EA, IC,
# TA), groupings (EU, EZ, UN), user-assigned (QO, XA, XB, XK) and unknown (ZZ).
_NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN",
                            "XA", "XB", "XK", "ZZ"})


def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes ("FR", "KE", ...), from Babel's CLDR territory list."""
    return frozenset(code for code in Locale("en").territories
                     if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)


def country_name(code: str | None, lang: str) -> str:
    """The name of country ``code`` in ``lang`` (es "Francia"); unknown codes as given."""
    if not code:
        return ""
    return Locale.parse(babel_locale(lang)).territories.get(code, code)


def format_size(size: int, lang: str) -> str:
    """A file size in bytes as people read it in ``lang``: en "512 bytes", "1.5 MB"
    (decimal units, CLDR unit names, one decimal from kB up)."""
    from babel.units import format_unit
    units = ("digital-byte", "digital-kilobyte", "digital-megabyte", "digital-gigabyte")
    value, unit = float(size), 0
    while value >= 1000 and unit < len(units) - 1:
        value, unit = value / 1000, unit + 1
    return format_unit(round(value, 1) if unit else int(value), units[unit],
                       length="short" if unit else "long",
                       format="#,##0.#", locale=babel_locale(lang))


def format_meeting_time(day: dt.date, start: str | dt.time, zone: str, lang: str) -> str:
    """A meeting's start in the local time of its venue, the zone named, in ``lang``:
    en "2:00 PM (Central European Standard Time, Europe/Zurich)", fr "14:00 (heure normale
    d’Europe centrale, Europe/Zurich)". ``start`` is "HH:MM" or a time on ``day`` in the
    IANA zone ``zone`` (checked already: domain/meeting_time.py). Names from CLDR via Babel."""
    import zoneinfo
    if isinstance(start, str):
        start = dt.time.fromisoformat(start)
    local = dt.datetime.combine(day, start, tzinfo=zoneinfo.ZoneInfo(zone))
    locale = babel_locale(lang)
    name = babel_dates.get_timezone_name(local, "long", locale=locale)
    pattern = translation(lang).pgettext("a meeting's start: time, zone name, IANA zone", "{time} ({zone_name}, {zone})")
    return pattern.format(time=babel_dates.format_time(local, "short", locale=locale), zone_name=name, zone=zone)


def own_zone() -> dt.tzinfo:
    """The user's own time zone: the IANA zone in the ``TZ`` environment variable when
    it names one ("America/New_York"), else the computer's local zone."""
    import zoneinfo
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return dt.datetime.now().astimezone().tzinfo


def format_meeting_times(day: dt.date, start: str | dt.time, zone: str, lang: str,
                         own_zone: dt.tzinfo | None = None) -> str:
    """The meeting's start at the venue (:func:`format_meeting_time`) and, when the
    user's own zone ``own_zone`` (default: the computer's) shows another clock, the same
    instant there: "2:00 PM (…, Europe/Zurich) — 8:00 AM your time"."""
    import zoneinfo
    if isinstance(start, str):
        start = dt.time.fromisoformat(start)
    venue = format_meeting_time(day, start, zone, lang)
    instant = dt.datetime.combine(day, start, tzinfo=zoneinfo.ZoneInfo(zone))
    own = instant.astimezone(own_zone) if own_zone is not None else instant.astimezone()
    if own.replace(tzinfo=None) == instant.replace(tzinfo=None):
        return venue
    locale = babel_locale(lang)
    when = babel_dates.format_time(own, "short", locale=locale)
    if own.date() != instant.date():
        when = f"{when}, {babel_dates.format_date(own.date(), 'medium', locale=locale)}"
    return _("{venue} — {own} your time").format(venue=venue, own=when)
