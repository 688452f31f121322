"""Quantities, counts and percentages typed in English and Italian."""

from __future__ import annotations

import pytest

from parsing import (
    ParseError,
    Quantity,
    format_quantity,
    parse_count,
    parse_percentage,
    parse_quantity,
)

EXACT = Quantity


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("80", "en", EXACT(80, 80)),
        ("80", "it", EXACT(80, 80)),
        ("50-100", "en", Quantity(50, 100)),
        ("50 – 100", "it", Quantity(50, 100)),
        ("50—100", "en", Quantity(50, 100)),
        ("50 to 100", "en", Quantity(50, 100)),
        ("between 50 and 100", "en", Quantity(50, 100)),
        ("da 50 a 100", "it", Quantity(50, 100)),
        ("dai 50 ai 100 pezzi", "it", Quantity(50, 100)),
        ("tra 50 e 100 pezzi", "it", Quantity(50, 100)),
        ("50 pcs - 100 pcs", "en", Quantity(50, 100)),
        ("about 200", "en", Quantity(200, 200, approximate=True)),
        ("around 200", "en", Quantity(200, 200, approximate=True)),
        ("circa 200", "it", Quantity(200, 200, approximate=True)),
        ("più o meno 200", "it", Quantity(200, 200, approximate=True)),
        ("~200", "en", Quantity(200, 200, approximate=True)),
        ("200+", "en", Quantity(200, 200, approximate=True)),
        ("circa 50-100", "it", Quantity(50, 100, approximate=True)),
        ("cento", "it", EXACT(100, 100)),
        ("duecento", "it", EXACT(200, 200)),
        ("duemila", "it", EXACT(2000, 2000)),
        ("two hundred", "en", EXACT(200, 200)),
        ("one hundred and fifty", "en", EXACT(150, 150)),
        ("fifty to one hundred", "en", Quantity(50, 100)),
        ("da cinquanta a cento", "it", Quantity(50, 100)),
        # the other language's number words are understood too
        ("two hundred", "it", EXACT(200, 200)),
        ("duecento", "en", EXACT(200, 200)),
        ("un centinaio", "it", Quantity(100, 100, approximate=True)),
        ("a dozen", "en", EXACT(12, 12)),
        ("una dozzina", "it", EXACT(12, 12)),
        # thousands separators in both locales, whatever the language
        ("1.000", "en", EXACT(1000, 1000)),
        ("1.000", "it", EXACT(1000, 1000)),
        ("1,000", "en", EXACT(1000, 1000)),
        ("1,000", "it", EXACT(1000, 1000)),
        ("1.000.000", "it", EXACT(1_000_000, 1_000_000)),
        ("1,000,000", "en", EXACT(1_000_000, 1_000_000)),
        ("2k", "en", EXACT(2000, 2000)),
        ("1.5k", "en", EXACT(1500, 1500)),
        ("1,5k", "it", EXACT(1500, 1500)),
        ("2 mila", "it", EXACT(2000, 2000)),
        ("3 thousand", "en", EXACT(3000, 3000)),
        ("80 pezzi", "it", EXACT(80, 80)),
        ("80 pcs", "en", EXACT(80, 80)),
        ("80 pieces per style", "en", EXACT(80, 80)),
        ("tra i 100 e i 200", "it", Quantity(100, 200)),
        ("100/200", "en", Quantity(100, 200)),
        ("100pz", "it", EXACT(100, 100)),
        ("1000+", "en", Quantity(1000, 1000, approximate=True)),
        ("mille", "it", EXACT(1000, 1000)),
        ("a thousand", "en", EXACT(1000, 1000)),
        ("I'd say 80", "en", EXACT(80, 80)),
        ("80 capi per modello", "it", EXACT(80, 80)),
        ("  80\n", "en", EXACT(80, 80)),
        ("８０", "en", EXACT(80, 80)),  # full-width digits
        # reversed ranges are put in order rather than rejected
        ("100-50", "en", Quantity(50, 100)),
        ("100 a 50", "it", Quantity(50, 100)),
        ("100-100", "en", EXACT(100, 100)),
    ],
)
def test_parse_quantity(text: str, lang: str, expected: Quantity) -> None:
    assert parse_quantity(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "lang", "code"),
    [
        ("-5", "en", "negative"),
        ("- 5", "it", "negative"),
        ("0", "en", "zero"),
        ("zero", "en", "zero"),
        ("0-100", "en", "zero"),
        ("a lot", "en", "not_a_number"),
        ("tanti", "it", "not_a_number"),
        ("non so", "it", "not_a_number"),
        ("😀", "en", "not_a_number"),
        ("...", "it", "not_a_number"),
        ("2,5", "it", "not_a_number"),
        ("2.5", "en", "not_a_number"),
        ("", "en", "empty"),
        ("   ", "it", "empty"),
        ("1000001", "en", "too_large"),
        ("2 million", "en", "too_large"),
        ("5 styles of 80", "en", "ambiguous"),
        ("80, 90, 100", "en", "ambiguous"),
        ("80 " + "x" * 4094, "en", "too_long"),
    ],
)
def test_parse_quantity_errors(text: str, lang: str, code: str) -> None:
    result = parse_quantity(text, lang)
    assert isinstance(result, ParseError)
    assert result.code == code


