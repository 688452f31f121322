"""Lemmas of inflected words in the registry's languages, read from simplemma's dictionaries.

The dictionaries are kept on disk as one marisa trie per language, built from simplemma's own
data the first time a machine needs them (a few seconds, once) and then opened in
milliseconds by every process: reading them any other way costs each process seconds before
its first word. The tries live in the user's cache folder (`$XDG_CACHE_HOME/bottega`, or
`BOTTEGA_CACHE_DIR`); where no such folder can be written, the dictionaries are read
straight from simplemma's files instead, which gives the same lemmas, only slower. The built
taxonomy is kept beside them (matching/taxonomy.py).
"""

from __future__ import annotations

import logging
import os
import tempfile
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import simplemma
from platformdirs import user_cache_dir
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries import (
    DictionaryFactory,
    StreamDictionaryFactory,
    TrieDictionaryFactory,
)
from simplemma.utils import normalize_token

from matching.text import fold

log = logging.getLogger(__name__)

# Italian first: most of the registry writes Italian, and "tinto" is "tingere" there.
LANGUAGES: tuple[str, ...] = ("it", "en", "fr", "es", "pt")
_CHAIN = 4
CACHE_DIR_VARIABLE = "BOTTEGA_CACHE_DIR"


class _CachedTries(TrieDictionaryFactory):
    """simplemma's trie dictionaries, each written whole or not at all: several processes may
    build the same one at once, and none may ever open a half-written file."""

    __slots__ = ()

    def _write_trie_to_disk(self, lang: str, trie: Any) -> None:
        self._cache_dir.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self._cache_dir, prefix=f".{lang}.", suffix=".tmp")
        os.close(handle)
        try:
            trie.save(temporary)
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would keep them from other users
            os.replace(temporary, self._cache_dir / f"{lang}.dic")
        finally:
            Path(temporary).unlink(missing_ok=True)


def write_whole(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all, readable by other users: several processes may
    write the same one at once, and none may ever read a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would keep it from other users
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def cache_dir() -> Path:
    """Where the tries are kept, one folder per simplemma version."""
    base = os.environ.get(CACHE_DIR_VARIABLE) or user_cache_dir("bottega")
    return Path(base) / "lemmas" / f"simplemma-{simplemma.__version__}"


@cache
def _dictionaries() -> DictionaryFactory:
    directory = cache_dir()
    if all((directory / f"{lang}.dic").is_file() for lang in LANGUAGES):
        return _CachedTries(disk_cache_dir=str(directory))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        writable = os.access(directory, os.W_OK)
    except OSError:
        writable = False
    if writable:
        return _CachedTries(disk_cache_dir=str(directory))
    log.warning("cannot write %s: the lemmatiser's dictionaries are read the slow way", directory)
    return StreamDictionaryFactory()


@cache
def _lemmatizer() -> simplemma.Lemmatizer:
    return simplemma.Lemmatizer(
        lemmatization_strategy=DefaultStrategy(dictionary_factory=_dictionaries())
    )


@cache
def _lookup() -> DictionaryLookupStrategy:
    return DictionaryLookupStrategy(_dictionaries())


def prepare() -> Path:
    """Build (or open) every language's dictionary and the taxonomy now; the folder they are
    kept in."""
    from matching.taxonomy import taxonomy

    for lang in LANGUAGES:
        _dictionaries().get_dictionary(lang)
    taxonomy()
    return cache_dir()


@lru_cache(maxsize=65_536)
def lemmas(word: str) -> tuple[str, ...]:
    """Folded lemmas of a lower-case word, one per language that reads it differently,
    in LANGUAGES order: "ricamati" -> ("ricamare",), "embroidered" -> ("embroider",).

    A lemma is followed to its own lemma, a few steps at most, so that every form of a word
    meets in one place: "tinte" -> "tinta" -> "tinto" -> "tingere".
    """
    lemmatizer = _lemmatizer()
    out: list[str] = []
    for lang in LANGUAGES:
        lemma = word
        for _ in range(_CHAIN):
            step = lemmatizer.lemmatize(lemma, lang).lower()
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
    lookup = _lookup()
    token = normalize_token(word)
    known = [lang for lang in LANGUAGES if lookup.get_lemma(token, lang) is not None]
    return bool(_MAIN_LANGUAGES.intersection(known)) or len(known) >= 2
