"""Free-text answers and the input limits every parser shares."""

from __future__ import annotations

import time
from datetime import date

import pytest

import parsing
from parsing import MAX_INPUT_CHARS, ParseError, clean_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  hello   world  ", "hello world"),
        ("ciao 😀", "ciao 😀"),
        ("a\x00b\x07c", "abc"),
        ("admin\u202egnp.exe", "admingnp.exe"),  # bidi override removed
        ("zero\u200bwidth", "zerowidth"),
        ("line one\r\nline two", "line one\nline two"),
        ("para one\n\n\n\n\npara two", "para one\n\npara two"),
        ("tab\there", "tab here"),
        ("👩\u200d👩\u200d👧 family", "👩\u200d👩\u200d👧 family"),  # ZWJ kept inside emoji
        ("Cafe\u0301", "Café"),  # NFC
    ],
)
def test_clean_text(text: str, expected: str) -> None:
    assert clean_text(text) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (None, ParseError("empty")),
        ("", ParseError("empty")),
        (" \n\t ", ParseError("empty")),
        ("\x00\x01", ParseError("empty")),
        ("😀😀😀", ParseError("empty", "no_text")),
        ("?!...", ParseError("empty", "no_text")),
        ("x" * 501, ParseError("too_long", "501")),
        ("x" * 5000, ParseError("too_long", "5000")),
    ],
)
def test_clean_text_errors(text: str | None, error: ParseError) -> None:
    assert clean_text(text) == error


def test_clean_text_max_len() -> None:
    assert clean_text("abcdef", max_len=5) == ParseError("too_long", "6")
    assert clean_text("  abcde  ", max_len=5) == "abcde"


HUGE = "1 " * 3000  # 6000 characters


@pytest.mark.parametrize(
    "call",
    [
        lambda: parsing.parse_quantity(HUGE),
        lambda: parsing.parse_count(HUGE),
        lambda: parsing.parse_percentage(HUGE),
        lambda: parsing.parse_budget(HUGE),
        lambda: parsing.parse_deadline(HUGE, today=date(2026, 11, 23)),
        lambda: parsing.parse_email(HUGE),
        lambda: parsing.parse_phone(HUGE),
        lambda: parsing.parse_contact(HUGE),
        lambda: parsing.parse_country(HUGE),
        lambda: parsing.clean_text(HUGE),
    ],
)
def test_over_long_input_is_rejected_quickly(call: object) -> None:
    assert callable(call)
    started = time.perf_counter()
    result = call()
    assert result == ParseError("too_long", str(len(HUGE)))
    assert time.perf_counter() - started < 0.05


def test_limit_is_telegram_message_size() -> None:
    assert MAX_INPUT_CHARS == 4096
    assert parsing.parse_quantity("80" + " " * (MAX_INPUT_CHARS - 2)) == parsing.Quantity(80, 80)
