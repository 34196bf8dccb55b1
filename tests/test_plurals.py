"""Every count shown to a person goes through ngettext (Arabic has six plural forms,
Russian three): the source is read with ``ast`` and any gettext call (``_``, ``N_``,
``gettext``, ``pgettext``) that formats a number of things, or any f-string with words
around such a number, is reported. ``ngettext`` calls are what the check asks for, so
they are not looked at."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from piel_desktop.i18n import ngettext, set_ui_language

SOURCE = Path(__file__).resolve().parent.parent / "piel_desktop"

#: Placeholder and variable names that hold a number of things.
COUNT_NAME = re.compile(r"^(n|count|total|added|records|rows|items|pages|\w+_count|count_\w+|n_\w+)$")

#: The justified exceptions: (file, a piece of the message or f-string) and why.
ALLOWED = {
    # The noun goes with {page}, a position ("Page 3 of 7"); nothing agrees with {pages}.
    ("reports/phrases.py", "Page {page} of {pages}"), ("reports/council_layout.py", "Page {page} of {pages}"),
    # A Word style's name ("PIeL item 2"), not a count shown to anyone.
    ("reports/council_docx.py", "PIeL {kind} {level + 1}"),
    # Meeting ordinals (14ª, 14e), spelled from a reviewed table in i18n.meeting_ordinal.
    ("i18n.py", "ª"), ("i18n.py", "}e"),
    # A ValueError for a programmer (chinese_numeral outside 0 to 99), never shown.
    ("i18n.py", "is outside 0 to 99"),
    # SQL text, not a sentence.
    ("storage/merge.py", "v.column"),
    # --self-test prints untranslated English diagnostics for packagers, by design.
    ("ui/selftest.py", "meetings"), ("ui/selftest.py", "pages,"),
}


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_count(node: ast.AST) -> bool:
    """Whether an expression reads as a number of things: len()/sum(), arithmetic,
    format_number() of a count, or a count-like name (``n``, ``total``, ``x_count``)."""
    if isinstance(node, ast.Call):
        called = _name(node.func)
        if called in ("len", "sum"):
            return True
        return called in ("format_number", "str", "int", "max", "min") and any(map(_is_count, node.args))
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, (ast.Add, ast.Sub, ast.FloorDiv))
    if isinstance(node, ast.Subscript):
        return _is_count(node.value)
    name = _name(node)
    return bool(name and COUNT_NAME.match(name))


def _msgid(call: ast.Call) -> str | None:
    """The message of a singular gettext call, else None."""
    called = _name(call.func)
    position = {"_": 0, "N_": 0, "gettext": 0, "pgettext": 1}.get(called or "")
    if position is None or len(call.args) <= position:
        return None
    arg = call.args[position]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def counts_without_ngettext(source: str) -> list[tuple[int, str]]:
    """(line, text) of each count formatted without ngettext in Python ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            msgid = _msgid(node)
            if msgid is not None and (
                    any(COUNT_NAME.match(p) for p in re.findall(r"\{(\w+)[^}]*\}", msgid))
                    or re.search(r"%(\(\w+\))?d", msgid)):
                found.append((node.lineno, msgid))
            # _("...").format(x=len(...)): the number comes in through .format()
            if isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
                    and isinstance(node.func.value, ast.Call):
                inner = _msgid(node.func.value)
                if inner is not None and any(_is_count(k.value) for k in node.keywords if k.arg):
                    found.append((node.lineno, inner))
        elif isinstance(node, ast.JoinedStr):
            words = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if any(c.isalpha() for c in words) and any(
                    isinstance(v, ast.FormattedValue) and _is_count(v.value) for v in node.values):
                found.append((node.lineno, ast.unparse(node)))
    return sorted(set(found))


def test_no_count_is_formatted_without_ngettext():
    problems = []
    for path in sorted(SOURCE.rglob("*.py")):
        where = path.relative_to(SOURCE).as_posix()
        for line, text in counts_without_ngettext(path.read_text(encoding="utf-8")):
            if not any(where == file and piece in text for file, piece in ALLOWED):
                problems.append(f"{where}:{line}: {text}")
    assert problems == []


@pytest.mark.parametrize("code", [
    '_("{record} and {n} more").format(record=name, n=item.records - 1)',
    '_("Deleted {what}").format(what=len(rows))',
    'gettext("Only the first {shown} of {total} outcomes are listed.")',
    'f"{len(rows)} records found"',
    '_("%(n)d files") % {"n": 3}',
])
def test_the_check_finds_counts_without_ngettext(code):
    assert counts_without_ngettext(code)


@pytest.mark.parametrize("code", [
    'ngettext("{n} meeting", "{n} meetings", n).format(n=n)',
    '_("Meeting {number}").format(number=meeting.number)',
    'f"{label}: {format_number(count, lang)}"',
    '_("Line {line}: {problem}").format(line=row.line, problem=text)',
])
def test_the_check_lets_plural_forms_and_identifiers_pass(code):
    assert counts_without_ngettext(code) == []


def test_arabic_trash_entry_has_its_own_plural_forms():
    """"{record} and {n} more" takes the Arabic dual for 2 and the plural for 3–10."""
    set_ui_language("ar")
    try:
        two, three, eleven = (ngettext("{record} and {n} more", "{record} and {n} more", n)
                              for n in (2, 3, 11))
    finally:
        set_ui_language("en")
    assert len({two, three, eleven}) == 3
