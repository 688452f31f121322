"""Turn what people type to the bot into typed values, or say why not.

Designers and ateliers answer the interview in free text, in English or
Italian, with typos. Every ``parse_*`` function here takes the raw text of one
message and returns either the typed value or a :class:`ParseError` whose
``code`` selects the localized re-ask message (with an example) that the
interview sends next. They never raise on any input string: an exception out
of this module is a bug, not a user error. ``format_*`` functions go the other
way, to echo values back in the user's language.

Error codes (``ParseError.code``):

* any parser: ``empty`` (nothing but whitespace), ``too_long`` (over
  :data:`MAX_INPUT_CHARS`, or over a parser's own smaller limit);
* numbers: ``not_a_number``, ``negative``, ``zero``, ``too_large``,
  ``ambiguous`` (several numbers that do not form a range, or a range where one
  number is required), ``out_of_range`` (percentages);
* dates: ``not_a_date``, ``no_such_day`` (a day the month does not have, such as
  31/02/2027), ``in_the_past``, ``too_far``, ``asap`` ("as soon as
  possible": the bot should ask for a concrete date), ``too_vague`` (a bare
  number or year, "next year");
* ``bad_currency``, ``bad_email``, ``bad_phone``, ``bad_contact`` (neither an
  e-mail nor a phone number), ``bad_country``.

``range_inverted`` is never produced: "100-50" is read as 50..100, because the
order carries no information and re-asking would only cost the user a turn.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Final

import dateparser
import phonenumbers
import pycountry
from babel import Locale
from babel.numbers import (
    NumberFormatError,
    format_currency,
    format_decimal,
    get_currency_precision,
    list_currencies,
    parse_decimal,
)
from email_validator import EmailNotValidError, validate_email
from rapidfuzz.distance import OSA
from text_to_num import alpha2digit

__all__ = [
    "MAX_INPUT_CHARS",
    "Money",
    "ParseError",
    "Quantity",
    "clean_text",
    "format_money",
    "format_quantity",
    "parse_budget",
    "parse_contact",
    "parse_count",
    "parse_country",
    "parse_deadline",
    "parse_email",
    "parse_percentage",
    "parse_phone",
    "parse_quantity",
    "weeks_until",
]

#: Anything longer is rejected before any real work: Telegram caps a message at
#: 4096 characters, and dateparser in particular gets slow on long strings.
MAX_INPUT_CHARS: Final = 4096

# A deadline is a few words; sentences longer than this are not worth handing
# to dateparser, whose cost grows quickly with length.
_DATE_MAX_CHARS: Final = 120

#: Budgets above this (in any currency) are taken to be typos or jokes.
MAX_BUDGET: Final = Decimal(100_000)

_LANGS: Final = ("en", "it")
_LOCALES: Final = {"en": "en_GB", "it": "it_IT"}


# --------------------------------------------------------------------------
# Result types


@dataclass(frozen=True, slots=True)
class ParseError:
    """Why a value was not understood; ``code`` picks the localized re-ask message.

    ``detail`` is optional extra context for logs or for the message (e.g. the
    offending text); it is user-controlled, so escape it before showing it.
    """

    code: str
    detail: str = ""


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


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in an ISO 4217 currency, rounded to that currency's minor unit."""

    amount: Decimal
    currency: str = "EUR"


# --------------------------------------------------------------------------
# Shared text handling


