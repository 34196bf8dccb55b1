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
references      "Referencias" and, in ``number``-less blocks after it, the
                references' text
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

from dataclasses import dataclass
from typing import Literal

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
    document's title; ``blocks`` everything under the title in order; ``footer`` the
    line every page carries besides its number ("Preparado el … · Huella del archivo …");
    ``page_label`` the page-number pattern with ``{page}`` and ``{pages}``.
    """

    lang: str
    header: tuple[str, ...]
    title: str
    blocks: tuple[Block, ...]
    footer: str
    page_label: str
