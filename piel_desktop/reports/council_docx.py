"""The report to Council as an editable Word document (python-docx).

Every paragraph gets a named style kept in the document's styles part, never direct
formatting, so a secretary restyles the whole report by editing one style:

=================== =====================================================================
style               used for
=================== =====================================================================
PIeL Header         the lines of the block at the top (Council session, symbol, date…)
Title               the title (Word's own style, restated here)
PIeL Box Heading    "Resumen", "Acción solicitada", inside the bordered one-cell table
PIeL Box Text       the summary and the action requested, inside the same table
PIeL Rule           the short rule under the box
PIeL References     "Referencias"; PIeL Reference Text for the lines after it
Heading 1           a section heading, "1<tab>Introducción"
PIeL Numbered       a numbered paragraph, "1.1<tab>…", hanging indent
PIeL Quote Heading  "resuelve"
PIeL Quote N        a quoted clause at level N-1, indented one step per level
PIeL Item N         a list item ("a)", "–") at level N-1
PIeL Subitem N      a sub-item ("1)", "a)") at level N (1…)
PIeL Note           a note, small italic
PIeL Footer         the footer of every page: "Page n of m", then the archive's fingerprint
PIeL Running Header the header of pages 2 onwards (page 1 has the header block instead)
=================== =====================================================================

Numbers and labels are written as text followed by a tab, not as Word list numbering:
they then print exactly as the layout has them (1.3, a), (أ)) in every reader, survive
copy and paste, and the hanging indent of the style puts the text after them.

Text is inserted literally: python-docx escapes ``<w:p>`` and a ``{ DDE … }`` stays a
run of text (fields only exist as field characters, which this module writes only for
the footer's page numbers); characters XML cannot hold are dropped.
Arabic documents are right-to-left (w:bidi on the styles, the section and each paragraph,
w:rtl on Arabic runs); a paragraph whose text is in another language (no Arabic version
yet) is left to right (w:bidi="0"), as in the PDF. Every run carries w:lang; Chinese runs
name an East-Asian font.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml.etree import SubElement

from piel_desktop import APP_NAME, __version__
from piel_desktop.domain.progress import SILENT, Progress
from piel_desktop.reports.council_layout import Block, ReportLayout
from piel_desktop.reports.pages import checked_output, write_atomically
from piel_desktop.reports.typeset import is_rtl

#: Fonts named in the document (Word substitutes what a machine lacks; LibreOffice uses
#: fontconfig). Latin/Cyrillic, complex script (Arabic) and East-Asian (Chinese) slots.
LATIN_FONT, ARABIC_FONT, CJK_FONT = "Calibri", "Arial", "SimSun"
#: w:lang values by language code: the Latin slot, and bidi / eastAsia where they apply.
_LANG_TAGS = {"ar": "ar-SA", "en": "en-GB", "es": "es-ES", "fr": "fr-FR", "ru": "ru-RU",
              "zh": "zh-CN"}
STEP = Cm(1.27)  # one indentation step, also the hanging indent of labels
BODY_SIZE = Pt(11)
PRINTED_RULE = "____________"
#: Characters XML 1.0 cannot hold (C0 controls except tab/newline/CR, lone surrogates,
#: U+FFFE/U+FFFF). Tab and newline are kept: python-docx writes them as w:tab / w:br.
_PIECES = re.compile("(\t|\n)")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: Qualified names of the elements written per paragraph, resolved once: made with
#: lxml's SubElement/makeelement on the document's own tree (so python-docx's element
#: classes still apply) instead of OxmlElement, which parses its tag each time.
_W_P, _W_R, _W_T, _W_TAB, _W_BR = (qn(f"w:{tag}") for tag in ("p", "r", "t", "tab", "br"))
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters an XML document cannot contain (str -> str)."""
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def lang_tag(lang: str) -> str:
    """The BCP 47 tag written in w:lang for a language code ("es" -> "es-ES")."""
    return _LANG_TAGS.get(lang, lang)


