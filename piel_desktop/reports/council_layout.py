"""The report to Council as plain blocks: the one layout that both writers print, the
PDF (``reports/council_pdf.py``, ReportLab) and the Word document
(``reports/council_docx.py``, python-docx).

A layout is made from :class:`~piel_desktop.services.council_report.ReportContent` in
one language by :func:`report_layout`; section 2 (the recommendations) is made by
:func:`recommendation_blocks`, the same code the meetings brief prints its body with.
Blocks carry text only, never markup: a writer escapes or inserts it literally.

The block roles, in the order a Council document has them (seed:
resources/demo/seed-report-es.txt):

=============== ==============================================================
role            what it is
=============== ==============================================================
box_heading     "Resumen", "Acción solicitada" (in the box under the title)
box_text        the summary, the action requested
rule            the short rule under the box ("____________"; ``text`` empty)
references      "Referencias" (``level`` 0) and, in ``number``-less blocks
                after it, the references' text (``level`` 1)
heading         a section heading: ``number`` "1", ``text`` "Introducción"
paragraph       a numbered paragraph: ``number`` "1.1", "2.3"
quote_heading   the operative heading of quoted clauses ("resuelve")
quote           a quoted mandate clause: ``number`` "1", "1.1"; ``level`` 0, 1
item            a list item: ``number`` "a)" (achievements) or "–" (outcomes)
subitem         a sub-item under an item: ``number`` "1)", "a)", "(أ)"; ``level`` 1…
note            a note in small italic (texts printed in another language)
=============== ==============================================================
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from piel_desktop.domain import model as d
from piel_desktop.i18n import format_date, format_list, format_number, language_name, translation

if TYPE_CHECKING:  # the layout needs only the shapes of its inputs
    from piel_desktop.services.council_report import IntroParagraph, ReportContent
    from piel_desktop.services.records import BriefContent

BlockRole = Literal["box_heading", "box_text", "rule", "references", "heading", "paragraph",
                    "quote_heading", "quote", "item", "subitem", "note"]


@dataclass(frozen=True)
class Block:
    """One paragraph of the report.

    ``text`` is plain text (never markup); ``lang`` the language it is written in (the
    report's, or the original's when no version exists in the report's language: then
    ``mark`` is the code printed after it, "[en]"); ``number`` the paragraph's number or
    label as printed ("1.2", "a)", "–"; empty when none); ``level`` the nesting depth
    (0 at the margin). ``keep_with_next`` asks writers not to break a page after it.
    """

    role: BlockRole
    text: str
    lang: str
    number: str = ""
    level: int = 0
    mark: str = ""
    keep_with_next: bool = False


@dataclass(frozen=True)
class ReportLayout:
    """A whole report in one language.

    ``lang`` the document's language (direction follows it); ``header`` the lines of
    the block at the top of the first page ("Consejo 2018", "Documento C18/xx-S",
    "2 de mayo de 2018", "Original: español"), already formatted; ``title`` the
    document's title ("" for none), in ``title_lang`` and marked ``title_mark`` ("[es]")
    when it is not in ``lang``; ``blocks`` everything under the title in order; ``footer`` the
    line every page carries besides its number ("Preparado el … · Huella del archivo …");
    ``page_label`` the page-number pattern with ``{page}`` and ``{pages}``.
    """

    lang: str
    header: tuple[str, ...]
    title: str
    blocks: tuple[Block, ...]
    footer: str
    page_label: str
    title_lang: str = ""
    title_mark: str = ""


_LIST_END = (":", ".", ";", "!", "?", "。", "；", "：", "؛", "؟")
#: What ends a list item and the last one, per language of the text (Chinese uses full
#: width punctuation, Arabic its own semicolon).
_ENDINGS = {"zh": ("；", "。"), "ar": ("؛", ".")}
# Sub-item letters in UN Arabic texts follow the abjad order: (أ) (ب) (ج) (د) (هـ) ...
_ARABIC_LETTER_LABELS = ("أ", "ب", "ج", "د", "هـ", "و", "ز", "ح", "ط", "ي", "ك", "ل", "م",
                         "ن", "س", "ع", "ف", "ص", "ق", "ر", "ش", "ت", "ث", "خ", "ذ", "ض")
#: The language letter ending a Council document's symbol ("C18/xx-S" in Spanish).
_SYMBOL_LETTERS = {"ar": "A", "en": "E", "es": "S", "fr": "F", "ru": "R", "zh": "C"}
_SYMBOL_SUFFIX = re.compile(r"-[AECFRS]$")


def sub_label(label: str, lang: str) -> str:
    """A sub-item label as ``lang`` writes it: "a)", "1)", in Arabic "(أ)", "(1)"."""
    if lang == "ar" and len(label) == 1 and label.isascii() and label.isalpha():
        index = ord(label.lower()) - ord("a")
        if index < len(_ARABIC_LETTER_LABELS):
            return f"({_ARABIC_LETTER_LABELS[index]})"
    if lang == "ar":
        return f"({label})"
    return f"{label})"


def _version(text: d.LocalizedText, lang: str) -> tuple[str, str, str]:
    """(text, its language, mark) of ``text`` in ``lang``, else in its original language
    marked "[en]"; ("", lang, "") when it has no version. A version of blanks counts as
    none (an Arabic title left empty prints the original, marked)."""
    version = text.get(lang)
    if version is None or not version.text.strip():
        filled = [v for v in text.versions if v.text.strip()]
        version = next((v for v in filled if v == text.original), filled[0] if filled else None)
    if version is None:
        return "", lang, ""
    return version.text.strip(), version.lang, f"[{version.lang}]" if version.lang != lang else ""


def _outcome_block(outcome: d.Outcome, lang: str, role: BlockRole, number: str, *,
                   level: int = 0, last: bool | None = None) -> Block:
    """An outcome's text in ``lang``, else in its original language marked with the
    code. Top-level outcomes are stored without the ";" / "." that separate list items:
    with ``last`` given (True for the list's last item) the punctuation of the text's
    language is restored."""
    text, text_lang, mark = _version(outcome.text, lang)
    if last is not None and not text.endswith(_LIST_END):
        text += _ENDINGS.get(text_lang, (";", "."))[last]
    return Block(role, text, text_lang, number=number, level=level, mark=mark)


def recommendation_blocks(brief: BriefContent, lang: str, *, number_prefix: str = "") -> list[Block]:
    """The recommendations of ``brief``'s meetings in ``lang``, as the brief prints its
    body and section 2 of the report: per group of meetings a ``paragraph`` (number
    ``number_prefix`` + "1", "2"…; the lead sentence "The main outcomes of the ninth
    meeting of CWG-COP, held on 23 January 2015, were:"), its outcomes as ``item``
    blocks numbered "–" with the list punctuation of their language, and their
    sub-items as ``subitem`` blocks labelled "a)", "1)", Arabic "(أ)", unlabelled "•",
    ``level`` 1 for a child, 2 for a grandchild… Texts missing in ``lang`` come in their
    original language with ``mark`` "[en]". Raises nothing."""
    from piel_desktop.reports.phrases import Phrases  # its module needs ReportLab's fonts

    phrases = Phrases(lang)
    acronym = body_acronym(brief, lang)
    blocks: list[Block] = []
    for index, group in enumerate(brief.groups, 1):
        blocks.append(Block("paragraph", phrases.lead(group, acronym), lang,
                            number=number_prefix + format_number(index, lang), keep_with_next=True))
        for position, outcome in enumerate(group.outcomes):
            blocks.append(_outcome_block(outcome, lang, "item", "–",
                                         last=position == len(group.outcomes) - 1))
            for child in outcome.children:
                blocks.extend(_sub_blocks(child, lang, 1))
    return blocks


def _sub_blocks(outcome: d.Outcome, lang: str, level: int) -> list[Block]:
    label = sub_label(outcome.label, lang) if outcome.label else "•"
    blocks = [_outcome_block(outcome, lang, "subitem", label, level=level)]
    for child in outcome.children:
        blocks.extend(_sub_blocks(child, lang, level + 1))
    return blocks


def body_acronym(brief: BriefContent, lang: str) -> str:
    """The body's acronym in ``lang`` (else its original), else its name; "" if none."""
    text = brief.body.acronym.pick(lang) or brief.body.name.pick(lang)
    return text.text if text else ""


def _paragraphs(text: d.LocalizedText, lang: str, role: BlockRole, *, number: str = "",
                level: int = 0) -> list[Block]:
    """``text`` in ``lang`` as one block per line of it (the first numbered
    ``number``); no block for an empty text."""
    whole, text_lang, mark = _version(text, lang)
    lines = [line.strip() for line in whole.splitlines() if line.strip()]
    return [Block(role, line, text_lang, number=number if i == 0 else "", level=level, mark=mark)
            for i, line in enumerate(lines)]


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _introduction(paragraphs: tuple[IntroParagraph, ...], lang: str) -> list[Block]:
    blocks: list[Block] = []
    for position, intro in enumerate(paragraphs, 1):
        blocks += _paragraphs(intro.text, lang, "paragraph", number=f"1.{format_number(position, lang)}")
        if intro.quoted:
            blocks += [replace(b, keep_with_next=True)
                       for b in _paragraphs(intro.quote_heading, lang, "quote_heading")]
            for clause in intro.quoted:
                blocks += _paragraphs(clause.text, lang, "quote", number=clause.number, level=clause.depth)
        for achievement in intro.achievements:
            title, title_lang, title_mark = _version(achievement.title, lang)
            text, text_lang, mark = _version(achievement.text, lang)
            if title and text:
                joined = title if title.endswith(("：", ":")) else title + _colon(title_lang).rstrip()
                text = f"{joined} {text}" if title_lang != "zh" else joined + text
            else:
                text, text_lang, mark = (title, title_lang, title_mark) if title else (text, text_lang, mark)
            label = sub_label(achievement.label, lang) if achievement.label else "•"
            blocks.append(Block("item", text, text_lang, number=label, mark=mark or title_mark))
    return blocks


def report_header(content: ReportContent, lang: str) -> tuple[str, ...]:
    """The lines at the top of page 1 in ``lang``'s Council style: es ("Consejo 2018",
    "Punto del orden del día: ADM 5", "Documento C18/xx-S", "2 de mayo de 2018",
    "Original: español"); lines of missing fields are left out. The symbol's language
    letter becomes ``lang``'s ("C18/xx-S" prints "C18/xx-E" in English)."""
    t = translation(lang)
    lines = []
    if content.session_year is not None:
        lines.append(t.pgettext("Council document header", "Council {year}").format(year=content.session_year))
    if content.agenda_item:
        lines.append(t.pgettext("Council document header", "Agenda item: {item}").format(item=content.agenda_item))
    if content.symbol:
        symbol = _SYMBOL_SUFFIX.sub(f"-{_SYMBOL_LETTERS.get(lang, 'E')}", content.symbol.strip())
        lines.append(t.pgettext("Council document header", "Document {symbol}").format(symbol=symbol))
    if content.date is not None:
        lines.append(format_date(content.date, lang))
    lines.append(t.pgettext("Council document header", "Original: {language}").format(
        language=language_name(content.original_language, lang, capitalize=False)))
    return tuple(lines)


def report_layout(content: ReportContent, lang: str, *, made_on: dt.date) -> ReportLayout:
    """The whole report in ``lang`` (a UN language code), made on ``made_on`` (printed
    in the footer): header, title, the box (summary, action requested), references,
    section 1 (introduction: paragraphs 1.1…, quoted clauses, achievements a)…) and
    section 2 (:func:`recommendation_blocks` numbered "2.1"…; left out when the report
    covers no meeting), then notes: quoted clauses deleted since (``missing_clauses``),
    texts printed in another language.
    Raises nothing: empty texts make no block (headings stay)."""
    from piel_desktop.reports.phrases import Phrases

    t = translation(lang)
    phrases = Phrases(lang)
    blocks: list[Block] = [Block("box_heading", t.pgettext("Council document", "Summary"), lang, keep_with_next=True)]
    blocks += _paragraphs(content.summary, lang, "box_text")
    blocks.append(Block("box_heading", t.pgettext("Council document", "Action required"), lang, keep_with_next=True))
    blocks += _paragraphs(content.action_requested, lang, "box_text")
    blocks.append(Block("rule", "", lang))
    blocks.append(Block("references", t.pgettext("Council document", "References"), lang, keep_with_next=True))
    blocks += _paragraphs(content.references, lang, "references", level=1)
    blocks.append(Block("heading", t.pgettext("Council document", "Introduction"), lang,
                        number=format_number(1, lang), keep_with_next=True))
    blocks += _introduction(content.introduction, lang)
    if content.brief.groups:
        blocks.append(Block("heading", t.pgettext("Council document", "Recommendations"), lang,
                            number=format_number(2, lang), keep_with_next=True))
        blocks += recommendation_blocks(content.brief, lang, number_prefix=f"{format_number(2, lang)}.")
    missing = content.missing_clauses
    if missing:
        blocks.append(Block("note", t.ngettext(
            "The quoted clause {numbers} was deleted from the archive and is left out.",
            "The quoted clauses {numbers} were deleted from the archive and are left out.",
            len(missing)).format(numbers=format_list(list(missing), lang)), lang))
    title, title_lang, title_mark = _version(content.title, lang)
    if title_mark or any(block.mark for block in blocks):
        blocks.append(Block("note", t.gettext(
            "Texts not available in this language are printed in their original language, "
            "marked with its code."), lang))
    return ReportLayout(lang=lang, header=report_header(content, lang), title=title, blocks=tuple(blocks),
                        footer=phrases.footer(made_on, content.fingerprint),
                        page_label=t.gettext("Page {page} of {pages}"), title_lang=title_lang, title_mark=title_mark)
