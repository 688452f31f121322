"""Numbers people type: quantities of pieces ("80", "50-100", "circa 200", "duecento", "2k",
"5e1"), counts of styles and shares of handwork, and the shared scanner money reads with."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from text_to_num import alpha2digit

from parsing.core import LOCALES, ParseError, lang_code, other_lang
from parsing.text import DASHES, prepare


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number of pieces: exact (``low == high``), a range, or approximate."""

    low: int
    high: int
    approximate: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.high:
            raise ValueError(f"invalid quantity bounds {self.low}..{self.high}")

    @property
    def value(self) -> int:
        """The single number matching works with.

        For a range this is the midpoint, rounded half up: ateliers' minimum
        order quantities are what usually rule a match out, and rounding up
        never makes a designer look smaller than they said.
        """
        return (self.low + self.high + 1) // 2


#: Scientific notation is written out up to this power of ten; anything larger is beyond
#: every limit a parser has (a million pieces, a hundred thousand euros), so it is replaced by
#: a number just as far beyond them instead of a string of a thousand zeros.
MAX_EXPONENT: Final = 15
_BEYOND_EVERY_LIMIT: Final = "9" * (MAX_EXPONENT + 1)
# "1e9", "2.5E3", "5e+1", "2,5e3". No space around the "e": in Italian "50 e 100" is a range.
_EXPONENT: Final = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)[eE]\+?(\d{1,4})(?![\w.,])")


def expand_exponents(text: str) -> str:
    """ "1e9" and "5e1" as the numbers they stand for ("1000000000", "50"), so they are read
    as one number and not as the range 1-9 or 1-5; "2.55e1" becomes "25.5"."""

    def expand(match: re.Match[str]) -> str:
        exponent = int(match.group(2))
        if exponent > MAX_EXPONENT:
            return _BEYOND_EVERY_LIMIT
        value = Decimal(match.group(1).replace(",", ".")).scaleb(exponent)
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")

    return _EXPONENT.sub(expand, text)


# Hedges that make a number approximate. Removed before the number is read.
_APPROX_RE: Final = re.compile(
    r"~|≈|±|\+/-|\+-|(?<=\d)\s*\+"  # "~200", "200+"
    r"|(?<=\d)\s*-?ish\b"
    r"|\b(?:about|around|approx(?:imately)?|roughly|circa|ca|more\s+or\s+less|or\s+so|give\s+or\s+take"
    r"|nearly|almost|some|più\s+o\s+meno|piu\s+o\s+meno|all'incirca|intorno\s+(?:a|ai|agli|alle)"
    r"|sui|sugli|sulle|quasi)\b\.?"
)

# Counting idioms text2num does not know. (pattern, replacement, approximate)
_IDIOMS: Final = tuple(
    (re.compile(pattern), replacement, approximate)
    for pattern, replacement, approximate in (
        (r"\bhalf\s+a\s+dozen\b", "6", False),
        (r"\bmezza\s+dozzina\b", "6", False),
        (r"\b(?:a|one)\s+dozen\b", "12", False),
        (r"\b(?:una|1)\s+dozzina\b", "12", False),
        (r"\ba\s+couple(?:\s+of)?\b", "2", True),
        (r"\bun\s+paio(?:\s+di)?\b", "2", True),
        (r"\b(?:un|1)\s+centinaio\b", "100", True),
        (r"\b(?:un|1)\s+migliaio\b", "1000", True),
    )
)

# "2k", "1.5k", "2 mila", "3 thousand". text2num handles "duemila" and
# "two thousand" but not a digit followed by a multiplier word.
_MULTIPLIERS: Final = {
    "k": 1_000,
    "mila": 1_000,
    "thousand": 1_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "milione": 1_000_000,
    "milioni": 1_000_000,
    "mln": 1_000_000,
}
# The look-behind makes a match start only at the beginning of a number,
# which keeps this linear on long "1.1.1.1…" input.
_MULTIPLIER_RE: Final = re.compile(
    r"(?<![\d.,])(\d+(?:[.,]\d+)*)\s*(" + "|".join(_MULTIPLIERS) + r")\b"
)

# Babel's strict check gets slow on very long "1.1.1.1…" tokens; no real
# amount written with separators is anywhere near this long.
_MAX_GROUPED_NUMBER_CHARS: Final = 40

_TOKEN_RE: Final = re.compile(
    r"(?P<num>[0-9]+(?:[.,][0-9]+)*)|(?P<word>[^\W\d_]+)|(?P<sym>[^\s\w])"
)