def write_report_docx(layout: ReportLayout, *, out: Path, progress: Progress = SILENT,
                      protect: Path | None = None) -> int:
    """Write ``layout`` as a Word document at ``out``; return the paragraphs written.

    ``out`` is normally already checked by the caller (``checked_output``); it is checked
    again here, with ``protect`` the archive's path when given, so the archive (or a
    folder) is never overwritten. The file is written under a temporary name beside
    ``out`` and appears complete or not at all. Progress counts blocks.
    Raises OutputNotWritable, NotAFile, or Cancelled via ``progress`` (no file is left).
    """
    out = checked_output(Path(out), protect=protect)
    writer = _Writer(layout)
    total = len(layout.blocks)
    progress.step(0, total, "")
    writer.header_and_title()
    for group in _grouped(layout.blocks):
        writer.write(group)
        progress.step(min(writer.blocks_done, total), total, "")
    write_atomically(out, lambda temporary: writer.document.save(str(temporary)))
    return writer.paragraphs


def _grouped(blocks: Iterable[Block]) -> Iterable[list[Block]]:
    """Blocks in runs: consecutive box blocks together (one table), others alone."""
    box: list[Block] = []
    for block in blocks:
        if block.role in ("box_heading", "box_text"):
            box.append(block)
            continue
        if box:
            yield box
            box = []
        yield [block]
    if box:
        yield box


