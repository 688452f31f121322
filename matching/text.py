"""Text folding and tokenising shared by the taxonomy, recognition and the index."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsing.text import fold as fold  # the one accent folding, shared with the parsers

_CURLY_APOSTROPHES = re.compile("[’‘´ʼ]")
_NEGATED_VERB = re.compile(r"n't\b", re.IGNORECASE)
_POSSESSIVE = re.compile(r"'s\b", re.IGNORECASE)
# "cut & sew", "t-shirts", "oeko-tex", "children's": joiners that are not boundaries.
_JOINERS = re.compile(r"[-_'`+*#~^\"]")
# "G.O.T.S.", "S.A. 8000": initials written with dots are one word.
_DOTTED_INITIALS = re.compile(r"\b(?:[^\W\d_]\.){2,}(?:[^\W\d_]\b)?")
# "OekoTex100", "SA8000", "200pcs": a number glued to a word is a word of its own.
_LETTERS_DIGITS = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_TOKEN = re.compile(r"[^\W_]+|[.;:!?,()\[\]{}/\\|•·\n]+")

BOUNDARY = "|"


@dataclass(frozen=True, slots=True)
class Token:
    """A folded word, or BOUNDARY for punctuation that ends a clause, with its place in the text."""

    text: str
    start: int
    end: int


def prepare(text: str) -> str:
    """The text tokens point into: apostrophes, "n't" and "&" spelled out, joiners turned to spaces,
    dotted initials joined ("G.O.T.S." -> "GOTS") and numbers split from words ("SA8000")."""
    if not text.isascii():
        text = _CURLY_APOSTROPHES.sub("'", text)
    text = _NEGATED_VERB.sub("n not", text)
    text = _POSSESSIVE.sub("s", text)
    text = text.replace("&", " and ")
    if "." in text:
        text = _DOTTED_INITIALS.sub(_undotted, text)
    text = _LETTERS_DIGITS.sub(" ", text)
    return _JOINERS.sub(" ", text)


def _undotted(found: re.Match[str]) -> str:
    return found.group(0).replace(".", "")


def tokenise(text: str) -> tuple[str, list[Token]]:
    """Split prepared text into folded word tokens and clause boundaries."""
    prepared = prepare(text)
    tokens: list[Token] = []
    for found in _TOKEN.finditer(prepared):
        piece = found.group(0)
        if piece[0].isalnum():
            tokens.append(Token(fold(piece), found.start(), found.end()))
        elif (
            piece.strip(".") == ""
            and found.start() > 0
            and found.end() < len(prepared)
            and prepared[found.start() - 1].isdigit()
            and prepared[found.end()].isdigit()
        ):
            continue  # a decimal point or a thousands separator, not the end of a sentence
        elif not tokens or tokens[-1].text != BOUNDARY:
            tokens.append(Token(BOUNDARY, found.start(), found.end()))
    return prepared, tokens


def words(text: str) -> list[str]:
    """Folded words only, boundaries dropped: how taxonomy terms are compared."""
    return [t.text for t in tokenise(text)[1] if t.text != BOUNDARY]


def slug(text: str) -> str:
    """A stable key for free text that the taxonomy does not know ("XYZ Cert" -> "xyz_cert")."""
    return "_".join(words(text))