# Words allowed between the two numbers of a range, at least one of them a
# connector: "50-100", "50 to 100", "da 50 a 100", "tra 50 e 100", "50 o 100".
_RANGE_CONNECTORS: Final = frozenset(
    {
        "-", "/", "to", "and", "or", "till", "until", "up",
        "a", "ad", "e", "o", "fino", "al", "ai", "agli", "alle",
    }
)  # fmt: skip
# Units, currencies and articles that may sit inside a range: "50 pcs - 100 pcs",
# "40 € - 50 €", "tra i 100 e i 200".
_RANGE_FILLERS: Final = frozenset(
    {
        "i", "il", "le", "gli", "the",
        "pcs", "pc", "pz", "pezzi", "pezzo", "pieces", "piece", "units", "unit", "capi", "capo",
        "items", "item", "garments", "garment", "%", "€", "$", "£", "eur", "euro", "euros", "usd",
        "gbp", "dollars", "dollari", "pounds", "sterline", "chf",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FoundNumbers:
    """What :func:`scan_numbers` found: one number, or the two ends of a range."""

    values: tuple[Decimal, ...]
    approximate: bool
    negative: bool


def number_value(token: str) -> Decimal | None:
    """Read a digit token such as "1.000", "1,000", "45,50" or "1.200,00".

    Both locales are accepted whatever the user's language, because people mix
    them. A single separator followed by exactly three digits is a thousands
    separator (nobody means 1.000 pieces as "one"), unless only zeros come
    before it ("0,500"); otherwise a single separator is the decimal one. A
    repeated separator is a grouping one; with both present, the last is the
    decimal one. Babel then checks the grouping ("1,00,0" is rejected).
    """
    dots, commas = token.count("."), token.count(",")
    if not dots and not commas:
        return Decimal(token)
    if len(token) > _MAX_GROUPED_NUMBER_CHARS:
        return None
    if dots and commas:
        decimal_sep = "." if token.rfind(".") > token.rfind(",") else ","
    else:
        sep = "." if dots else ","
        head, tail = token.rsplit(sep, 1)
        is_grouping = dots + commas > 1 or (len(tail) == 3 and head.strip("0") != "")
        decimal_sep = ("," if sep == "." else ".") if is_grouping else sep
    try:
        return parse_decimal(token, locale="en_GB" if decimal_sep == "." else "it_IT", strict=True)
    except (NumberFormatError, InvalidOperation):
        return None


def _apply_multipliers(text: str) -> str:
    def expand(match: re.Match[str]) -> str:
        value = number_value(match.group(1))
        if value is None:
            return match.group(0)
        result = value * _MULTIPLIERS[match.group(2)]
        return str(int(result)) if result == result.to_integral_value() else str(result)

    return _MULTIPLIER_RE.sub(expand, text)


def words_to_digits(text: str, lang: str) -> str:
    """Spell out number words as digits ("duecento" -> "200"), user's language first.

    The other language is tried too, since people switch. text2num raises
    ValueError for a language the installed version does not support; then
    that language's words are simply left as they are, the answer comes out
    as ``not_a_number`` and the user is re-asked for digits.
    """
    for code in (lang, other_lang(lang)):
        try:
            text = str(alpha2digit(text, code, threshold=0))
        except ValueError:
            continue
    return text


def scan_numbers(text: str, lang: str) -> FoundNumbers | ParseError:
    """Find the number (or range of two numbers) in a prepared string.

    Words other than numbers are ignored ("80 pieces per style"), except that
    two numbers must be joined by a range connector, otherwise the answer is
    ambiguous ("5 styles of 80").
    """
    lowered = expand_exponents(text).casefold().translate(DASHES)
    lowered, hedges = _APPROX_RE.subn(" ", lowered)
    approximate = hedges > 0
    for pattern, replacement, idiom_is_approximate in _IDIOMS:
        lowered, count = pattern.subn(replacement, lowered)
        approximate = approximate or (count > 0 and idiom_is_approximate)
    lowered = _apply_multipliers(words_to_digits(_apply_multipliers(lowered), lang))

    tokens = [(m.lastgroup or "", m.group()) for m in _TOKEN_RE.finditer(lowered)]
    positions = [i for i, (kind, _) in enumerate(tokens) if kind == "num"]
    if not positions:
        return ParseError("not_a_number")
    if len(positions) > 2:
        return ParseError("ambiguous", "several_numbers")
    if len(positions) == 2:
        between = [value for _, value in tokens[positions[0] + 1 : positions[1]]]
        if not any(word in _RANGE_CONNECTORS for word in between) or not all(
            word in _RANGE_CONNECTORS or word in _RANGE_FILLERS for word in between
        ):
            return ParseError("ambiguous", "several_numbers")
    values: list[Decimal] = []
    for i in positions:
        value = number_value(tokens[i][1])
        if value is None or not value.is_finite():
            return ParseError("not_a_number", tokens[i][1])
        values.append(value)
    first = positions[0]
    negative = first > 0 and tokens[first - 1][1] == "-"
    return FoundNumbers(tuple(values), approximate, negative)


def _whole_numbers(
    text: str, lang: str, maximum: int
) -> tuple[FoundNumbers, tuple[int, ...]] | ParseError:
    """The number (or range) a quantity or a count answer holds, with the checks they share:
    whole, positive, not above ``maximum``."""
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    found = scan_numbers(prepared, lang_code(lang))
    if isinstance(found, ParseError):
        return found
    if found.negative:
        return ParseError("negative")
    if any(v != v.to_integral_value() for v in found.values):
        return ParseError("not_a_number", "fraction")
    if any(v == 0 for v in found.values):
        return ParseError("zero")
    if any(v > maximum for v in found.values):
        return ParseError("too_large", str(maximum))
    return found, tuple(int(v) for v in found.values)


def parse_quantity(
    text: str, lang: str = "en", *, maximum: int = 1_000_000
) -> Quantity | ParseError:
    """Pieces to produce: "80", "50-100", "da 50 a 100", "circa 200", "duecento", "2k", "80 pcs".

    A reversed range ("100-50") is swapped rather than rejected. A range with
    a zero end is rejected as ``zero``.
    """
    whole = _whole_numbers(text, lang, maximum)
    if isinstance(whole, ParseError):
        return whole
    found, numbers = whole
    return Quantity(min(numbers), max(numbers), found.approximate)


def parse_count(text: str, lang: str = "en", *, maximum: int = 1000) -> int | ParseError:
    """How many styles or colourways: "3", "tre", "about 5". Ranges are ``ambiguous``."""
    whole = _whole_numbers(text, lang, maximum)
    if isinstance(whole, ParseError):
        return whole
    numbers = whole[1]
    if len(numbers) > 1:
        return ParseError("ambiguous", "range")
    return numbers[0]


def format_quantity(q: Quantity | int, lang: str) -> str:
    """ "1,000" / "1.000"; ranges "50–100"; approximate "about 200" / "circa 200".

    The output parses back to the same value with :func:`parse_quantity`.
    """
    locale = LOCALES[lang_code(lang)]
    if isinstance(q, int):
        return str(format_decimal(q, locale=locale))
    text = str(format_decimal(q.low, locale=locale))
    if q.high != q.low:
        text += "\u2013" + str(format_decimal(q.high, locale=locale))
    if q.approximate:
        text = ("circa " if lang_code(lang) == "it" else "about ") + text
    return text


_PERCENT_RE: Final = re.compile(
    r"%|\bper\s*cento\b|\bpercento\b|\bper\s*cent\b|\bpercent(?:age)?\b|\bpct\b"
)
_PERCENT_WORDS: Final = {
    "half": 50, "metà": 50, "meta": 50, "la metà": 50, "la meta": 50,
    "all": 100, "all of it": 100, "everything": 100, "tutto": 100, "tutta": 100, "tutti": 100,
    "none": 0, "nothing": 0, "niente": 0, "nulla": 0, "nessuno": 0, "nessuna": 0,
}  # fmt: skip


def parse_percentage(text: str, lang: str = "en") -> int | ParseError:
    """Share of handwork: "80", "80%", "80 %", "ottanta per cento", "half".

    Decimals are rounded half up; a range ("70-80%") gives its midpoint,
    consistent with :attr:`Quantity.value`. Outside 0–100 is ``out_of_range``.
    """
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    # "per cento" must go before number words are read, or "cento" becomes 100.
    stripped = " ".join(_PERCENT_RE.sub(" ", prepared.casefold()).split()).strip(" .!")
    if stripped in _PERCENT_WORDS:
        return _PERCENT_WORDS[stripped]
    found = scan_numbers(stripped or prepared, lang_code(lang))
    if isinstance(found, ParseError):
        return found
    if found.negative:
        return ParseError("out_of_range", "negative")
    value = sum(found.values, Decimal(0)) / len(found.values)
    # Range check before rounding: quantize() fails on numbers with more
    # digits than the decimal context holds.
    if not 0 <= value < Decimal("100.5"):
        return ParseError("out_of_range")
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
