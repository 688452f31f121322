"""The lemmatiser's dictionaries: kept as tries on disk, the same lemmas as simplemma's files."""

from __future__ import annotations

from pathlib import Path

import pytest
import simplemma
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import DictionaryFactory, StreamDictionaryFactory

from matching import lemmas


def _lemmatizer(factory: DictionaryFactory) -> simplemma.Lemmatizer:
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))


WORDS = ("embroidered", "jackets", "knitted", "leathers", "shirts", "linen", "dyed", "zzxq")


def test_a_trie_is_built_once_written_whole_and_read_back(tmp_path: Path) -> None:
    built = lemmas._CachedTries(disk_cache_dir=str(tmp_path))
    first = [_lemmatizer(built).lemmatize(w, "en") for w in WORDS]
    assert [p.name for p in tmp_path.iterdir()] == ["en.dic"]  # no temporary file left behind
    assert (tmp_path / "en.dic").stat().st_mode & 0o044 == 0o044  # other users can read it

    reread = lemmas._CachedTries(disk_cache_dir=str(tmp_path))
    assert [_lemmatizer(reread).lemmatize(w, "en") for w in WORDS] == first
    # Exactly what simplemma's own files say.
    assert [_lemmatizer(StreamDictionaryFactory()).lemmatize(w, "en") for w in WORDS] == first
    assert first[:3] == ["embroider", "jacket", "knit"]


def test_without_a_writable_cache_folder_the_files_are_read_directly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(lemmas.CACHE_DIR_VARIABLE, str(blocker))
    assert lemmas.cache_dir().is_relative_to(blocker)
    factory = lemmas._dictionaries.__wrapped__()
    assert isinstance(factory, StreamDictionaryFactory)
    assert _lemmatizer(factory).lemmatize("ricamati", "it") == "ricamare"


def test_lemmas_and_words_read_through_the_cached_dictionaries() -> None:
    assert lemmas.lemmas("ricamati") == ("ricamare",)
    assert lemmas.lemmas("tinte")[0] == "tingere"  # a lemma followed to its own lemma
    assert lemmas.is_word("salta") and lemmas.is_word("pezzi")
    assert not lemmas.is_word("calez")  # only French knows it: more likely a typo


def test_the_built_taxonomy_is_kept_and_a_damaged_copy_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matching.taxonomy import taxonomy

    monkeypatch.setenv(lemmas.CACHE_DIR_VARIABLE, str(tmp_path))
    built = taxonomy.__wrapped__()
    [kept] = lemmas.cache_dir().glob("taxonomy-*.pickle")
    assert taxonomy.__wrapped__() == built == taxonomy()
    kept.write_bytes(b"not a pickle")
    assert taxonomy.__wrapped__() == built
    assert kept.read_bytes() != b"not a pickle"  # written again, whole
    assert [p.name for p in kept.parent.iterdir() if p.name.startswith(".")] == []
