"""ITU document symbols: "C18/35-E", "C09/108 (Rev.1)", "CWG-COP-14/3-E", "WG-CP/1/16 Rev.1".

A symbol names the body (C: Council; CWG-COP: its working group; PP: the
Plenipotentiary Conference), the session (C18: Council 2018; CWG-COP-14: the group's
14th meeting), the document number, a revision, and the language version, by the UN
letter (A, C, E, F, R, S). Language versions of one document share every part but the
language, so they group together. A symbol that does not follow the pattern is kept as
typed. Source of the pattern: the symbols of ITU Council documents as published on
itu.int (e.g. C18/35-E, the group's report to Council 2018).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: UN language letters of document symbols -> language codes.
SYMBOL_LANGUAGES = {"A": "ar", "C": "zh", "E": "en", "F": "fr", "R": "ru", "S": "es"}

_SYMBOL = re.compile(
    r"""^(?P<body>[A-Z]+(?:-[A-Z]+)*)          # C, CWG-COP, WG-CP, PP
        (?:(?P<dash>-)?(?P<session>\d+))?     # 18 in C18, 14 in CWG-COP-14
        /(?:(?P<series>\d+)/)?                 # the 1 of WG-CP/1/16
        (?P<number>(?:[A-Z]+/)?\d+[A-Z]?)      # 35, INF/5, 12A
        \s*(?:\(\s*(?i:rev)\.?\s*(?P<rev1>\d+)\s*\)|(?i:rev)\.?\s*(?P<rev2>\d+))?   # (Rev.1) or Rev.1
        \s*(?:-(?P<lang>[ACEFRS]))?$           # -E
    """, re.VERBOSE)


@dataclass(frozen=True)
class DocumentSymbol:
    """The parts of a symbol; ``parsed`` False (and only ``text``) for one kept as typed."""

    text: str
    parsed: bool = False
    body: str | None = None
    session: str | None = None  # as written, leading zeros kept ("09")
    number: str | None = None
    revision: int | None = None
    language: str | None = None  # "en", ...

    #: How the symbol joins body and session ("C18", "CWG-COP-14") and whether the
    #: session stands after a slash ("WG-CP/1/16"); for writing it back.
    joined: str = ""

    @property
    def document(self) -> str:
        """What language versions of one document share: the symbol without language,
        written the same way however it was typed ("C09/108 (Rev.1)")."""
        if not self.parsed:
            return self.text
        if self.session is None:
            head = f"{self.body}/"
        elif self.joined == "/":
            head = f"{self.body}/{self.session}/"
        else:
            head = f"{self.body}{self.joined}{self.session}/"
        return head + self.number + (f" (Rev.{self.revision})" if self.revision else "")


def parse_symbol(text: str) -> DocumentSymbol:
    """Split an ITU document symbol into its parts; never raises (see DocumentSymbol)."""
    typed = " ".join(text.split()) if isinstance(text, str) else ""
    match = _SYMBOL.match(typed.upper())
    if not typed or not match:
        return DocumentSymbol(text=typed)
    session, joined = match["session"], match["dash"] or ""
    if match["series"]:
        if session is not None:  # both "C18" and "/1/": not a pattern we know
            return DocumentSymbol(text=typed)
        session, joined = match["series"], "/"  # WG-CP/1/16: series 1, document 16
    revision = match["rev1"] or match["rev2"]
    return DocumentSymbol(text=typed, parsed=True, body=match["body"], session=session,
                          number=match["number"], revision=int(revision) if revision else None,
                          language=SYMBOL_LANGUAGES.get(match["lang"] or ""), joined=joined)
