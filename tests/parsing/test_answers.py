"""Word answers in every language the bot hears, and what each question takes of them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsing import DEADLINE_WORDS, AnswerWord, answer_word, answer_words

YES_NO = {AnswerWord.YES, AnswerWord.NO}
LIST_END = {AnswerWord.NONE, AnswerWord.DONE, AnswerWord.SKIP}


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("yes", "en", AnswerWord.YES),
        ("Sì!", "it", AnswerWord.YES),
        ("si", "it", AnswerWord.YES),
        ("Oui", "fr", AnswerWord.YES),
        ("sim", "pt", AnswerWord.YES),
        ("👍", "en", AnswerWord.YES),
        ("No.", "en", AnswerWord.NO),
        ("no", "it", AnswerWord.NO),
        ("non", "fr", AnswerWord.NO),
        ("não", "pt", AnswerWord.NO),
        ("Nope", "it", AnswerWord.NO),  # an English word from an Italian speaker
    ],
)
def test_yes_and_no(text: str, lang: str, expected: AnswerWord) -> None:
    assert answer_word(text, lang, expected=YES_NO) is expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("skip", "en", AnswerWord.SKIP),
        ("salta", "it", AnswerWord.SKIP),
        ("none", "en", AnswerWord.NONE),
        ("nessuna", "it", AnswerWord.NONE),
        ("Nessuno", "it", AnswerWord.NONE),
        ("no", "en", AnswerWord.NONE),  # "no" to a list is "none"
        ("nada", "es", AnswerWord.NONE),
        ("aucun", "fr", AnswerWord.NONE),
        ("n/a", "en", AnswerWord.NONE),
        ("-", "it", AnswerWord.NONE),
        ("done", "en", AnswerWord.DONE),
        ("Fatto", "it", AnswerWord.DONE),
        ("ho finito", "it", AnswerWord.DONE),
        ("that's all", "en", AnswerWord.DONE),
        ("c'est tout", "fr", AnswerWord.DONE),
        ("listo", "es", AnswerWord.DONE),
    ],
)
def test_the_end_of_a_list(text: str, lang: str, expected: AnswerWord) -> None:
    assert answer_word(text, lang, expected=LIST_END) is expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("flexible", "en", AnswerWord.FLEXIBLE),
        ("flessibile", "it", AnswerWord.FLEXIBLE),
        ("no rush", "en", AnswerWord.FLEXIBLE),
        ("quando vuoi", "it", AnswerWord.FLEXIBLE),
        ("sin prisa", "es", AnswerWord.FLEXIBLE),
        ("don't know", "en", AnswerWord.DONT_KNOW),
        ("I dont know", "en", AnswerWord.DONT_KNOW),
        ("non lo so", "it", AnswerWord.DONT_KNOW),
        ("Boh", "it", AnswerWord.DONT_KNOW),
        ("je ne sais pas", "fr", AnswerWord.DONT_KNOW),
        ("não sei", "pt", AnswerWord.DONT_KNOW),
        ("🤷", "en", AnswerWord.DONT_KNOW),
        ("ASAP", "en", AnswerWord.ASAP),
        ("as soon as possible", "en", AnswerWord.ASAP),
        ("il prima possibile", "it", AnswerWord.ASAP),
        ("al più presto", "it", AnswerWord.ASAP),
        ("dès que possible", "fr", AnswerWord.ASAP),
        ("lo antes posible", "es", AnswerWord.ASAP),
    ],
)
def test_a_deadline_without_a_date(text: str, lang: str, expected: AnswerWord) -> None:
    assert answer_word(text, lang, expected=DEADLINE_WORDS) is expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [("anywhere", "en"), ("ovunque", "it"), ("doesn't matter", "en"), ("non importa", "it"),
     ("peu importe", "fr"), ("da igual", "es"), ("tanto faz", "pt")],
)  # fmt: skip
def test_anywhere(text: str, lang: str) -> None:
    assert answer_word(text, lang) is AnswerWord.ANYWHERE


@pytest.mark.parametrize(
    "text",
    ["no more than 50", "yes, 80 pieces", "Tuscany", "15 March", "", "   ", "?!", "x" * 500],
)
def test_only_a_whole_word_answer_counts(text: str) -> None:
    assert answer_words(text, "en") == frozenset()
    assert answer_word(text, "it") is None


def test_a_phrase_with_two_meanings_is_settled_by_the_question() -> None:
    assert answer_words("ok", "en") == {AnswerWord.YES, AnswerWord.DONE}
    assert answer_word("ok", "en", expected=YES_NO) is AnswerWord.YES
    assert answer_word("ok", "en", expected=LIST_END) is AnswerWord.DONE
    assert answer_word("no", "it", expected={AnswerWord.DONE}) is None


def test_the_users_language_comes_first() -> None:
    # "fine" is "the end" in Italian and no word answer in English.
    assert answer_word("fine", "it") is AnswerWord.DONE
    assert answer_word("fine", "en-GB") is AnswerWord.DONE  # understood through Italian
    assert answer_word("yes", "xx") is AnswerWord.YES


@given(st.text(max_size=80), st.sampled_from(["en", "it", "fr", "es", "pt", "de"]))
def test_never_raises(text: str, lang: str) -> None:
    meanings = answer_words(text, lang)
    assert all(isinstance(m, AnswerWord) for m in meanings)
    word = answer_word(text, lang)
    assert (word is None) == (not meanings)