# Invisible characters that only make trouble in stored text shown to other
# people: bidi overrides/isolates can visually reorder a message (spoofing),
# zero-width spaces and BOMs break matching. The zero-width joiner and
# variation selectors stay, as emoji sequences need them.
_INVISIBLE: Final = dict.fromkeys(
    [0x00AD, 0x200B, 0x200E, 0x200F, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def _lang(lang: str) -> str:
    """Reduce "it", "it-IT", "it_IT" to "it"; anything unsupported falls back to English."""
    primary = lang.replace("_", "-").split("-", 1)[0].casefold()
    return primary if primary in _LANGS else "en"


def _other(lang: str) -> str:
    return "en" if lang == "it" else "it"


def _remove_controls(text: str, *, keep_newlines: bool) -> str:
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


def _prepare(text: str) -> str | ParseError:
    """Common first step of every parser: length guard, Unicode and whitespace clean-up.

    NFKC folds full-width digits, ligatures and the like into plain
    characters, so "８０" is 80.
    """
    if len(text) > MAX_INPUT_CHARS:
        return ParseError("too_long", str(len(text)))
    cleaned = " ".join(
        _remove_controls(unicodedata.normalize("NFKC", text), keep_newlines=False).split()
    )
    if not cleaned:
        return ParseError("empty")
    return cleaned


_EXPONENT = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)[eE]\+?(\d{1,2})(?!\w)")


def _expand_exponents(text: str) -> str:
    """ "1e9" and "5e1" as the whole numbers they stand for, so they are not read as the
    range 1-9 or 1-5. Anything that is not a whole number is left as typed."""

    def expand(match: re.Match[str]) -> str:
        value = Decimal(match.group(1)).scaleb(int(match.group(2)))
        return str(int(value)) if value == value.to_integral_value() else match.group(0)

    return _EXPONENT.sub(expand, text)


def _has_alnum(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _fold(text: str) -> str:
    """Case- and accent-insensitive key: "Città" and "citta" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _closest(word: str, candidates: Iterable[str]) -> str | None:
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


# --------------------------------------------------------------------------
# Numbers

_DASHES: Final = str.maketrans(
    dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
)

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
class _Numbers:
    """What :func:`_scan_numbers` found: one number, or the two ends of a range."""

    values: tuple[Decimal, ...]
    approximate: bool
    negative: bool


def _number_value(token: str) -> Decimal | None:
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
        value = _number_value(match.group(1))
        if value is None:
            return match.group(0)
        result = value * _MULTIPLIERS[match.group(2)]
        return str(int(result)) if result == result.to_integral_value() else str(result)

    return _MULTIPLIER_RE.sub(expand, text)


def _words_to_digits(text: str, lang: str) -> str:
    """Spell out number words as digits ("duecento" -> "200"), user's language first.

    The other language is tried too, since people switch. text2num raises
    ValueError for a language the installed version does not support; then
    that language's words are simply left as they are, the answer comes out
    as ``not_a_number`` and the user is re-asked for digits.
    """
    for code in (lang, _other(lang)):
        try:
            text = str(alpha2digit(text, code, threshold=0))
        except ValueError:
            continue
    return text


def _scan_numbers(text: str, lang: str) -> _Numbers | ParseError:
    """Find the number (or range of two numbers) in a prepared string.

    Words other than numbers are ignored ("80 pieces per style"), except that
    two numbers must be joined by a range connector, otherwise the answer is
    ambiguous ("5 styles of 80").
    """
    lowered = text.casefold().translate(_DASHES)
    lowered, hedges = _APPROX_RE.subn(" ", lowered)
    approximate = hedges > 0
    for pattern, replacement, idiom_is_approximate in _IDIOMS:
        lowered, count = pattern.subn(replacement, lowered)
        approximate = approximate or (count > 0 and idiom_is_approximate)
    lowered = _apply_multipliers(_words_to_digits(_apply_multipliers(lowered), lang))

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
        value = _number_value(tokens[i][1])
        if value is None or not value.is_finite():
            return ParseError("not_a_number", tokens[i][1])
        values.append(value)
    first = positions[0]
    negative = first > 0 and tokens[first - 1][1] == "-"
    return _Numbers(tuple(values), approximate, negative)


def _whole_numbers(found: _Numbers, maximum: int) -> tuple[int, ...] | ParseError:
    """Checks shared by quantities and counts: whole, positive, not above ``maximum``."""
    if found.negative:
        return ParseError("negative")
    if any(v != v.to_integral_value() for v in found.values):
        return ParseError("not_a_number", "fraction")
    if any(v == 0 for v in found.values):
        return ParseError("zero")
    if any(v > maximum for v in found.values):
        return ParseError("too_large", str(maximum))
    return tuple(int(v) for v in found.values)


def parse_quantity(
    text: str, lang: str = "en", *, maximum: int = 1_000_000
) -> Quantity | ParseError:
    """Pieces to produce: "80", "50-100", "da 50 a 100", "circa 200", "duecento", "2k", "80 pcs".

    A reversed range ("100-50") is swapped rather than rejected. A range with
    a zero end is rejected as ``zero``.
    """
    prepared = _prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    prepared = _expand_exponents(prepared)
    found = _scan_numbers(prepared, _lang(lang))
    if isinstance(found, ParseError):
        return found
    numbers = _whole_numbers(found, maximum)
    if isinstance(numbers, ParseError):
        return numbers
    return Quantity(min(numbers), max(numbers), found.approximate)


def parse_count(text: str, lang: str = "en", *, maximum: int = 1000) -> int | ParseError:
    """How many styles or colourways: "3", "tre", "about 5". Ranges are ``ambiguous``."""
    prepared = _prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    prepared = _expand_exponents(prepared)
    found = _scan_numbers(prepared, _lang(lang))
    if isinstance(found, ParseError):
        return found
    numbers = _whole_numbers(found, maximum)
    if isinstance(numbers, ParseError):
        return numbers
    if len(numbers) > 1:
        return ParseError("ambiguous", "range")
    return numbers[0]


def format_quantity(q: Quantity | int, lang: str) -> str:
    """ "1,000" / "1.000"; ranges "50–100"; approximate "about 200" / "circa 200".

    The output parses back to the same value with :func:`parse_quantity`.
    """
    locale = _LOCALES[_lang(lang)]
    if isinstance(q, int):
        return str(format_decimal(q, locale=locale))
    text = str(format_decimal(q.low, locale=locale))
    if q.high != q.low:
        text += "\u2013" + str(format_decimal(q.high, locale=locale))
    if q.approximate:
        text = ("circa " if _lang(lang) == "it" else "about ") + text
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
    prepared = _prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    # "per cento" must go before number words are read, or "cento" becomes 100.
    stripped = " ".join(_PERCENT_RE.sub(" ", prepared.casefold()).split()).strip(" .!")
    if stripped in _PERCENT_WORDS:
        return _PERCENT_WORDS[stripped]
    found = _scan_numbers(stripped or prepared, _lang(lang))
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


# --------------------------------------------------------------------------
# Money

# Symbols and words people use for the currencies an Italian atelier is likely
# to see. Lower case; ISO codes in capitals are recognised separately.
_CURRENCY_WORDS: Final = {
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "dollaro": "USD", "dollari": "USD",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "sterling": "GBP",
    "sterlina": "GBP", "sterline": "GBP",
    "chf": "CHF", "franc": "CHF", "francs": "CHF", "franco": "CHF", "franchi": "CHF",
    "¥": "JPY", "yen": "JPY",
}  # fmt: skip
_CURRENCY_TOKEN_RE: Final = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+|[^\s\w]")

# "45 euro e 50" / "45 dollars and 50 cents": text2num leaves two numbers that
# are euros and cents, not a range.
_CENTS_RE: Final = re.compile(
    r"(\d+)\s*(€|euro|euros|eur|dollars?|dollari|pounds?|sterline)\s+(?:e|and)\s+(\d{2})"
    r"(?:\s*(?:centesimi|cents?|pence|p))?\b"
)


@lru_cache(maxsize=1)
def _iso_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def _find_currencies(text: str) -> set[str]:
    """Currencies mentioned in ``text``.

    A capitalised ISO code counts only next to a number ("EUR 45", "60 USD"):
    plenty of ordinary words are also codes ("ALL", "TOP", "TRY").
    """
    tokens = _CURRENCY_TOKEN_RE.findall(text)
    found: set[str] = set()
    for i, token in enumerate(tokens):
        code = _CURRENCY_WORDS.get(token.casefold())
        if code is not None:
            found.add(code)
            continue
        near_number = any(0 <= j < len(tokens) and tokens[j][0].isdigit() for j in (i - 1, i + 1))
        if len(token) == 3 and token.isupper() and token in _iso_currencies() and near_number:
            found.add(token)
    return found


def parse_budget(
    text: str,
    lang: str = "en",
    *,
    default_currency: str = "EUR",
    maximum: Decimal = MAX_BUDGET,
) -> Money | ParseError:
    """Budget per piece: "45", "45 €", "€45", "45,50 €", "EUR 45.50", "$60", "1.200,00 €".

    With no currency mentioned, ``default_currency`` is assumed. A range
    ("40-50 €") keeps its upper end, since a budget is used as a ceiling.
    """
    if default_currency not in _iso_currencies():
        raise ValueError(f"unknown default currency {default_currency!r}")
    prepared = _prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    currencies = _find_currencies(prepared)
    if len(currencies) > 1:
        return ParseError("bad_currency", ",".join(sorted(currencies)))
    currency = currencies.pop() if currencies else default_currency
    lowered = _CENTS_RE.sub(r"\1.\3 \2", _words_to_digits(prepared.casefold(), _lang(lang)))
    found = _scan_numbers(lowered, _lang(lang))
    if isinstance(found, ParseError):
        return found
    if found.negative:
        return ParseError("negative")
    if max(found.values) > maximum:
        # Checked before rounding: quantize() fails on very long numbers.
        return ParseError("too_large", str(maximum))
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    amount = max(found.values).quantize(exponent, rounding=ROUND_HALF_UP)
    if amount <= 0:
        return ParseError("zero")
    if amount > maximum:
        return ParseError("too_large", str(maximum))
    return Money(amount, currency)


def format_money(money: Money, lang: str) -> str:
    """ "€45.50" in English, "45,50 €" in Italian (Babel, en_GB / it_IT)."""
    return str(format_currency(money.amount, money.currency, locale=_LOCALES[_lang(lang)]))


# --------------------------------------------------------------------------
# Dates


@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    """Month names and abbreviations in English and Italian, from CLDR via Babel."""
    names: dict[str, int] = {"sept": 9}  # common English abbreviation CLDR lacks
    for code in _LANGS:
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    names[_fold(str(name)).rstrip(".")] = int(number)
    return names


# Season starts, astronomical and rounded to the usual calendar day; a bare
# season means its first day, like the start of a fashion delivery window.
_SEASONS: Final = {
    "spring": (3, 21), "primavera": (3, 21),
    "summer": (6, 21), "estate": (6, 21),
    "autumn": (9, 23), "fall": (9, 23), "autunno": (9, 23),
    "winter": (12, 21), "inverno": (12, 21),
}  # fmt: skip
_SEASON_ORDER: Final = ((3, 21), (6, 21), (9, 23), (12, 21))

# Words worth correcting when misspelt ("Mrach", "setimane"). Short words and
# "fall" are left out: too many ordinary words sit one edit away from them.
_DATE_UNITS: Final = (
    "weeks", "settimana", "settimane", "months", "month", "mesi", "giorni", "giorno",
    "years", "prossimo", "prossima", "next",
)  # fmt: skip
# Correctly spelt words of date phrases that sit one edit away from a
# correction target ("mese" / "mesi", "anno" / "anni") and must stay as typed.
_DATE_WORDS: Final = frozenset(
    {
        "week", "mese", "anno", "anni", "year", "day", "days", "giorno", "fine", "inizio", "early",
        "late", "metà", "meta", "middle", "start", "beginning", "this", "questo", "questa", "entro",
        "from", "today", "oggi", "domani", "tomorrow", "dopodomani", "within", "before", "prima",
        "della", "dell", "deadline", "scadenza", "latest", "massimo", "tardi", "partire",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def _date_vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    """(words known as they are, words a typo may be corrected to)."""
    targets = [name for name in _month_names() if len(name) >= 4]
    targets += [season for season in _SEASONS if season != "fall"]
    targets += _DATE_UNITS
    known = frozenset(targets) | frozenset(_month_names()) | frozenset(_SEASONS) | _DATE_WORDS
    return known, tuple(targets)


_END: Final = r"(?:(?:the\s+)?end\s+of(?:\s+the)?|late|(?:alla\s+|a\s+|la\s+)?fine(?:\s+(?:di|del|della|dell))?)"
_START: Final = (
    r"(?:(?:the\s+)?(?:beginning|start)\s+of(?:\s+the)?|early"
    r"|(?:all\s+|ad\s+|a\s+|l\s+)?inizio(?:\s+(?:di|del|della|dell))?)"
)
_MID: Final = r"(?:mid\s*-?|(?:the\s+)?middle\s+of(?:\s+the)?|(?:a\s+|la\s+)?met[aà](?:\s+(?:di|del|della|dell))?)"
_BEFORE: Final = r"before"  # "prima di" is rewritten to "before" beforehand
_MODIFIER: Final = rf"(?:(?P<end>{_END})|(?P<start>{_START})|(?P<mid>{_MID})|(?P<before>{_BEFORE}))"


@lru_cache(maxsize=1)
def _date_patterns() -> tuple[
    re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]
]:
    months = "|".join(sorted(map(re.escape, _month_names()), key=len, reverse=True))
    seasons = "|".join(_SEASONS)
    month = re.compile(
        rf"^{_MODIFIER}?\s*(?:(?:of|di|in|a|ad|the)\s+)?(?P<month>{months})\.?(?:\s+(?:of\s+|del\s+)?(?P<year>\d{{4}}))?$"
    )
    season = re.compile(
        rf"^{_MODIFIER}?\s*(?:(?:the|la|l|in|a|this|questa|quest|next|prossima)\s+)*(?P<season>{seasons})"
        rf"(?:\s+(?:prossima|prossimo|next))?(?:\s+(?P<year>\d{{4}}))?$"
    )
    relative_month = re.compile(
        rf"^{_MODIFIER}?\s*(?:this\s+month|questo\s+mese|(?P<bare>(?:the\s+)?month|(?:del\s+|il\s+)?mese)"
        rf"|(?P<next>next\s+month|(?:il\s+|del\s+)?(?:prossimo\s+mese|mese\s+prossimo)))$"
    )
    year_end = re.compile(
        rf"^(?:(?P<end>{_END})|(?P<start>{_START}))\s*(?:(?P<this>(?:the|this)\s+year|(?:dell\s+|l\s+)?anno|quest\s+anno)"
        rf"|(?P<next>next\s+year|(?:dell\s+|del\s+|l\s+)?(?:anno\s+prossimo|prossimo\s+anno)))$"
    )
    # The one holiday people name as a deadline; its date does not move.
    christmas = re.compile(rf"^(?P<before>{_BEFORE})?\s*(?:christmas|xmas|natale)$")
    return month, season, relative_month, year_end, christmas


_ASAP_RE: Final = re.compile(
    r"\b(?:asap|a\s*s\s*a\s*p|as\s+soon\s+as\s+possible|urgent|urgente|urgently|subito|immediately|right\s+away"
    r"|(?:il\s+)?prima\s+possibile|quanto\s+prima|al\s+pi[uù]\s+presto|appena\s+possibile|prestissimo)\b"
)
_VAGUE_RE: Final = re.compile(
    r"^(?:\d+|next\s+year|(?:l\s+)?anno\s+prossimo|(?:il\s+)?prossimo\s+anno|this\s+year|quest\s+anno"
    r"|soon|presto|a\s+breve|later|dopo|flexible|flessibile|whenever|quando\s+vuoi|no\s+rush)$"
)
# Words in front of a date that add nothing: "by 15 March", "entro il 15 marzo".
_DATE_PREFIX_RE: Final = re.compile(
    r"^(?:deadline|scadenza|by|on|for|within|around|before(?=\s+(?:the\s+)?\d)|entro|per|verso|intorno\s+a"
    r"|the|il|lo|la|l|le|al|allo|alla)\s+"
)
_DATE_SUFFIX_RE: Final = re.compile(
    r"\s+(?:at\s+the\s+latest|al\s+massimo|al\s+pi[uù]\s+tardi|da\s+oggi|a\s+partire\s+da\s+oggi|from\s+today|max)$"
)


def _last_day(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _pick(match: re.Match[str], first: date, last: date) -> date:
    """The day of a period that the modifier in ``match`` points at."""
    if match.group("start"):
        return first
    if match.group("mid"):
        return first + timedelta(days=((last - first).days + 1) // 2 - 1)
    if match.group("before"):
        return first - timedelta(days=1)
    return last


def _next_occurrence(make: Callable[[int], date], today: date, year: str | None) -> date:
    """``make(year)`` for the given year, or for the first year (from last year on) not in the past."""
    if year is not None:
        return make(int(year))
    candidates = [make(y) for y in (today.year - 1, today.year, today.year + 1)]
    return next((d for d in candidates if d >= today), candidates[-1])


def _season_period(year: int, start: tuple[int, int]) -> tuple[date, date]:
    index = _SEASON_ORDER.index(start)
    begin = date(year, *start)
    end_year = year + 1 if index == len(_SEASON_ORDER) - 1 else year
    end = date(end_year, *_SEASON_ORDER[(index + 1) % len(_SEASON_ORDER)]) - timedelta(days=1)
    return begin, end


def _has_modifier(match: re.Match[str]) -> bool:
    return any(match.group(name) for name in ("end", "start", "mid", "before"))


def _month_date(match: re.Match[str], today: date) -> date:
    month = _month_names()[match.group("month")]
    return _next_occurrence(
        lambda y: _pick(match, date(y, month, 1), _last_day(y, month)), today, match.group("year")
    )


def _season_date(match: re.Match[str], today: date) -> date:
    start = _SEASONS[match.group("season")]
    if _has_modifier(match) and not match.group("start"):
        return _next_occurrence(
            lambda y: _pick(match, *_season_period(y, start)), today, match.group("year")
        )
    return _next_occurrence(lambda y: date(y, *start), today, match.group("year"))


def _relative_month_date(match: re.Match[str], today: date) -> date | None:
    if match.group("bare") and not _has_modifier(match):
        return None  # "month" or "mese" on its own is no date
    index = today.month - 1 + (1 if match.group("next") else 0)
    year, month = today.year + index // 12, index % 12 + 1
    return _pick(match, date(year, month, 1), _last_day(year, month))


# "in 10 weeks", "tra 3 mesi", "20 giorni": the commonest answers, computed directly
# (dateparser would get there too, at a hundred times the cost).
_DURATION_RE: Final = re.compile(
    r"^(?:in|tra|fra)?\s*(?P<count>\d{1,3})\s*"
    r"(?P<unit>days?|giorni|giorno|weeks?|settimane|settimana|months?|mesi|mese)$"
)


def _after_duration(count: int, unit: str, today: date) -> date:
    if unit.startswith(("day", "giorn")):
        return today + timedelta(days=count)
    if unit.startswith(("week", "settiman")):
        return today + timedelta(weeks=count)
    month_index = today.month - 1 + count
    year, month = today.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(today.day, monthrange(year, month)[1]))


def _special_date(text: str, today: date) -> date | None:
    """Month, season and "end of the month/year" phrases, which dateparser does not know.

    A bare month is the end of its next occurrence ("marzo" in November 2026
    is 31 March 2027): the designer has given the whole month, so its last day
    is the latest that still satisfies them. "Christmas"/"Natale" is 25 December. "early"/"inizio" gives the 1st,
    "mid"/"metà" the middle, "before"/"prima di" the day before the month.
    A season means its first day (21 Mar, 21 Jun, 23 Sep, 21 Dec), the next
    one on or after today; "end of"/"fine" a season means its last day.
    """
    if match := _DURATION_RE.match(text):
        return _after_duration(int(match.group("count")), match.group("unit"), today)
    month_re, season_re, relative_month_re, year_re, christmas_re = _date_patterns()
    builders: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], date], date]], ...] = (
        (month_re, _month_date),
        (season_re, _season_date),
    )
    for pattern, build in builders:
        if match := pattern.match(text):
            year = match.group("year")
            if year is not None and not MINYEAR < int(year) < MAXYEAR:
                return None  # "marzo 0000": the period around it is not representable
            return build(match, today)
    if match := relative_month_re.match(text):
        return _relative_month_date(match, today)
    if match := christmas_re.match(text):
        christmas = _next_occurrence(lambda y: date(y, 12, 25), today, None)
        return christmas - timedelta(days=1) if match.group("before") else christmas
    if match := year_re.match(text):
        year = today.year + (1 if match.group("next") else 0)
        return date(year, 1, 1) if match.group("start") else date(year, 12, 31)
    return None


def _fix_typos(text: str) -> str:
    known, targets = _date_vocabulary()

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        if word in known:
            return word
        return _closest(word, targets) or word

    return re.sub(r"[^\W\d_]{4,}", fix, text)


def _normalise_date_text(text: str, lang: str) -> str:
    lowered = text.casefold().translate(_DASHES)
    # Elisions ("l'estate", "dell'anno", "quest'anno") become separate words.
    lowered = re.sub(r"\s*['’`]\s*", " ", lowered)
    lowered = " ".join(lowered.split()).strip(" .,;:!?")
    # "asap" next to a real date ("asap, by 15 March") must not hide the date;
    # parse_deadline notices it on the raw text. It also has to go before
    # text2num, which reads "prima" in "il prima possibile" as "1st" and
    # "primi"/"prima di" likewise, so those phrases are rewritten first.
    lowered = " ".join(_ASAP_RE.sub(" ", lowered).split()).strip(" .,;:!?")
    lowered = re.sub(r"\bprima\s+(?:di|del|della|dell)\b", "before", lowered)
    lowered = re.sub(r"\b(?:ai\s+|i\s+)?primi\s+(?:di|del|dell)\b", "inizio di", lowered)
    lowered = _words_to_digits(lowered, lang)
    # text2num writes Italian ordinals as "1º"; dateparser wants "1 marzo".
    lowered = re.sub(r"(?<=\d)[ºª°]", "", lowered)
    # dateparser knows "tra 3 mesi" but not its synonym "fra 3 mesi".
    lowered = re.sub(r"\bfra\b", "tra", lowered)
    lowered = _fix_typos(lowered)
    previous = None
    while previous != lowered:
        previous = lowered
        lowered = _DATE_PREFIX_RE.sub("", lowered)
        lowered = _DATE_SUFFIX_RE.sub("", lowered)
    return lowered


def _dateparser(text: str, lang: str, today: date) -> date | None:
    try:
        parsed = dateparser.parse(
            text,
            languages=[lang, _other(lang)],
            settings={
                "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "DMY",
                "RELATIVE_BASE": datetime.combine(today, time()),
                "RETURN_AS_TIMEZONE_AWARE": False,
                # The timestamp parser would turn "1700000000" into a date, and
                # "no-spaces-time" reads odd digit strings as far-off years.
                "PARSERS": ["relative-time", "custom-formats", "absolute-time"],
            },
        )
    except Exception:  # third-party parser: any failure on odd input just means "not a date"
        return None
    return parsed.date() if parsed is not None else None


# A numeric day/month/year whose fields are each plausible: "31/02/2027", "31.04.27".
_NUMERIC_DATE_RE: Final = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")


def _impossible_day(text: str) -> bool:
    """Whether ``text`` is a day/month date of a day the month does not have (31 February)."""
    match = _NUMERIC_DATE_RE.match(text)
    if match is None:
        return False
    day, month = int(match.group(1)), int(match.group(2))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    year = match.group(3)
    # Without a year, 29 February exists (in leap years), so only the year decides.
    full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
    last = monthrange(full_year if full_year is not None else 2000, month)[1]
    return day > last


def parse_deadline(
    text: str, lang: str = "en", *, today: date, max_weeks: int = 104
) -> date | ParseError:
    """When the finished pieces are needed.

    Accepts dates ("15/03/2027" day first in both languages, "2027-03-15",
    "15 marzo 2027"), durations ("in 10 weeks", "tra 10 settimane", "fra 3
    mesi", "10 weeks"), months ("March", "fine maggio"), seasons ("next spring",
    "la prossima primavera") and "end of the month/year". See
    :func:`_special_date` for how months and seasons become a day. Dates
    without a year are the next occurrence. Today is allowed; earlier is
    ``in_the_past``, later than ``max_weeks`` weeks is ``too_far``.
    """
    if isinstance(today, datetime):
        today = today.date()  # a datetime would not compare with the dates below
    prepared = _prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    if len(prepared) > _DATE_MAX_CHARS:
        return ParseError("too_long", str(len(prepared)))
    if not _has_alnum(prepared):
        return ParseError("not_a_date")
    code = _lang(lang)
    normalised = _normalise_date_text(prepared, code)
    if _VAGUE_RE.match(normalised):
        return ParseError("too_vague", normalised)
    deadline = _special_date(normalised, today)
    if deadline is None and normalised:
        deadline = _dateparser(normalised, code, today)
    if deadline is None:
        if _ASAP_RE.search(prepared.casefold()):
            return ParseError("asap")
        if _impossible_day(normalised):
            return ParseError("no_such_day", normalised)
        return ParseError("not_a_date")
    if deadline < today:
        return ParseError("in_the_past", deadline.isoformat())
    if deadline > today + timedelta(weeks=max_weeks):
        return ParseError("too_far", deadline.isoformat())
    return deadline


def weeks_until(deadline: date, today: date) -> int:
    """Whole weeks from ``today`` to ``deadline``, rounded down, never negative."""
    if isinstance(deadline, datetime):
        deadline = deadline.date()
    if isinstance(today, datetime):
        today = today.date()
    return max(0, (deadline - today).days // 7)


# --------------------------------------------------------------------------
# Contacts

# Addresses are picked out of a sentence by splitting on what cannot be part
# of one (splitting, not searching, keeps this linear on long input); the real
# validation is email-validator's.
_EMAIL_SPLIT_RE: Final = re.compile(r"[\s,;<>()\[\]\"']+")
_MAX_EMAIL_CHARS: Final = 254  # RFC 5321 path limit
_PHONE_ONLY_RE: Final = re.compile(r"[0-9+()./\s-]+")


def _email_candidates(text: str) -> list[str]:
    return [token for token in _EMAIL_SPLIT_RE.split(text) if "@" in token]


def _validate_email(candidate: str) -> str | None:
    candidate = candidate.removeprefix("mailto:").strip(".,;:!?")
    if not candidate or len(candidate) > _MAX_EMAIL_CHARS:
        return None
    try:
        return validate_email(candidate, check_deliverability=False).normalized
    except (EmailNotValidError, UnicodeError, ValueError):
        return None


def parse_email(text: str) -> str | ParseError:
    """An e-mail address, also inside a sentence ("my email is a@b.it").

    Returns email-validator's normalised form (domain lower-cased, Unicode
    normalised). With several addresses the first valid one is taken.
    """
    prepared = _prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    candidates = _email_candidates(prepared)
    for candidate in candidates:
        email = _validate_email(candidate)
        if email is not None:
            return email
    return ParseError("bad_email", candidates[0] if candidates else "")


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _find_phone(text: str, default_region: str) -> str | None:
    """The first valid phone number in ``text``, as E.164."""
    if _PHONE_ONLY_RE.fullmatch(text):
        # Only phone characters: parse directly, which is more forgiving of
        # formatting than searching inside prose.
        try:
            number = phonenumbers.parse(text, default_region)
        except phonenumbers.NumberParseException:
            return None
        return _e164(number) if phonenumbers.is_valid_number(number) else None
    # With letters around, parse() would read them as keypad letters
    # ("call me" -> digits), so search for real numbers instead.
    matcher = phonenumbers.PhoneNumberMatcher(
        text, default_region, leniency=phonenumbers.Leniency.VALID
    )
    for match in matcher:
        return _e164(match.number)
    return None


def parse_phone(text: str, default_region: str = "IT") -> str | ParseError:
    """A phone number, national ("333 123 4567") or international ("+44 20 …"), as E.164."""
    prepared = _prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    phone = _find_phone(prepared, default_region) if any(ch.isdigit() for ch in prepared) else None
    return phone if phone is not None else ParseError("bad_phone")


def parse_contact(
    text: str, default_region: str = "IT"
) -> tuple[str | None, str | None] | ParseError:
    """An e-mail and/or a phone number in one line; returns ``(email, phone)``.

    At least one must be present. Something that looks like an address or a
    number but is not valid is reported (``bad_email`` / ``bad_phone``) rather
    than dropped, so the user gets to fix it.
    """
    prepared = _prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    email: str | None = None
    candidates = _email_candidates(prepared)
    for candidate in candidates:
        email = _validate_email(candidate)
        if email is not None:
            break
    if candidates and email is None:
        return ParseError("bad_email", candidates[0])
    rest = " ".join(t for t in _EMAIL_SPLIT_RE.split(prepared) if "@" not in t)
    phone = _find_phone(rest, default_region) if any(ch.isdigit() for ch in rest) else None
    if phone is None and sum(ch.isdigit() for ch in rest) >= 6:
        return ParseError("bad_phone")
    if email is None and phone is None:
        return ParseError("bad_contact")
    return email, phone


# --------------------------------------------------------------------------
# Countries

# Names people use that are in neither pycountry nor CLDR.
_COUNTRY_ALIASES: Final = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "gran bretagna": "GB", "inghilterra": "GB",
    "scozia": "GB", "galles": "GB", "usa": "US", "us": "US", "america": "US",
    "united states of america": "US", "stati uniti d america": "US", "holland": "NL",
    "olanda": "NL", "the netherlands": "NL", "turkey": "TR", "czech republic": "CZ",
    "repubblica ceca": "CZ", "ivory coast": "CI", "vatican": "VA", "vaticano": "VA",
    "south korea": "KR", "corea del sud": "KR", "russia": "RU",
}  # fmt: skip
# Two-letter answers that are far likelier to be "no"/"yes" than Norway/Slovenia
# when typed in lower case.
_NOT_COUNTRY_CODES: Final = frozenset({"no", "si"})
_MAX_COUNTRY_NAME_CHARS: Final = 60
# Country names that are also ordinary words ("tell us more"); only accepted as the whole answer.
_NOT_COUNTRY_IN_SENTENCE: Final = frozenset({"us"})
_COUNTRY_FILLER_RE: Final = re.compile(
    r"^(?:i\s*m|i\s+am|we\s*re|we\s+are|based|located|sono|siamo|mi\s+trovo|ci\s+troviamo|in|from|the|da|dal|dalla|dall"
    r"|dagli|il|la|lo|l|gli|le|nel|nella|negli|nei)\s+"
)


def _country_key(text: str) -> str:
    """Fold case, accents and punctuation: "U.S.A." -> "usa", "Côte d’Ivoire" -> "cote d ivoire"."""
    folded = _fold(text).replace(".", "")
    return " ".join(re.sub(r"[^\w\s]|_", " ", folded).split())


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, str], dict[str, str]]:
    """(names -> alpha-2, codes -> alpha-2), from pycountry and Babel's English and Italian names."""
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    valid: set[str] = set()
    for country in pycountry.countries:
        alpha_2 = str(country.alpha_2)
        valid.add(alpha_2)
        codes[alpha_2.casefold()] = alpha_2
        codes[str(country.alpha_3).casefold()] = alpha_2
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if isinstance(value, str):
                names.setdefault(_country_key(value), alpha_2)
    for language in _LANGS:
        for code, name in Locale.parse(language).territories.items():
            if code in valid:
                names.setdefault(_country_key(str(name)), code)
    for alias, code in _COUNTRY_ALIASES.items():
        names.setdefault(_country_key(alias), code)
    return names, codes


def parse_country(text: str, lang: str = "en") -> str | ParseError:
    """A country as ISO 3166-1 alpha-2: "Italy", "Italia", "IT", "ITA", "sono in Italia", "Itlay" -> "IT".

    English and Italian names are both accepted whatever ``lang`` is. Small
    typos are corrected when exactly one country is that close.
    """
    del lang  # both languages' names are always accepted
    prepared = _prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    names, codes = _country_index()
    key = _country_key(prepared)
    previous = None
    while previous != key:
        previous, key = key, _COUNTRY_FILLER_RE.sub("", key)
    if not key:
        return ParseError("bad_country")
    if key in names:
        return names[key]
    if key in codes and (key not in _NOT_COUNTRY_CODES or prepared.strip(" .!").isupper()):
        return codes[key]
    # A country named inside a longer answer ("we are a small atelier in Italy").
    words = key.split()
    phrases = {
        " ".join(words[i : i + n])
        for n in range(1, min(4, len(words)) + 1)
        for i in range(len(words) - n + 1)
    }
    found = {names[phrase] for phrase in phrases - _NOT_COUNTRY_IN_SENTENCE if phrase in names}
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        return ParseError("bad_country", "several")
    # Typo correction only for something name-sized; a long sentence that
    # named no country is not one misspelt country.
    guess = _closest(key, names) if len(key) <= _MAX_COUNTRY_NAME_CHARS else None
    return names[guess] if guess is not None else ParseError("bad_country")


# --------------------------------------------------------------------------
# Free text


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
    kept = _remove_controls(unicodedata.normalize("NFC", text), keep_newlines=True)
    lines = [" ".join(line.split()) for line in kept.split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not cleaned:
        return ParseError("empty")
    if not _has_alnum(cleaned):
        return ParseError("empty", "no_text")
    if len(cleaned) > max_len:
        return ParseError("too_long", str(len(cleaned)))
    return cleaned
