"""Folding text for the full-text index, turning queries into terms (and those into
FTS5 expressions; storage/postgres/search.py renders the same terms for PostgreSQL),
and finding the words to highlight. Pure Python (standard library), no database.

The index holds *folded* text, made here, so that SQLite's own tokenizer
(``unicode61``) only has to split on spaces and any program can read the file.

Folding, the same for texts and queries:

- Case is folded (``str.casefold``: "É" -> "é", "ß" -> "ss"); letters are decomposed
  (NFKD) and their combining marks dropped: é/è/ê -> e, ñ -> n, ç -> c, fullwidth and
  ligature forms ("ﬁ", "Ａ") become plain letters; digits of any script become 0-9.
- Cyrillic: case, and ё -> е (Russian writes е for ё in most texts). Other Cyrillic
  letters keep their marks: й is not и.
- Arabic (as Lucene's ArabicNormalizer): harakat (U+064B-U+065F, U+0670) and tatweel
  (U+0640) removed; alef forms أ إ آ ٱ -> ا; ى -> ي; ة -> ه; Persian ی ک -> ي ك;
  presentation forms become the base letters. ى/ي and ة/ه are written
  interchangeably in practice, so they are folded together.
- Any other character that is not a letter, digit or private-use character separates
  words (as in ``unicode61``).

Two index columns: ``words`` holds the folded words in order, CJK runs written as
overlapping bigrams ("儿童保护" -> "儿童 童保 保护"; a one-character run stays as it
is) so phrases keep their positions. ``alt`` holds other forms of some words: the
Arabic word without its prefix (see :func:`arabic_stem`) and every CJK character on
its own, so that a one-character query finds it. Each column is its tokens joined
by one space.

Queries: words are ANDed; ``"double quotes"`` make a phrase; a trailing ``*`` makes
a prefix search. Everything else (FTS5 operators, brackets, ``-``, ``NEAR``, ``:``) is
folded away like punctuation, so user input never reaches FTS5 syntax raw.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from piel_desktop.storage.stems import query_stems, stem_words
from piel_desktop.storage.stems import stems_column as stems_column

#: Arabic letters after folding that take part in prefix stripping.
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff]+")
#: Han ideographs (with extensions and compatibility forms) and kana.
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
#: Spaces between two CJK characters (joined inside a quoted phrase).
_CJK_GAP = re.compile(r"(?<=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f])\s+"
                      r"(?=[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f])")
_HAS_SPECIAL = re.compile(r"[\u0621-\u06ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")

_ARABIC_MAP = {
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # alef forms
    "\u0649": "\u064a",  # alef maksura -> yeh
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u06cc": "\u064a", "\u06a9": "\u0643",  # Persian yeh, keheh
    "\u0640": "",  # tatweel
    "\u0670": "",  # superscript alef
}
#: Arabic prefixes, longest first: article forms need 2 letters left, one-letter
#: conjunctions and prepositions 3, so that short words are not cut to nothing.
_ARABIC_PREFIXES = (
    *((p, 2) for p in ("وبال", "وال", "بال", "كال", "فال", "ولل", "لل", "ال")),
    *((p, 3) for p in ("و", "ف", "ب", "ل", "ك")),
)
_TOKEN_CATEGORIES = ("L", "N", "Co")


def _fold_char(c: str) -> str:
    """The folded form of one character: letters, "" (a mark) or " " (a separator)."""
    if c in _ARABIC_MAP:
        return _ARABIC_MAP[c]
    category = unicodedata.category(c)
    if category == "Mn":
        return ""
    if not category.startswith(_TOKEN_CATEGORIES):
        return " "
    if category == "Nd":
        return str(unicodedata.decimal(c))
    if "\u0400" <= c <= "\u052f" and c not in "ёЁ":
        return c.casefold()  # keep й, ї, ў: they are letters of their own
    out = []
    for d in unicodedata.normalize("NFKD", c):
        d = _ARABIC_MAP.get(d, d)
        if not d or unicodedata.category(d) == "Mn":
            continue
        d = d.casefold()
        out.append(d if all(unicodedata.category(x).startswith(_TOKEN_CATEGORIES) for x in d) else " ")
    return "".join(out)


class _FoldTable(dict):
    """``str.translate`` table filled on first use of each character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """``text`` folded (see the module docstring), words separated by spaces."""
    return text.translate(_TABLE)


def arabic_stem(word: str) -> str:
    """A folded Arabic word without its first prefix (الجمعية -> جمعية), or the word."""
    for prefix, rest in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= rest:
            return word[len(prefix):]
    return word


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]


