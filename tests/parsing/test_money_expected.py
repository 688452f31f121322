"""One amount in the currency the question asks for, or the reason it was refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsing import MAX_BUDGET, Money, MoneyProblem, ParseError, format_money, parse_money


@pytest.mark.parametrize(
    ("text", "lang", "amount"),
    [
        ("45", "en", "45.00"),
        ("45,50 €", "it", "45.50"),
        ("€45.5", "en", "45.50"),
        ("45 euro", "it", "45.00"),
        ("EUR 45", "en", "45.00"),
        ("eur 45", "en", "45.00"),
        ("45 euro e 50", "it", "45.50"),
        ("quarantacinque euro", "it", "45.00"),
        ("1.200,00 €", "it", "1200.00"),
        ("4.5e1", "en", "45.00"),
    ],
)
def test_amounts_in_euros(text: str, lang: str, amount: str) -> None:
    assert parse_money(text, lang, currency="EUR") == Money(Decimal(amount), "EUR")


@pytest.mark.parametrize(
    ("text", "problem", "detail"),
    [
        ("-5", MoneyProblem.NEGATIVE, ""),
        ("-5 €", MoneyProblem.NEGATIVE, ""),
        ("0", MoneyProblem.ZERO, ""),
        ("0,001 €", MoneyProblem.ZERO, ""),
        ("1e9", MoneyProblem.TOO_LARGE, str(MAX_BUDGET)),
        ("45$", MoneyProblem.OTHER_CURRENCY, "USD"),
        ("£45", MoneyProblem.OTHER_CURRENCY, "GBP"),
        ("45 USD", MoneyProblem.OTHER_CURRENCY, "USD"),
        ("45 € or $50", MoneyProblem.SEVERAL_CURRENCIES, "EUR,USD"),
        ("40-50 €", MoneyProblem.AMBIGUOUS, "range"),
        ("cheap", MoneyProblem.NOT_A_NUMBER, ""),
        ("", MoneyProblem.EMPTY, ""),
    ],
)
def test_refusals_name_their_reason(text: str, problem: MoneyProblem, detail: str) -> None:
    result = parse_money(text, "en", currency="EUR")
    assert isinstance(result, ParseError)
    assert MoneyProblem(result.code) is problem
    assert result.detail == detail


def test_the_expected_currency_decides() -> None:
    assert parse_money("45$", "en", currency="USD") == Money(Decimal("45.00"), "USD")
    assert parse_money("45", "en", currency="GBP") == Money(Decimal("45.00"), "GBP")
    assert parse_money("500 yen", "en", currency="JPY") == Money(Decimal("500"), "JPY")
    with pytest.raises(ValueError):
        parse_money("45", "en", currency="XYZ")


amounts = st.decimals(min_value=Decimal("0.01"), max_value=MAX_BUDGET, places=2, allow_nan=False)


@given(amounts, st.sampled_from(["en", "it"]))
def test_an_amount_written_back_reads_as_itself(amount: Decimal, lang: str) -> None:
    money = Money(amount, "EUR")
    assert parse_money(format_money(money, lang), lang, currency="EUR") == money


@given(
    amounts,
    st.sampled_from(["en", "it"]),
    st.sampled_from(["{}", "{} €", "€{}", "EUR {}", "{} euro"]),
)
def test_every_way_of_writing_euros_gives_the_same_amount(
    amount: Decimal, lang: str, pattern: str
) -> None:
    digits = format(amount, "f")
    if lang == "it":
        digits = digits.replace(".", ",")
    result = parse_money(pattern.format(digits), lang, currency="EUR")
    assert result == Money(amount, "EUR")


@given(st.decimals(min_value=MAX_BUDGET + Decimal("0.01"), max_value=Decimal(10) ** 12, places=2))
def test_over_the_maximum_is_too_large(amount: Decimal) -> None:
    result = parse_money(f"{amount} €", "en", currency="EUR")
    assert isinstance(result, ParseError) and result.code == MoneyProblem.TOO_LARGE


@given(st.integers(min_value=1, max_value=100_000), st.sampled_from(["$", "USD", "£"]))
def test_another_currency_is_never_taken_for_euros(number: int, symbol: str) -> None:
    result = parse_money(f"{number} {symbol}", "en", currency="EUR")
    assert isinstance(result, ParseError) and result.code == MoneyProblem.OTHER_CURRENCY