class _Writer:
    """One document being built from one layout."""

    def __init__(self, layout: ReportLayout) -> None:
        self.layout = layout
        self.rtl = layout.lang == "ar"
        self.document = Document()
        self.paragraphs = 0
        self._ids: dict[str, str] = {}
        self._body = self.document.element.body
        self._body_end = self._body.sectPr
        self._run_properties: dict = {}
        self._p_prs: dict = {}
        self.blocks_done = 0
        self._page_setup()
        self._styles()
        self._properties()
        self._footer()

    # -- document-wide parts -------------------------------------------------------------

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.2)
        if self.rtl:
            sect_pr = section._sectPr
            bidi = OxmlElement("w:bidi")
            # CT_SectPr orders its children; w:bidi goes before w:rtlGutter/w:docGrid.
            grid = sect_pr.find(qn("w:docGrid"))
            if grid is not None:
                grid.addprevious(bidi)
            else:
                sect_pr.append(bidi)

    def _properties(self) -> None:
        core = self.document.core_properties
        now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
        core.title = xml_safe(self.layout.title)[:255]
        core.language = lang_tag(self.layout.lang)
        core.author = core.last_modified_by = APP_NAME
        core.comments = f"{APP_NAME} {__version__}"
        core.created = core.modified = now
        core.revision = 1
        core.keywords = core.subject = core.category = ""

    def _styles(self) -> None:
        styles = self.document.styles
        defaults = self.document.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            for r_pr in defaults.iter(qn("w:rPr")):
                self._fonts(r_pr, size=BODY_SIZE)
        normal = styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = BODY_SIZE
        self._fonts(normal.element.get_or_add_rPr(), size=BODY_SIZE)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.space_before = Pt(0)
        if self.rtl:
            _set_bidi(normal.element.get_or_add_pPr())
        # Word's built-in styles, restated so they look like a Council document.
        title = styles["Title"]
        title.font.size, title.font.bold = Pt(16), True
        title.font.color.rgb = RGBColor(0, 0, 0)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(24), Pt(12)
        _strip_border(title.element)
        heading = styles["Heading 1"]
        heading.font.size, heading.font.bold = Pt(12), True
        heading.font.color.rgb = RGBColor(0, 0, 0)
        self._hanging(heading, level=0)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.keep_with_next = True
        for style in (title, heading):
            self._fonts(style.element.get_or_add_rPr(), size=style.font.size)
        self._new("PIeL Header", size=Pt(10)).paragraph_format.space_after = Pt(0)
        box_heading = self._new("PIeL Box Heading", bold=True)
        box_heading.paragraph_format.keep_with_next = True
        box_heading.paragraph_format.space_before = Pt(6)
        self._new("PIeL Box Text")
        rule = self._new("PIeL Rule")
        # At the start edge, as in the PDF (left, or right in a right-to-left document).
        rule.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        rule.paragraph_format.space_before = rule.paragraph_format.space_after = Pt(12)
        self._new("PIeL References", bold=True).paragraph_format.keep_with_next = True
        self._new("PIeL Reference Text", size=Pt(10))
        self._hanging(self._new("PIeL Numbered"), level=0)
        quote_heading = self._new("PIeL Quote Heading", italic=True)
        quote_heading.paragraph_format.left_indent = STEP
        quote_heading.paragraph_format.keep_with_next = True
        self._new("PIeL Note", italic=True, size=Pt(9))

    def _new(self, name: str, *, bold: bool = False, italic: bool = False, size=None):
        style = self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = self.document.styles["Normal"]
        style.quick_style = True
        if bold:
            style.font.bold = True
            _child(style.element.get_or_add_rPr(), "bCs")
        if italic:
            style.font.italic = True
            _child(style.element.get_or_add_rPr(), "iCs")
        if size is not None:
            style.font.size = size
            self._fonts(style.element.get_or_add_rPr(), size=size)
        return style

    def _level_style(self, kind: str, level: int) -> str:
        """The name of style "PIeL {kind} {level+1}", made the first time it is needed:
        as in the PDF, its label sits under the text of the numbered paragraphs, one
        step more per level, and its text one step further."""
        name = f"PIeL {kind} {level + 1}"
        if name not in self._ids:
            style = self._new(name)
            self._hanging(style, level=level + 1)
            self._ids[name] = style.style_id
        return name

    def _hanging(self, style, *, level: int) -> None:
        fmt = style.paragraph_format
        fmt.left_indent = STEP * (level + 1)
        fmt.first_line_indent = -STEP
        fmt.tab_stops.add_tab_stop(STEP * (level + 1))

    def _fonts(self, r_pr, *, size) -> None:
        """Fonts of every script slot and the complex-script size in run properties."""
        fonts = _child(r_pr, "rFonts")
        # A theme font (the template's asciiTheme="minorHAnsi"…) would win over ours.
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for attribute, value in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT),
                                 ("w:cs", ARABIC_FONT), ("w:eastAsia", CJK_FONT)):
            fonts.set(qn(attribute), value)
        if size is not None:
            _child(r_pr, "szCs").set(qn("w:val"), str(int(size.pt * 2)))
        _set_lang(r_pr, self.layout.lang)

    def _footer(self) -> None:
        """The footer of every page (page n of m, the archive's fingerprint) and, from
        page 2 as in the PDF, the running header: the first two header lines."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        footer_style = self._new("PIeL Footer", size=Pt(8))
        footer_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for footer in (section.first_page_footer, section.footer):
            self._footer_lines(footer)
        running = section.header.paragraphs[0]
        running.style = self._new("PIeL Running Header", size=Pt(8))
        self._bidi_paragraph(running)
        self._run(running, xml_safe(" · ".join(self.layout.header[:2])), self.layout.lang)

    def _footer_lines(self, footer) -> None:
        label = footer.paragraphs[0]
        label.style = self.document.styles["PIeL Footer"]
        self._bidi_paragraph(label)
        pattern = xml_safe(self.layout.page_label)
        for piece in re.split(r"(\{page\}|\{pages\})", pattern):
            if piece == "{page}":
                self._field(label, "PAGE")
            elif piece == "{pages}":
                self._field(label, "NUMPAGES")
            elif piece:
                self._run(label, piece, self.layout.lang)
        line = footer.add_paragraph(style="PIeL Footer")
        self._bidi_paragraph(line)
        self._run(line, xml_safe(self.layout.footer), self.layout.lang)

    def _field(self, paragraph, instruction: str) -> None:
        """A complex field (fldChar begin, instrText, separate, "1", end) in runs."""
        for kind in ("begin", "instr", "separate", "result", "end"):
            run = self._run(paragraph, "1" if kind == "result" else "", self.layout.lang)
            if kind == "instr":
                text = OxmlElement("w:instrText")
                text.set(qn("xml:space"), "preserve")
                text.text = f" {instruction} \\* MERGEFORMAT "
                run.append(text)
            elif kind != "result":
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run.append(char)

    # -- paragraphs ----------------------------------------------------------------------
    # Paragraphs and runs are made as elements directly: python-docx's add_paragraph
    # looks the style up by name through every style each time (10× slower).

    def header_and_title(self) -> None:
        body = self.document.element.body
        for line in self.layout.header:
            self._paragraph(body, "PIeL Header", [(line, self.layout.lang)])
        layout = self.layout
        if layout.title:  # no title: no empty Title paragraph
            mark = [("\u00a0" + xml_safe(layout.title_mark), layout.lang)] if layout.title_mark else []
            self._paragraph(body, "Title", [(layout.title, layout.title_lang or layout.lang), *mark])

    def write(self, group: list[Block]) -> None:
        if group[0].role in ("box_heading", "box_text"):
            self._box(group)
        else:
            self._block(self.document.element.body, group[0])
        self.blocks_done += len(group)

    def _box(self, blocks: list[Block]) -> None:
        table = self.document.add_table(rows=1, cols=1)
        tbl_pr = table._tbl.tblPr
        borders = _child(tbl_pr, "tblBorders")
        for edge in ("top", "left", "bottom", "right"):
            element = OxmlElement(f"w:{edge}")
            for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"),
                               ("w:color", "000000")):
                element.set(qn(key), value)
            borders.append(element)
        if self.rtl:
            _child(tbl_pr, "bidiVisual")
        cell = table.cell(0, 0)
        cell.width = Cm(17.0)
        first = cell._tc.p_lst[0]
        for index, block in enumerate(blocks):
            style = "PIeL Box Heading" if block.role == "box_heading" else "PIeL Box Text"
            self._block(cell._tc, block, style=style, reuse=first if index == 0 else None)

    def _block(self, container, block: Block, *, style: str | None = None, reuse=None) -> None:
        number = xml_safe(block.number)
        if style is None:
            style = self._style_for(block)
        text = xml_safe(block.text)
        if block.role == "rule" and not text:
            text = PRINTED_RULE
        pieces: list[tuple[str, str]] = []
        if number:
            pieces.append((number + "\t", block.lang))
        pieces.append((text, block.lang))
        if block.mark:
            pieces.append(("\u00a0" + xml_safe(block.mark), self.layout.lang))
        self._paragraph(container, style, pieces, reuse=reuse, keep_with_next=block.keep_with_next)

    def _style_for(self, block: Block) -> str:
        role, level = block.role, max(0, min(block.level, 8))
        if role == "heading":
            return "Heading 1"
        if role == "paragraph":
            return "PIeL Numbered"
        if role == "references":
            # "Referencias" at level 0, the references' lines under it at level 1.
            return "PIeL Reference Text" if block.level > 0 else "PIeL References"
        if role == "quote":
            return self._level_style("Quote", level)
        if role == "item":
            return self._level_style("Item", level)
        if role == "subitem":
            return self._level_style("Subitem", max(level, 1))
        return {"rule": "PIeL Rule", "quote_heading": "PIeL Quote Heading",
                "note": "PIeL Note"}.get(role, "Normal")

    def _style_id(self, name: str) -> str:
        found = self._ids.get(name)
        if found is None:
            found = self._ids[name] = self.document.styles[name].style_id
        return found

    def _paragraph(self, container, style: str, pieces: list[tuple[str, str]], *, reuse=None,
                   keep_with_next: bool = False):
        """A w:p in ``container`` (body or table cell element), or ``reuse`` restyled."""
        if reuse is not None:
            p = reuse
        else:
            p = container.makeelement(_W_P, {})
            # Before the body's closing w:sectPr; add_p would search all children for it.
            if container is self._body:
                self._body_end.addprevious(p)
            else:
                container.append(p)
        for old in p.findall(qn("w:pPr")):
            p.remove(old)
        # A paragraph runs in the direction of its text's language, as in the PDF: in an
        # Arabic report, a text printed in Spanish (no Arabic version) is left to right.
        rtl = is_rtl(pieces[0][1]) if pieces else self.rtl
        p.insert(0, copy.deepcopy(self._paragraph_properties(style, keep_with_next, rtl)))
        for text, lang in pieces:
            self._run_element(p, xml_safe(text), lang)
        self.paragraphs += 1
        return p

    def _paragraph_properties(self, style: str, keep_with_next: bool, rtl: bool):
        """The w:pPr of a paragraph in ``style`` (a template, made once per kind):
        w:bidi when ``rtl``, w:bidi="0" for a left-to-right paragraph of a right-to-left
        document (whose styles are right to left)."""
        key = (style, keep_with_next, rtl)
        found = self._p_prs.get(key)
        if found is None:
            found = self._p_prs[key] = OxmlElement("w:pPr")
            _child(found, "pStyle").set(qn("w:val"), self._style_id(style))
            if keep_with_next:
                _child(found, "keepNext")
            if rtl:
                _child(found, "bidi")
            elif self.rtl:
                _child(found, "bidi").set(qn("w:val"), "0")
        return found

    def _bidi_paragraph(self, paragraph) -> None:
        if self.rtl:
            _set_bidi(paragraph._p.get_or_add_pPr())

    def _run_element(self, p, text: str, lang: str):
        """A w:r of ``text`` in ``lang`` at the end of paragraph ``p``: tabs and line
        breaks as w:tab / w:br, the rest in w:t, literally (lxml escapes <, & and quotes)."""
        template = self._run_properties.get(lang)
        if template is None:
            template = OxmlElement("w:rPr")
            if lang == "ar":
                # Right-to-left and complex-script font and size: Arabic text only. A
                # Spanish text quoted in an Arabic report stays a left-to-right run inside
                # the right-to-left paragraph.
                _child(template, "rtl")
            _set_lang(template, lang)
            self._run_properties[lang] = template
        r = SubElement(p, _W_R)
        r.append(copy.deepcopy(template))
        for piece in _PIECES.split(text) if "\t" in text or "\n" in text else (text,):
            if piece == "\t":
                SubElement(r, _W_TAB)
            elif piece == "\n":
                SubElement(r, _W_BR)
            elif piece:
                t = SubElement(r, _W_T)
                t.text = piece
                if piece[0].isspace() or piece[-1].isspace():
                    t.set(_XML_SPACE, "preserve")
        return r

    def _run(self, paragraph, text: str, lang: str):
        return self._run_element(paragraph._p, text, lang)


def _set_bidi(p_pr) -> None:
    _child(p_pr, "bidi")

def _set_lang(r_pr, lang: str) -> None:
    """w:lang on run properties: the Latin slot always, bidi for Arabic, eastAsia for
    Chinese (a Latin-script run in a Chinese document keeps zh in eastAsia)."""
    element = _child(r_pr, "lang")
    tag = lang_tag(lang)
    element.set(qn("w:val"), tag)
    if lang == "ar":
        element.set(qn("w:bidi"), tag)
    if lang == "zh":
        element.set(qn("w:eastAsia"), tag)


def _strip_border(style_element) -> None:
    """Remove the bottom border Word's template gives Title (a Council title has none)."""
    p_pr = style_element.find(qn("w:pPr"))
    if p_pr is not None:
        for border in p_pr.findall(qn("w:pBdr")):
            p_pr.remove(border)


