"""Snowball stems of folded words (PyStemmer, the C build of the Snowball stemmers),
for the index's ``stems`` column and for queries. Pure Python plus PyStemmer, no
database.

Languages with a stemmer: Arabic, English, French, Russian and Spanish (``STEMMED``).
Chinese has none: its words are found by bigrams (storage/search_text.py).

Words are stemmed *after* folding (storage/search_text.fold): texts and queries are
folded alike, so "país" and "países" both fold and stem to "pais", "защита" and
"защиты" to "защит". A text's words are stemmed in the text version's own language.
A query word is stemmed in all five languages (:func:`query_stems`): a delegate types
a Spanish word while the interface is English, and the query does not say its
language. This gives few cross-language false hits because the stems are matched
against the words and stems of texts, each stemmed in its own language, and the
stemmers of other scripts leave a word unchanged (the Russian stemmer does not touch
"países").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import Stemmer

#: Language code (as ``text_version.lang``) -> Snowball algorithm.
STEMMED: dict[str, str] = {"ar": "arabic", "en": "english", "es": "spanish", "fr": "french", "ru": "russian"}

_STEMMERS: dict[str, Stemmer.Stemmer] = {}


def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    algorithm = STEMMED.get(lang)
    if algorithm is None:
        return None
    if lang not in _STEMMERS:
        _STEMMERS[lang] = Stemmer.Stemmer(algorithm, 100_000)
    return _STEMMERS[lang]


def stem_words(words: Sequence[str], lang: str) -> list[str]:
    """The stems of folded ``words`` in language ``lang`` (same length and order);
    the words unchanged for a language without a stemmer."""
    stemmer = _stemmer(lang)
    return list(words) if stemmer is None else stemmer.stemWords(words)


def stems_column(words: Sequence[str], lang: str) -> str:
    """The ``stems`` index column: the stems of ``words`` that differ from the word,
    space-separated ("" if none). A word that is its own stem is already in ``words``."""
    return " ".join(s for w, s in zip(words, stem_words(words, lang)) if s != w)


@lru_cache(maxsize=4096)
def query_stems(word: str) -> tuple[str, ...]:
    """The stems of a folded query ``word`` in every stemmed language that differ from
    it, sorted, no duplicates (``()`` when every stemmer leaves it as it is)."""
    return tuple(sorted({s for lang in STEMMED for s in stem_words([word], lang)} - {word}))
