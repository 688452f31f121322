"""Budgets per piece and how they are shown back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsing import Money, ParseError, format_money, parse_budget


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("45", "en", eur("45.00")),
        ("45", "it", eur("45.00")),
        ("45 €", "it", eur("45")),
        ("€45", "en", eur("45")),
        ("45€", "it", eur("45")),
        ("45,50 €", "it", eur("45.50")),
        ("45,50 €", "en", eur("45.50")),
        ("45.50", "it", eur("45.50")),
        ("EUR 45.50", "en", eur("45.50")),
        ("45 euro", "it", eur("45")),
        ("quarantacinque euro", "it", eur("45")),
        ("quarantacinque euro e cinquanta", "it", eur("45.50")),
        ("forty-five euros", "en", eur("45")),
        ("1.200,00 €", "it", eur("1200")),
        ("1,200.00 €", "en", eur("1200")),
        ("1.200 €", "en", eur("1200")),
        ("1k", "en", eur("1000")),
        ("circa 45 euro a capo", "it", eur("45")),
        ("45 per piece", "en", eur("45")),
        ("$60", "en", Money(Decimal("60.00"), "USD")),
        ("60 USD", "en", Money(Decimal("60"), "USD")),
        ("60 dollari", "it", Money(Decimal("60"), "USD")),
        ("£30", "en", Money(Decimal("30"), "GBP")),
        ("30 GBP", "it", Money(Decimal("30"), "GBP")),
        ("80 CHF", "it", Money(Decimal("80"), "CHF")),
        # a range keeps its top: the budget is a ceiling
        ("40-50 €", "en", eur("50")),
        ("tra 40 e 50 euro", "it", eur("50")),
        # a capitalised word that happens to be a currency code is ignored away from numbers
        ("ALL INCLUSIVE 45 €", "en", eur("45")),
        ("45,555", "it", eur("45555")),
        ("45.5", "en", eur("45.50")),
        ("0.999", "en", eur("1.00")),
    ],
)
def test_parse_budget(text: str, lang: str, expected: Money) -> None:
    assert parse_budget(text, lang) == expected


def test_amount_is_rounded_to_the_currency_minor_unit() -> None:
    assert parse_budget("45.555 EUR") == eur("45555")
    assert parse_budget("45,5 €", "it") == eur("45.50")
    result = parse_budget("4500 JPY")
    assert result == Money(Decimal("4500"), "JPY")
    assert isinstance(result, Money)
    assert result.amount.as_tuple().exponent == 0


def test_default_currency() -> None:
    assert parse_budget("45", default_currency="GBP") == Money(Decimal("45"), "GBP")
    with pytest.raises(ValueError):
        parse_budget("45", default_currency="XXXX")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("-45", "negative"),
        ("€ -45", "negative"),
        ("0", "zero"),
        ("0,001 €", "zero"),
        ("200000", "too_large"),
        ("100.001 €", "too_large"),
        ("45 € or $50", "bad_currency"),
        ("tanti soldi", "not_a_number"),
        ("😀", "not_a_number"),
        ("", "empty"),
        ("45 € per 3 styles", "ambiguous"),
    ],
)
def test_parse_budget_errors(text: str, code: str) -> None:
    result = parse_budget(text, "en")
    assert isinstance(result, ParseError)
    assert result.code == code


@pytest.mark.parametrize(
    ("money", "lang", "text"),
    [
        (eur("45.5"), "en", "€45.50"),
        (eur("45.5"), "it", "45,50\xa0€"),
        (eur("1200"), "en", "€1,200.00"),
        (eur("1200"), "it", "1.200,00\xa0€"),
        (Money(Decimal("60"), "USD"), "en", "US$60.00"),
        (Money(Decimal("30"), "GBP"), "en", "£30.00"),
    ],
)
def test_format_money(money: Money, lang: str, text: str) -> None:
    assert format_money(money, lang) == text


@pytest.mark.parametrize("lang", ["en", "it"])
@pytest.mark.parametrize("amount", ["45.50", "1200.00", "99999.99", "0.01"])
def test_format_money_round_trips(amount: str, lang: str) -> None:
    money = eur(amount)
    assert parse_budget(format_money(money, lang), lang) == money
