"""Size ranges: "XS-XL", "38-46", "S, M, L", "5 sizes", "one size" / "taglia unica" -> how many
sizes each colourway comes in, and the range as written to show back.

Letter sizes run XXS, XS, S, M, L, XL, XXL, 3XL (and 2XL for XXL, 4XL); a numeric range of even
numbers counts clothing sizes in steps of two (Italian 38-46 is 38, 40, 42, 44, 46), any other
numeric range in steps of one (shoes 36-41).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from parsing.core import ParseError
from parsing.numbers import parse_count
from parsing.text import DASHES, fold_words, prepare

MAX_SIZES: Final = 20
_LETTERS: Final = ("xxs", "xs", "s", "m", "l", "xl", "xxl", "3xl", "4xl")
_LETTER_ALIASES: Final = {"2xs": "xxs", "2xl": "xxl", "xxxl": "3xl"}
_ONE_SIZE: Final = re.compile(
    r"^(?:one size|one size fits all|onesize|os|single size|no sizes?|taglia unica|unica|"
    r"una taglia|una sola taglia|tu|senza taglie|nessuna taglia)$"
)
_RANGE: Final = re.compile(r"^(?:from |da |dalla )?(\w+) (?:to|a|al|alla|fino a|fino alla) (\w+)$")
_COUNT: Final = re.compile(r"^(\w+)\s*(?:sizes?|taglie|misure)$")


@dataclass(frozen=True, slots=True)
class Sizes:
    """How many sizes, and how the range reads ("XS–XL", "38–46", "one size" is 1 and "")."""

    count: int
    label: str = ""


def _letter(word: str) -> int | None:
    key = _LETTER_ALIASES.get(word, word)
    return _LETTERS.index(key) if key in _LETTERS else None


def parse_sizes(text: str, lang: str = "en") -> Sizes | ParseError:
    """The sizes a colourway comes in; ``not_sizes`` when it reads as none of the forms above,
    ``too_large`` above :data:`MAX_SIZES`."""
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    if len(prepared) > 100:
        return ParseError("too_long", "100")
    # "XS-XL" reads as "xs to xl"; punctuation between sizes ("S, M, L") as spaces.
    key = fold_words(prepared.translate(DASHES).replace("-", " to "))
    key = re.sub(r"^(?:sizes?|taglie|misure)\s+", "", key)
    if _ONE_SIZE.match(key):
        return Sizes(1)
    ranged = _RANGE.match(key)
    words = key.split()
    if ranged is not None:
        low, high = ranged.group(1), ranged.group(2)
        a, b = _letter(low), _letter(high)
        if a is not None and b is not None:
            a, b = min(a, b), max(a, b)
            return _sized(b - a + 1, f"{low.upper()}–{high.upper()}")
        if low.isdigit() and high.isdigit():
            first, last = sorted((int(low), int(high)))
            step = 2 if first % 2 == 0 and last % 2 == 0 and last - first >= 4 else 1
            return _sized((last - first) // step + 1, f"{first}–{last}")
    if len(words) > 1 and all(_letter(w) is not None or w.isdigit() for w in words):
        return _sized(len(set(words)), ", ".join(w.upper() for w in dict.fromkeys(words)))
    counted = _COUNT.match(key)
    if counted is not None or key.isdigit():
        count = parse_count(counted.group(1) if counted else key, lang, maximum=MAX_SIZES)
        if isinstance(count, ParseError):
            return count
        return Sizes(count)
    if len(words) == 1 and _letter(words[0]) is not None:
        return Sizes(1, words[0].upper())
    return ParseError("not_sizes")


def _sized(count: int, label: str) -> Sizes | ParseError:
    if count > MAX_SIZES:
        return ParseError("too_large", str(MAX_SIZES))
    return Sizes(count, label)
