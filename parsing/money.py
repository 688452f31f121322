"""Money people type ("45", "45,50 €", "€45.5", "EUR 45", "quarantacinque euro"), and money
written back in the user's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Final

from babel.numbers import format_currency, get_currency_precision, list_currencies

from parsing.core import LOCALES, ParseError, lang_code
from parsing.numbers import scan_numbers, words_to_digits
from parsing.text import prepare

#: Budgets above this (in any currency) are taken to be typos or jokes.
MAX_BUDGET: Final = Decimal(100_000)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in an ISO 4217 currency, rounded to that currency's minor unit."""

    amount: Decimal
    currency: str = "EUR"


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


class MoneyProblem(StrEnum):
    """Why an amount was refused. Each value is the :class:`ParseError` code, so the bot words
    it politely from its catalogs: ``MoneyProblem(error.code)`` names it in code."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    #: Several numbers, or a range where one amount is asked for.
    AMBIGUOUS = "ambiguous"
    NEGATIVE = "negative"
    ZERO = "zero"
    #: Over the maximum, which is the detail.
    TOO_LARGE = "too_large"
    #: In a currency other than the one asked for, whose code is the detail ("USD").
    OTHER_CURRENCY = "other_currency"
    #: Two currencies in one answer ("45 € or $50"), their codes the detail.
    SEVERAL_CURRENCIES = "bad_currency"


def _amount(
    text: str, lang: str, *, currency: str, maximum: Decimal, ceiling: bool
) -> Money | ParseError:
    if currency not in _iso_currencies():
        raise ValueError(f"unknown currency {currency!r}")
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    currencies = _find_currencies(prepared)
    if len(currencies) > 1:
        return ParseError(MoneyProblem.SEVERAL_CURRENCIES, ",".join(sorted(currencies)))
    named = currencies.pop() if currencies else currency
    lowered = _CENTS_RE.sub(r"\1.\3 \2", words_to_digits(prepared.casefold(), lang_code(lang)))
    found = scan_numbers(lowered, lang_code(lang))
    if isinstance(found, ParseError):
        return found
    if found.negative:
        return ParseError(MoneyProblem.NEGATIVE)
    if len(found.values) > 1 and not ceiling:
        return ParseError(MoneyProblem.AMBIGUOUS, "range")
    if max(found.values) > maximum:
        # Checked before rounding: quantize() fails on very long numbers.
        return ParseError(MoneyProblem.TOO_LARGE, str(maximum))
    exponent = Decimal(1).scaleb(-get_currency_precision(named))
    amount = max(found.values).quantize(exponent, rounding=ROUND_HALF_UP)
    if amount <= 0:
        return ParseError(MoneyProblem.ZERO)
    if amount > maximum:
        return ParseError(MoneyProblem.TOO_LARGE, str(maximum))
    return Money(amount, named)


def parse_budget(
    text: str,
    lang: str = "en",
    *,
    default_currency: str = "EUR",
    maximum: Decimal = MAX_BUDGET,
) -> Money | ParseError:
    """Budget per piece: "45", "45 €", "€45", "45,50 €", "EUR 45.50", "$60", "1.200,00 €".

    With no currency mentioned, ``default_currency`` is assumed; another currency named is
    kept. A range ("40-50 €") keeps its upper end, since a budget is used as a ceiling.
    Codes are :class:`MoneyProblem`'s.
    """
    return _amount(text, lang, currency=default_currency, maximum=maximum, ceiling=True)


def parse_money(
    text: str, lang: str = "en", *, currency: str = "EUR", maximum: Decimal = MAX_BUDGET
) -> Money | ParseError:
    """One amount in ``currency``: "45", "45,50 €", "€45.5", "45 euro", "EUR 45",
    "quarantacinque euro", "45 euro e 50" — a :class:`Money` rounded to the currency's
    minor unit (Babel's CLDR data, both decimal styles whatever the language).

    Refused, with the :class:`MoneyProblem` as code: "-5" (negative), "0" (zero), "1e9"
    (too large: over ``maximum``), "45$" when euros are asked for (other currency, detail
    "USD"), "40-50 €" (ambiguous: one amount is asked for), and no number at all.
    """
    money = _amount(text, lang, currency=currency, maximum=maximum, ceiling=False)
    if isinstance(money, Money) and money.currency != currency:
        return ParseError(MoneyProblem.OTHER_CURRENCY, money.currency)
    return money


def format_money(money: Money, lang: str) -> str:
    """ "€45.50" in English, "45,50 €" in Italian (Babel, en_GB / it_IT)."""
    return str(format_currency(money.amount, money.currency, locale=LOCALES[lang_code(lang)]))
