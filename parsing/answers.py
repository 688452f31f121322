"""Words that answer a question on their own: yes, no, skip, none, done, anywhere, and for a
deadline flexible, don't know and as soon as possible — in English, Italian, French, Spanish
and Portuguese.

Use :func:`answer_word` with the meanings the current question can take::

    answer_word("Sì!", "it", expected={AnswerWord.YES, AnswerWord.NO})   # AnswerWord.YES
    answer_word("no", "en", expected={AnswerWord.NONE, AnswerWord.DONE}) # AnswerWord.NONE
    answer_word("non lo so", "it", expected=DEADLINE_WORDS)             # AnswerWord.DONT_KNOW
    answer_word("no more than 50", "en")                                # None: not a word answer

Only a whole answer counts ("no" is a word answer, "no more than 50" is not), compared
without case, accents or punctuation. The user's language is tried first, then the others,
since people answer in whichever comes to mind; a phrase meaning different things to
different questions ("no": no, or none; "ok": yes, or done) is settled by ``expected``.
The phrases are in ``data/answer_words.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Final

from parsing.core import lang_code
from parsing.text import fold_words

#: The languages the phrases are written in; the bot's own catalogs are a subset.
ANSWER_LANGS: Final = ("en", "it", "fr", "es", "pt")
# A word answer is a few words; anything longer is an answer of another kind.
_MAX_WORD_ANSWER_CHARS: Final = 60


class AnswerWord(StrEnum):
    """What a word answer means."""

    YES = "yes"
    NO = "no"
    #: "none" to a multi-select or an optional list: an answer, meaning the empty list.
    NONE = "none"
    #: Leave the question unanswered and go on.
    SKIP = "skip"
    #: Finish a multi-select or a list.
    DONE = "done"
    #: No preference of place.
    ANYWHERE = "anywhere"
    #: No fixed deadline ("flexible", "no rush", "quando vuoi").
    FLEXIBLE = "flexible"
    #: The person does not know (yet): "don't know", "non lo so", "boh".
    DONT_KNOW = "dont_know"
    #: "As soon as possible": urgent, but no date.
    ASAP = "asap"


#: What a deadline question can be answered with instead of a date.
DEADLINE_WORDS: Final = frozenset(
    {AnswerWord.FLEXIBLE, AnswerWord.DONT_KNOW, AnswerWord.ASAP, AnswerWord.SKIP}
)
#: What leaves an optional question unanswered, or an optional list empty.
SKIP_WORDS: Final = frozenset(
    {AnswerWord.SKIP, AnswerWord.NONE, AnswerWord.DONT_KNOW, AnswerWord.NO}
)

# The emoji people answer with; checked before folding, which drops them.
_EMOJI: Final = {
    "👍": AnswerWord.YES,
    "👌": AnswerWord.YES,
    "✅": AnswerWord.YES,
    "✔": AnswerWord.YES,
    "✔️": AnswerWord.YES,
    "👎": AnswerWord.NO,
    "❌": AnswerWord.NO,
    "🤷": AnswerWord.DONT_KNOW,
    "🤷‍♀️": AnswerWord.DONT_KNOW,
    "🤷‍♂️": AnswerWord.DONT_KNOW,
}
# A lone dash is how forms say "none" ("n/a" is a phrase, folded to "n a").
_NONE_MARKS: Final = frozenset({"-", "–", "—", "--"})


def _key(text: str) -> str:
    """How phrases are compared: "Don't know!" -> "don t know", "Sì." -> "si"."""
    return fold_words(text)


@lru_cache(maxsize=1)
def _phrases() -> dict[str, dict[str, frozenset[AnswerWord]]]:
    """language -> folded phrase -> every meaning it has in that language."""
    raw = resources.files("parsing").joinpath("data/answer_words.toml").read_text("utf-8")
    table: dict[str, dict[str, set[AnswerWord]]] = {lang: {} for lang in ANSWER_LANGS}
    for meaning, by_lang in tomllib.loads(raw).items():
        word = AnswerWord(meaning)
        for lang, phrases in by_lang.items():
            for phrase in phrases:
                table[lang].setdefault(_key(phrase), set()).add(word)
    return {lang: {k: frozenset(v) for k, v in phrases.items()} for lang, phrases in table.items()}


def _language(lang: str) -> str:
    primary = lang.replace("_", "-").split("-", 1)[0].casefold()
    return primary if primary in ANSWER_LANGS else lang_code(lang)


def answer_words(text: str, lang: str = "en") -> frozenset[AnswerWord]:
    """Every meaning ``text`` has as a word answer: in the user's language if it knows the
    phrase, else in any other; empty if it is no word answer."""
    stripped = text.strip()
    if not stripped or len(stripped) > _MAX_WORD_ANSWER_CHARS:
        return frozenset()
    if stripped in _EMOJI:
        return frozenset({_EMOJI[stripped]})
    if stripped in _NONE_MARKS:
        return frozenset({AnswerWord.NONE, AnswerWord.SKIP})
    key = _key(stripped)
    if not key:
        return frozenset()
    phrases = _phrases()
    first = _language(lang)
    own = phrases[first].get(key)
    if own:
        return own
    return frozenset().union(
        *(phrases[other].get(key, frozenset()) for other in ANSWER_LANGS if other != first)
    )


def answer_word(
    text: str, lang: str = "en", *, expected: Iterable[AnswerWord] | None = None
) -> AnswerWord | None:
    """What ``text`` means as a word answer to a question that takes ``expected`` (any, if
    None), or None when it is not one of those words.

    A phrase with several meanings among ``expected`` gives the first in :class:`AnswerWord`
    order (YES before DONE for "ok", NO before NONE for "no"); pass only the meanings the
    question can take to avoid that.
    """
    meanings = answer_words(text, lang)
    if expected is not None:
        meanings = meanings & frozenset(expected)
    return next((word for word in AnswerWord if word in meanings), None)
