"""Text clean-up every parser starts with: Unicode and whitespace tidying, accent folding,
typo distance, and free-text answers made safe to store and show."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import OSA

from parsing.core import MAX_INPUT_CHARS, ParseError

# Invisible characters that only make trouble in stored text shown to other
# people: bidi overrides/isolates can visually reorder a message (spoofing),
# zero-width spaces and BOMs break matching. The zero-width joiner and
# variation selectors stay, as emoji sequences need them.
_INVISIBLE: Final = dict.fromkeys(
    [0x00AD, 0x200B, 0x200E, 0x200F, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def remove_controls(text: str, *, keep_newlines: bool) -> str:
    """Drop control characters (and lone surrogates, which no database accepts).

    Tabs, and newlines unless kept, become spaces so words stay apart.
    """
    out: list[str] = []
    for ch in text.translate(_INVISIBLE):
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in "\t\r\n\v\f\x1c\x1d\x1e\x1f\x85":
            out.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cs"):
            out.append(ch)
    return "".join(out)


def prepare(text: str) -> str | ParseError:
    """Common first step of every parser: length guard, Unicode and whitespace clean-up.

    NFKC folds full-width digits, ligatures and the like into plain
    characters, so "８０" is 80.
    """
    if len(text) > MAX_INPUT_CHARS:
        return ParseError("too_long", str(len(text)))
    cleaned = " ".join(
        remove_controls(unicodedata.normalize("NFKC", text), keep_newlines=False).split()
    )
    if not cleaned:
        return ParseError("empty")
    return cleaned


def has_alnum(text: str) -> bool:
    """Whether there is at least one letter or digit, not only emoji and punctuation."""
    return any(ch.isalnum() for ch in text)


def fold(text: str) -> str:
    """Lower-case and strip accents: "Città" -> "citta", "Plissé" -> "plisse", "Straße" -> "strasse".

    The one folding every comparison of typed words uses (the parsers here and
    the matching taxonomy alike), so a word folded in one place finds itself in
    the other.
    """
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    # Only the few non-ASCII letters need work; folding them one by one (cached)
    # keeps indexing 100 000 atelier descriptions fast.
    return _NON_ASCII.sub(_fold_match, lowered)


# Letters that NFKD does not decompose into ASCII plus a combining mark.
_SPECIAL_LETTERS: Final = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ı": "i",
    "þ": "th",
    "ð": "d",
}
_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")


def fold_words(text: str) -> str:
    """Folded words and nothing else, punctuation as spaces: "Sì!" -> "si",
    "That's all" -> "that s all", "Emilia-Romagna" -> "emilia romagna".

    How short answers are compared with lists of words and names.
    """
    return " ".join(re.sub(r"[^\w\s]|_", " ", fold(text)).split())


def _fold_match(found: re.Match[str]) -> str:
    return _fold_letter(found.group(0))


@lru_cache(maxsize=4096)
def _fold_letter(letter: str) -> str:
    if letter in _SPECIAL_LETTERS:
        return _SPECIAL_LETTERS[letter]
    decomposed = unicodedata.normalize("NFKD", letter)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The single candidate within typo distance of ``word``, if there is exactly one.

    Optimal string alignment distance counts a transposition ("Itlay") as one
    edit. Short words get one edit, longer ones two; a tie means we cannot tell
    what was meant, so nothing is returned.
    """
    if len(word) < 4:
        return None
    limit = 1 if len(word) <= 6 else 2
    best: set[str] = set()
    best_distance = limit + 1
    for candidate in candidates:
        distance = OSA.distance(word, candidate, score_cutoff=limit)
        if distance < best_distance:
            best, best_distance = {candidate}, distance
        elif distance == best_distance:
            best.add(candidate)
    return next(iter(best)) if len(best) == 1 else None


#: Every dash and minus sign people type, as "-" (ranges, negative numbers, dates).
DASHES: Final = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
)


def clean_text(text: str | None, *, max_len: int = 500) -> str | ParseError:
    """Free-text answers (descriptions, names) made safe to store and show.

    Strips the ends, collapses runs of spaces, keeps single line breaks (at
    most one blank line in a row, since paragraphs help a description), and
    removes control and invisible formatting characters. Text with no letter
    or digit at all (only emoji or punctuation) counts as ``empty`` with detail
    ``no_text``; longer than ``max_len`` is ``too_long``.
    """
    if text is None:
        return ParseError("empty")
    if len(text) > MAX_INPUT_CHARS:
        return ParseError("too_long", str(len(text)))
    # NFC, not NFKC: this text is shown back to people, so keep what they typed.
    kept = remove_controls(unicodedata.normalize("NFC", text), keep_newlines=True)
    lines = [" ".join(line.split()) for line in kept.split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not cleaned:
        return ParseError("empty")
    if not has_alnum(cleaned):
        return ParseError("empty", "no_text")
    if len(cleaned) > max_len:
        return ParseError("too_long", str(len(cleaned)))
    return cleaned