def index_columns(body: str, lang: str = "") -> tuple[str, str, str]:
    """The ``(words, alt, stems)`` columns of the index row for text ``body`` written
    in language ``lang`` (``stems``: see :func:`piel_desktop.storage.stems.stems_column`)."""
    folded = fold(body)
    if not _HAS_SPECIAL.search(folded):
        tokens = folded.split()
        return " ".join(tokens), "", stems_column(tokens, lang)
    alt: list[str] = []

    def cjk(match: re.Match) -> str:
        run = match.group()
        if len(run) > 1:
            alt.extend(run)
        return " " + " ".join(_bigrams(run)) + " "

    words = _CJK_RUN.sub(cjk, folded)
    arabic = _ARABIC_WORD.findall(words)
    stems = [arabic_stem(w) for w in arabic]
    if stems != arabic:  # every stem, so that phrases of stems keep their positions
        alt.extend(stems)
    tokens = words.split()
    return " ".join(tokens), " ".join(alt), stems_column(tokens, lang)


# -- queries ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """One word or phrase of a query, folded: ``tokens`` as in the ``words`` column,
    ``prefix`` if the last token is a prefix, ``stems`` the Arabic-stem form of the
    tokens (to match in ``alt``) when it differs, ``cjk`` the CJK character runs (for
    highlighting substrings). ``variants``: for a single unquoted word (not a
    prefix), its Snowball stems in the stemmed languages that differ from it (see
    storage/stems.py); a word matches any text whose words or stems hold the word or
    one of these."""

    tokens: tuple[str, ...]
    prefix: bool = False
    stems: tuple[str, ...] | None = None
    variants: tuple[str, ...] = ()

    def matches(self, stemmed: bool = False) -> list[Match]:
        """The ways the term matches (any one will do). ``stemmed``: also the word
        forms (``variants``); else the exact folded forms only."""
        found = [Match(("words", "alt") if self.variants else None, (self.tokens,), self.prefix)]
        if self.stems is not None:
            found.append(Match(("alt",), (self.stems,), self.prefix))
        if stemmed and self.variants:
            found.append(Match(("words", "stems"), tuple((f,) for f in (*self.tokens, *self.variants))))
        return found

    def fts(self, stemmed: bool = False) -> str:
        """The term as an FTS5 expression (quoted strings only) of :meth:`matches`."""
        parts = [m.fts() for m in self.matches(stemmed)]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


@dataclass(frozen=True)
class Match:
    """One way a term matches an index row: any of ``forms`` (each a phrase, its
    tokens standing together in this order; the last token a prefix if ``prefix``)
    in any of ``columns`` (None: any column)."""

    columns: tuple[str, ...] | None
    forms: tuple[tuple[str, ...], ...]
    prefix: bool = False

    def fts(self) -> str:
        star = " *" if self.prefix else ""
        forms = [f"{_quote(' '.join(f))}{star}" for f in self.forms]
        body = forms[0] if len(forms) == 1 else "(" + " OR ".join(forms) + ")"
        if not self.columns:
            return body
        filtered = self.columns[0] if len(self.columns) == 1 else "{" + " ".join(self.columns) + "}"
        return f"{filtered} : {body}"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


#: Bounds on what one query may ask of the index.
MAX_TERMS = 16
MAX_QUERY_CHARS = 1000

_QUERY_PART = re.compile(r'"([^"]*)"?(\*?)|(\S+)')


def parse_query(query: str) -> list[Term]:
    """The terms of a user's query (possibly none: then nothing matches).

    ``word`` -> all forms of the word (with its Snowball word forms, see Term);
    ``word*`` -> words starting so; ``"a b"`` -> the words in this order, each exact
    (a quoted word too; Chinese words written apart inside quotes stand together:
    ``"儿童 保护"`` finds 儿童保护); ``"a b*"`` or ``"a b"*`` -> the last one a prefix. A word that folds into several tokens ("e-mail", "儿童保护")
    is a phrase. Never raises.
    """
    terms: list[Term] = []
    for match in _QUERY_PART.finditer(query[:MAX_QUERY_CHARS]):
        phrase, star, word = match.groups()
        raw = phrase if phrase is not None else word
        prefix = bool(star) or raw.rstrip().endswith("*")
        tokens = _query_tokens(_CJK_GAP.sub("", raw) if phrase is not None else raw)
        if not tokens:
            continue
        # "*" after a single CJK character would find every bigram starting with it.
        prefix = prefix and not (len(tokens) == 1 and len(tokens[0]) == 1 and _CJK_RUN.fullmatch(tokens[0]))
        stems = tuple(arabic_stem(t) if _ARABIC_WORD.fullmatch(t) else t for t in tokens)
        plain = phrase is None and not prefix and len(tokens) == 1 and not _CJK_RUN.search(tokens[0])
        terms.append(Term(tokens, prefix, stems if stems != tokens else None,
                          query_stems(tokens[0]) if plain else ()))
        if len(terms) == MAX_TERMS:
            break
    return terms


def _query_tokens(raw: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for part in fold(raw).split():
        for piece in _split_cjk(part):
            tokens.extend(_bigrams(piece) if _CJK_RUN.fullmatch(piece) else [piece])
    return tuple(tokens)


def _split_cjk(word: str) -> list[str]:
    pieces, last = [], 0
    for m in _CJK_RUN.finditer(word):
        pieces += [word[last:m.start()], m.group()]
        last = m.end()
    pieces.append(word[last:])
    return [p for p in pieces if p]


def fts_expression(terms: list[Term], stemmed: bool = False) -> str:
    """The FTS5 MATCH expression for ``terms`` (all must match); "" for no terms.
    ``stemmed``: words match their word forms too (Term.fts)."""
    return " AND ".join(t.fts(stemmed) for t in terms)


# -- highlighting ---------------------------------------------------------------------

def _folded_words(text: str) -> list[tuple[str, list[int]]]:
    """Words of ``text`` folded, each with where each folded character starts in
    ``text`` and, last, where the word ends (after its marks)."""
    words: list[tuple[str, list[int]]] = []
    chars: list[str] = []
    where: list[int] = []
    end = 0
    for i, c in enumerate(text):
        f = _TABLE[ord(c)]
        if f.isspace():
            if chars:
                words.append(("".join(chars), where + [end]))
                chars, where = [], []
            continue
        for x in f:
            if x != " ":  # a character that folds to letters and a separator
                chars.append(x)
                where.append(i)
        end = i + 1
    if chars:
        words.append(("".join(chars), where + [end]))
    return words


def spans(text: str, terms: list[Term], lang: str = "") -> tuple[tuple[int, int], ...]:
    """Character ranges ``(start, end)`` of ``text`` holding words of the query, sorted,
    not overlapping: whole words for a word (or its word forms, stemmed in the text's
    language ``lang``), the words together for a phrase, the matching characters for
    Chinese."""
    words = _folded_words(text)
    stemmed = stem_words([w for w, _where in words], lang) if any(t.variants for t in terms) else []
    found: list[tuple[int, int]] = []
    for term in terms:
        if term.variants:
            forms = {*term.tokens, *term.variants}
            found += [(where[0], where[-1]) for (w, where), s in zip(words, stemmed)
                      if s in forms or _word_matches(w, term.tokens[0], False) or w in forms]
            continue
        cjk = [t for t in term.tokens if _CJK_RUN.search(t)]
        if cjk:
            runs = _cjk_runs(term.tokens)
            for word, where in words:
                for run in runs:
                    start = word.find(run)
                    while start >= 0:
                        found.append((where[start], where[start + len(run)]))
                        start = word.find(run, start + 1)
            if len(cjk) == len(term.tokens):
                continue
        plain = [t for t in term.tokens if not _CJK_RUN.search(t)]
        n = len(plain) if not cjk else 1  # a phrase mixing scripts: its words one by one
        for i in range(len(words) - n + 1):
            if cjk:
                if any(_word_matches(words[i][0], t, term.prefix and t == term.tokens[-1]) for t in plain):
                    found.append((words[i][1][0], words[i][1][-1]))
            elif all(_word_matches(words[i + k][0], t, term.prefix and k == n - 1)
                     for k, t in enumerate(plain)):
                found.append((words[i][1][0], words[i + n - 1][1][-1]))
    return _merge(found)


def _word_matches(word: str, token: str, prefix: bool) -> bool:
    """Whether a folded word of a text is the query token (with or without an Arabic
    prefix on either side), or starts with it for a prefix token."""
    forms = {word, arabic_stem(word)}
    wanted = {token, arabic_stem(token)}
    if prefix:
        return any(f.startswith(w) for f in forms for w in wanted)
    return bool(forms & wanted)


def _cjk_runs(tokens: tuple[str, ...]) -> list[str]:
    """The CJK strings a term's bigram tokens stand for ("儿童", "童保" -> "儿童保")."""
    runs: list[str] = []
    previous = None
    for t in tokens:
        if not _CJK_RUN.fullmatch(t):
            previous = None
            continue
        if previous is not None and len(t) == 2 and previous[-1] == t[0]:
            runs[-1] += t[1]
        else:
            runs.append(t)
        previous = t
    return runs


def _merge(found: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)