def test_long_text_without_numbers_is_not_a_number() -> None:
    assert parse_quantity("x" * 4000) == ParseError("not_a_number")


def test_quantity_maximum_is_configurable() -> None:
    assert parse_quantity("500", maximum=100) == ParseError("too_large", "100")
    assert parse_quantity("100", maximum=100) == Quantity(100, 100)


@pytest.mark.parametrize(
    ("quantity", "value"),
    [(Quantity(80, 80), 80), (Quantity(50, 100), 75), (Quantity(50, 101), 76), (Quantity(1, 2), 2)],
)
def test_quantity_value_is_midpoint_rounded_half_up(quantity: Quantity, value: int) -> None:
    assert quantity.value == value


def test_quantity_rejects_inverted_bounds() -> None:
    with pytest.raises(ValueError):
        Quantity(100, 50)


@pytest.mark.parametrize(
    ("quantity", "lang", "text"),
    [
        (1000, "en", "1,000"),
        (1000, "it", "1.000"),
        (80, "it", "80"),
        (Quantity(50, 100), "en", "50–100"),
        (Quantity(1000, 2000), "it", "1.000–2.000"),
        (Quantity(200, 200, approximate=True), "en", "about 200"),
        (Quantity(200, 200, approximate=True), "it", "circa 200"),
        (Quantity(200, 200), "en", "200"),
    ],
)
def test_format_quantity(quantity: Quantity | int, lang: str, text: str) -> None:
    assert format_quantity(quantity, lang) == text


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("3", "en", 3),
        ("tre", "it", 3),
        ("three", "en", 3),
        ("one", "en", 1),
        ("uno", "it", 1),
        ("un solo modello", "it", 1),
        ("about 5", "en", 5),
        ("5 styles", "en", 5),
        ("4 colori", "it", 4),
        ("dodici", "it", 12),
        ("un paio", "it", 2),
    ],
)
def test_parse_count(text: str, lang: str, expected: int) -> None:
    assert parse_count(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("0", "zero"),
        ("-2", "negative"),
        ("3-4", "ambiguous"),
        ("1001", "too_large"),
        ("tanti", "not_a_number"),
    ],
)
def test_parse_count_errors(text: str, code: str) -> None:
    result = parse_count(text, "it")
    assert isinstance(result, ParseError)
    assert result.code == code


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("80", "en", 80),
        ("80%", "en", 80),
        ("80 %", "it", 80),
        ("ottanta per cento", "it", 80),
        ("ottanta percento", "it", 80),
        ("eighty percent", "en", 80),
        ("100%", "en", 100),
        ("cento per cento", "it", 100),
        ("0", "en", 0),
        ("0%", "it", 0),
        ("half", "en", 50),
        ("la metà", "it", 50),
        ("about 70%", "en", 70),
        ("70-80%", "en", 75),
        ("12,5%", "it", 13),
    ],
)
def test_parse_percentage(text: str, lang: str, expected: int) -> None:
    assert parse_percentage(text, lang) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("150", "out_of_range"),
        ("-5", "out_of_range"),
        ("101%", "out_of_range"),
        ("tanto", "not_a_number"),
        ("%", "not_a_number"),
    ],
)
def test_parse_percentage_errors(text: str, code: str) -> None:
    result = parse_percentage(text, "it")
    assert isinstance(result, ParseError)
    assert result.code == code


def test_unknown_language_falls_back_to_english() -> None:
    assert parse_quantity("two hundred", "fr") == Quantity(200, 200)
    assert parse_quantity("duecento", "it-IT") == Quantity(200, 200)
    assert format_quantity(1000, "it_IT") == "1.000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5e1", Quantity(50, 50)),
        ("2e3 pieces", Quantity(2000, 2000)),
        ("1.5e2", Quantity(150, 150)),
    ],
)
def test_scientific_notation_is_one_number_not_a_range(text: str, expected: Quantity) -> None:
    assert parse_quantity(text, "en") == expected


def test_an_absurd_scientific_quantity_is_too_large_not_a_small_range() -> None:
    result = parse_quantity("1e9", "en")
    assert isinstance(result, ParseError) and result.code == "too_large"
    assert parse_count("1e1", "en") == 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e999", ParseError("too_large", "1000000")),  # once read as the range 1-999
        ("2,5e3", Quantity(2500, 2500)),
        ("5E+1 pezzi", Quantity(50, 50)),
        ("5e1-1e2", Quantity(50, 100)),
        ("2.55e1", ParseError("not_a_number", "fraction")),
    ],
)
def test_scientific_notation_has_one_reading_and_one_limit(
    text: str, expected: Quantity | ParseError
) -> None:
    assert parse_quantity(text, "it") == expected


def test_an_italian_range_with_e_is_not_scientific_notation() -> None:
    assert parse_quantity("tra 50 e 100", "it") == Quantity(50, 100)
    assert parse_quantity("50 e 100", "it") == Quantity(50, 100)


def test_scientific_percentages_are_read_as_numbers() -> None:
    assert parse_percentage("5e1", "en") == 50
    assert parse_percentage("1e9", "en") == ParseError("out_of_range")
