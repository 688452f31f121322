"""Details stated inside a longer sentence: how many pieces, how many styles, by when, where,
and how much handwork — "60 hand-finished silk blouses, delivery in 10 weeks, made in
Tuscany" states 60 pieces, a deadline and a region.

:func:`find_details` reads the sentence clause by clause (commas, semicolons, line breaks,
full stops), with the same parsers a single answer goes through, so a detail found here is
exactly what typing it as the answer would have given. It only keeps what it is sure of: a
date only where a deadline word or a number starts it ("in 10 weeks", "entro marzo",
"15/03/2027"), a place only without a typo correction, a number of pieces only when no unit
other than pieces follows it (not "10 weeks", "45 €", "80 %", "3 styles").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from parsing.core import ParseError
from parsing.dates import parse_deadline
from parsing.numbers import Quantity, parse_count, parse_quantity
from parsing.places import Place, parse_place
from parsing.sizes import Sizes, parse_sizes
from parsing.text import DASHES, fold, prepare

# The longest text searched (a product description is at most a few hundred characters).
_MAX_CHARS: Final = 1000
# Words that start a deadline inside a sentence, English and Italian.
_DEADLINE_START: Final = re.compile(
    r"^(?:in|by|within|before|until|till|for|on|end|entro|tra|fra|per|prima|fine|a|ad|al|il)$"
)
_LONGEST_DATE_WORDS: Final = 6
_CLAUSES: Final = re.compile(r"[,;\n]+|\.\s+|\s+[-·]\s+")
_NUMBER: Final = r"\d+(?:[.,']\d{3})*"
_PIECES: Final = re.compile(
    rf"(?:(?:about|around|circa|approx\.?|approximately|roughly|ca\.?|~|tra|between|from|da)\s+)?"
    rf"{_NUMBER}(?:\s*(?:-|to|a|e|and)\s*{_NUMBER})?(?![\d.,])",
    re.IGNORECASE,
)
# What may not follow (or precede) a number of pieces.
_NOT_PIECES_AFTER: Final = re.compile(
    r"^\s*(?:%|€|\$|£|eur\b|euro|usd\b|gbp\b|x\b|weeks?\b|wks?\b|settiman|months?\b|mes[ei]\b|"
    r"days?\b|giorn|years?\b|ann[oi]\b|styles?\b|models?\b|modell|colou?rs?\b|colou?rways?\b|"
    r"colori\b|varianti\b|designs?\b|cm\b|mm\b|m\b|kg\b|g\b|gsm\b|sizes?\b|tagli[ae]\b|/)",
    re.IGNORECASE,
)
_NOT_PIECES_BEFORE: Final = re.compile(
    r"(?:€|\$|£|eur|euro|size|taglia|n\.|no\.|#|/)\s*$", re.IGNORECASE
)


def _number_of(nouns: str) -> re.Pattern[str]:
    """A number of `nouns`: "3 styles", "2 different colourways", "4 diversi modelli"."""
    return re.compile(rf"({_NUMBER})\s*(?:different\s+|diversi\s+)?(?:{nouns})\b", re.IGNORECASE)


_STYLES: Final = _number_of(r"styles?|models?|modell[io]|designs?|referenze")
_COLOURWAYS: Final = _number_of(
    r"colou?rways?|colou?rs?|colori|varianti(?: colore)?|varianti di colore"
)
_HAND: Final = r"(?:hand[\s-]?(?:made|work|finish\w*|craft\w*)?|by hand|a mano|manual\w*)"
_HANDWORK_SHARE: Final = re.compile(
    rf"(\d{{1,3}})\s*%\s*(?:of\s+|di\s+)?(?:\w+\s+){{0,2}}{_HAND}|{_HAND}\D{{0,25}}?(\d{{1,3}})\s*%",
    re.IGNORECASE,
)
# Made entirely by hand: the interview's highest handwork choice.
_HANDMADE: Final = re.compile(
    r"\b(?:hand[\s-]?made|made by hand|entirely by hand|all by hand|"
    r"(?:fatt|cucit|realizzat|lavorat|confezionat)[oaie] (?:interamente |completamente |tutt[oaie] )?"
    r"a mano|interamente a mano|completamente a mano)\b",
    re.IGNORECASE,
)
HANDMADE_SHARE: Final = 80
# "in sizes XS-XL", "taglie 38-46", "one size", "taglia unica".
_SIZE_RANGE: Final = re.compile(
    r"\b(?:sizes?|taglie|misure)\s+(\w+\s*(?:-|to|a)\s*\w+)", re.IGNORECASE
)
_ONE_SIZE: Final = re.compile(r"\b(?:one size|taglia unica)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Details:
    """What a sentence states; None where it says nothing (or nothing certain)."""

    quantity: Quantity | None = None
    styles: int | None = None
    #: Colourways of each style ("in 2 colourways", "3 colori").
    colourways: int | None = None
    deadline: date | None = None
    place: Place | None = None
    #: A stated minimum share of handwork: "80 % handmade" -> 80, "handmade" -> 80.
    handwork: int | None = None
    #: The sizes of each colourway ("sizes XS-XL", "one size").
    sizes: Sizes | None = None


def _count_in(pattern: re.Pattern[str], clause: str, lang: str) -> tuple[int | None, str]:
    """The count `pattern` finds in a clause (None when there is none, or it cannot be read),
    and the clause without it, so its number is not read again as pieces."""
    found = pattern.search(clause)
    if found is None:
        return None, clause
    count = parse_count(found.group(1), lang)
    rest = clause[: found.start()] + clause[found.end() :]
    return (None if isinstance(count, ParseError) else count), rest


def _deadline_in(words: list[str], lang: str, today: date) -> tuple[date, int, int] | None:
    """The first run of words that reads as a deadline, longest first, with its position."""
    for start, word in enumerate(words):
        key = fold(word)
        if not (_DEADLINE_START.match(key) or key[:1].isdigit()):
            continue
        for end in range(min(len(words), start + _LONGEST_DATE_WORDS), start, -1):
            found = parse_deadline(" ".join(words[start:end]), lang, today=today)
            if not isinstance(found, ParseError) and found > today:
                return found, start, end
    return None


def _pieces_in(clause: str, lang: str) -> Quantity | None:
    for match in _PIECES.finditer(clause):
        if _NOT_PIECES_AFTER.match(clause[match.end() :]):
            continue
        if _NOT_PIECES_BEFORE.search(clause[: match.start()]):
            continue
        quantity = parse_quantity(match.group(0), lang)
        if not isinstance(quantity, ParseError):
            return quantity
    return None


def _handwork_in(text: str) -> int | None:
    share = _HANDWORK_SHARE.search(text)
    if share is not None:
        percent = int(share.group(1) or share.group(2))
        if 0 < percent <= 100:
            return percent
    return HANDMADE_SHARE if _HANDMADE.search(text) else None


def find_details(text: str, lang: str = "en", *, today: date) -> Details:
    """Every detail ``text`` states that a single answer could have given (see the module)."""
    prepared = prepare(text[:_MAX_CHARS])
    if isinstance(prepared, ParseError):
        return Details()
    prepared = prepared.translate(DASHES)
    quantity: Quantity | None = None
    styles: int | None = None
    colourways: int | None = None
    deadline: date | None = None
    place: Place | None = None
    sizes = _sizes_in(prepared, lang)
    for clause in _CLAUSES.split(_SIZE_RANGE.sub(" ", prepared)):
        if styles is None:
            styles, clause = _count_in(_STYLES, clause, lang)
        if colourways is None:
            colourways, clause = _count_in(_COLOURWAYS, clause, lang)
        words = clause.split()
        if not words:
            continue
        if deadline is None:
            found = _deadline_in(words, lang, today)
            if found is not None:
                deadline, start, end = found
                words = words[:start] + words[end:]
        rest = " ".join(words)
        if quantity is None:
            quantity = _pieces_in(rest, lang)
        if place is None and rest.strip():
            named = parse_place(rest, lang)
            if not isinstance(named, ParseError) and not named.corrections:
                place = named
    return Details(quantity, styles, colourways, deadline, place, _handwork_in(prepared), sizes)


def _sizes_in(text: str, lang: str) -> Sizes | None:
    if _ONE_SIZE.search(text):
        return Sizes(1)
    ranged = _SIZE_RANGE.search(text)
    if ranged is None:
        return None
    sizes = parse_sizes(ranged.group(1), lang)
    return None if isinstance(sizes, ParseError) else sizes
