"""Lemmas of inflected words in the registry's languages, read from simplemma's dictionaries."""

from __future__ import annotations

from functools import lru_cache

import simplemma

from matching.text import fold

# Italian first: most of the registry writes Italian, and "tinto" is "tingere" there.
LANGUAGES: tuple[str, ...] = ("it", "en", "fr", "es", "pt")
_CHAIN = 4


@lru_cache(maxsize=65_536)
def lemmas(word: str) -> tuple[str, ...]:
    """Folded lemmas of a lower-case word, one per language that reads it differently,
    in LANGUAGES order: "ricamati" -> ("ricamare",), "embroidered" -> ("embroider",).

    A lemma is followed to its own lemma, a few steps at most, so that every form of a word
    meets in one place: "tinte" -> "tinta" -> "tinto" -> "tingere".
    """
    out: list[str] = []
    for lang in LANGUAGES:
        lemma = word
        for _ in range(_CHAIN):
            # The memory-frugal dictionaries: about 35 MB for the five languages instead of 300.
            step = simplemma.lemmatize(lemma, lang=lang, low_memory=True).lower()
            if step == lemma:
                break
            lemma = step
        folded = fold(lemma)
        if folded != word and folded not in out:
            out.append(folded)
    return tuple(out)


# The languages briefs are mostly written in; a word only one of the others knows ("calez" is
# French for "you wedge") is more likely a typo there than a word.
_MAIN_LANGUAGES = frozenset({"it", "en"})


@lru_cache(maxsize=65_536)
def is_word(word: str) -> bool:
    """Whether the word is a real word rather than a typo: English or Italian knows it, or at
    least two of the other languages do ("salta", "pezzi", "beans")."""
    known = [lang for lang in LANGUAGES if simplemma.is_known(word, lang=lang, low_memory=True)]
    return bool(_MAIN_LANGUAGES.intersection(known)) or len(known) >= 2
