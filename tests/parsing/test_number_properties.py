"""Properties of reading numbers: every way of writing one number gives that number."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from parsing import ParseError, Quantity, parse_count, parse_percentage, parse_quantity
from parsing.numbers import MAX_EXPONENT, expand_exponents

MAXIMUM = 1_000_000
pieces = st.integers(min_value=1, max_value=MAXIMUM)
langs = st.sampled_from(["en", "it"])


def _grouped(n: int, lang: str) -> str:
    return f"{n:,}".replace(",", "." if lang == "it" else ",")


@given(pieces, langs, st.sampled_from(["{}", "{} pcs", "{} pezzi", "{} pieces", "  {}  "]))
def test_a_number_of_pieces_reads_as_itself(n: int, lang: str, pattern: str) -> None:
    assert parse_quantity(pattern.format(n), lang) == Quantity(n, n)
    assert parse_quantity(_grouped(n, lang), lang) == Quantity(n, n)


@given(pieces, langs, st.sampled_from(["about {}", "circa {}", "~{}", "{}+"]))
def test_a_hedged_number_is_approximate(n: int, lang: str, pattern: str) -> None:
    assert parse_quantity(pattern.format(n), lang) == Quantity(n, n, approximate=True)


@given(pieces, pieces, langs, st.sampled_from(["{}-{}", "{} - {}", "{} to {}", "da {} a {}"]))
def test_a_range_in_either_order_is_the_same_range(a: int, b: int, lang: str, sep: str) -> None:
    if a == b:
        return
    assert parse_quantity(sep.format(a, b), lang) == Quantity(min(a, b), max(a, b))


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=0, max_value=4), langs)
def test_scientific_notation_is_the_number_it_stands_for(
    mantissa: int, power: int, lang: str
) -> None:
    value = mantissa * 10**power
    result = parse_quantity(f"{mantissa}e{power}", lang)
    assert result == (
        Quantity(value, value) if value <= MAXIMUM else ParseError("too_large", str(MAXIMUM))
    )


@given(st.integers(min_value=MAX_EXPONENT + 1, max_value=9999))
def test_a_huge_exponent_is_too_large_everywhere(power: int) -> None:
    text = f"1e{power}"
    assert len(expand_exponents(text)) <= MAX_EXPONENT + 1
    for result in (parse_quantity(text), parse_count(text)):
        assert isinstance(result, ParseError) and result.code == "too_large"
    assert parse_percentage(text) == ParseError("out_of_range")


@given(st.decimals(min_value=Decimal(-(10**6)), max_value=Decimal(0), places=0), langs)
def test_no_quantity_is_zero_or_negative(value: Decimal, lang: str) -> None:
    result = parse_quantity(str(value), lang)
    assert isinstance(result, ParseError) and result.code in {"zero", "negative"}
