"""Properties over arbitrary text: parsers never raise and stay within their ranges."""

from __future__ import annotations

import string
import unicodedata
from datetime import date, timedelta
from decimal import Decimal

import pycountry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsing import (
    MAX_BUDGET,
    Money,
    ParseError,
    Quantity,
    clean_text,
    format_money,
    format_quantity,
    parse_budget,
    parse_contact,
    parse_count,
    parse_country,
    parse_deadline,
    parse_email,
    parse_percentage,
    parse_phone,
    parse_quantity,
)

TODAY = date(2026, 11, 23)
COUNTRY_CODES = {c.alpha_2 for c in pycountry.countries}

# Arbitrary Unicode, plus text built from the pieces the parsers look for, so
# that the interesting branches are reached and not only "not a number".
VOCABULARY = [
    "50", "-", "–", "100", "1.000", "1,5", "k", "mila", "circa", "about", "~", "+", "%", "€", "$",
    "EUR", "USD", "cento", "due", "two", "hundred", "per", "a", "to", "e", "marzo", "March",
    "fine", "end of", "tra", "fra", "in", "weeks", "settimane", "mesi", "primavera", "next",
    "prima", "asap", "2027", "15/03", "@", "x.it", "+39", "333", "1234567", "Italia", "uk",
    "0", "😀", " ", "\n", "\x00", "\u202e",
]  # fmt: skip
texts = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(VOCABULARY), max_size=8).map(" ".join),
    st.lists(st.sampled_from(VOCABULARY), max_size=8).map("".join),
)
langs = st.sampled_from(["en", "it"])
quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(texts, langs)
def test_quantity(text: str, lang: str) -> None:
    result = parse_quantity(text, lang, maximum=5000)
    assert isinstance(result, (Quantity, ParseError))
    if isinstance(result, Quantity):
        assert 1 <= result.low <= result.high <= 5000
        assert result.low <= result.value <= result.high


@quick
@given(texts, langs)
def test_count(text: str, lang: str) -> None:
    result = parse_count(text, lang)
    assert isinstance(result, ParseError) or 1 <= result <= 1000


@quick
@given(texts, langs)
def test_percentage(text: str, lang: str) -> None:
    result = parse_percentage(text, lang)
    assert isinstance(result, ParseError) or 0 <= result <= 100


@quick
@given(texts, langs)
def test_budget(text: str, lang: str) -> None:
    result = parse_budget(text, lang)
    assert isinstance(result, (Money, ParseError))
    if isinstance(result, Money):
        assert Decimal(0) < result.amount <= MAX_BUDGET
        assert len(result.currency) == 3 and result.currency.isupper()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, langs, st.integers(min_value=1, max_value=104))
def test_deadline(text: str, lang: str, max_weeks: int) -> None:
    result = parse_deadline(text, lang, today=TODAY, max_weeks=max_weeks)
    assert isinstance(result, (date, ParseError))
    if isinstance(result, date):
        assert TODAY <= result <= TODAY + timedelta(weeks=max_weeks)


@quick
@given(texts)
def test_email(text: str) -> None:
    result = parse_email(text)
    assert isinstance(result, ParseError) or (
        "@" in result and not any(ch.isspace() for ch in result)
    )


@quick
@given(texts)
def test_phone(text: str) -> None:
    result = parse_phone(text)
    assert isinstance(result, ParseError) or (result[0] == "+" and result[1:].isdigit())


@quick
@given(texts)
def test_contact(text: str) -> None:
    result = parse_contact(text)
    if not isinstance(result, ParseError):
        email, phone = result
        assert email is not None or phone is not None


@quick
@given(texts, langs)
def test_country(text: str, lang: str) -> None:
    result = parse_country(text, lang)
    assert isinstance(result, ParseError) or result in COUNTRY_CODES


@quick
@given(st.one_of(st.none(), texts), st.integers(min_value=1, max_value=100))
def test_clean_text(text: str | None, max_len: int) -> None:
    result = clean_text(text, max_len=max_len)
    if isinstance(result, str):
        assert 0 < len(result) <= max_len
        assert result == result.strip()
        assert any(ch.isalnum() for ch in result)
        assert not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in result)
        assert "\n\n\n" not in result and "  " not in result


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=1_000_000), langs)
def test_format_quantity_round_trips_ints(n: int, lang: str) -> None:
    assert parse_quantity(format_quantity(n, lang), lang) == Quantity(n, n)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=1_000_000),
    st.integers(min_value=0, max_value=1_000_000),
    st.booleans(),
    langs,
)
def test_format_quantity_round_trips_ranges(
    low: int, extra: int, approximate: bool, lang: str
) -> None:
    quantity = Quantity(low, min(low + extra, 1_000_000), approximate)
    assert parse_quantity(format_quantity(quantity, lang), lang) == quantity


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=MAX_BUDGET, places=2),
    st.sampled_from(["EUR", "USD", "GBP"]),
    langs,
)
def test_format_money_round_trips(amount: Decimal, currency: str, lang: str) -> None:
    money = Money(amount, currency)
    assert parse_budget(format_money(money, lang), lang) == money


@quick
@given(st.text(alphabet=string.digits + ".,-", min_size=1, max_size=60), langs)
def test_digit_strings_never_raise(text: str, lang: str) -> None:
    for parse in (parse_quantity, parse_count, parse_percentage, parse_budget):
        parse(text, lang)