_RPR_ORDER = ("rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss "
              "imprint noProof snapToGrid vanish webHidden color spacing w kern position sz "
              "szCs highlight u effect bdr shd fitText vertAlign rtl cs em lang "
              "eastAsianLayout specVanish oMath").split()
_PPR_ORDER = ("pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
              "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap "
              "overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
              "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
              "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr "
              "sectPr pPrChange").split()
_TBLPR_ORDER = ("tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize "
                "tblStyleColBandSize tblW jc tblCellSpacing tblInd tblBorders shd "
                "tblLayout tblCellMar tblLook tblCaption tblDescription").split()
_ORDERS = {"rPr": _RPR_ORDER, "pPr": _PPR_ORDER, "tblPr": _TBLPR_ORDER}


def _child(parent, tag: str):
    """The child ``w:tag`` of ``parent`` (rPr, pPr or tblPr), added where the schema
    puts it (Word refuses elements out of order) when missing."""
    found = parent.find(qn(f"w:{tag}"))
    if found is not None:
        return found
    order = _ORDERS[parent.tag.rsplit("}", 1)[-1]]
    later = {qn(f"w:{name}") for name in order[order.index(tag) + 1:]}
    element = OxmlElement(f"w:{tag}")
    for index, existing in enumerate(parent):
        if existing.tag in later:
            parent.insert(index, element)
            return element
    parent.append(element)
    return element
