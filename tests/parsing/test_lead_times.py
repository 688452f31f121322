"""An atelier's lead time in whole weeks, with the one limit the import shares."""

from __future__ import annotations

import pytest

from parsing import DEADLINE_HORIZON_WEEKS, MAX_LEAD_TIME_WEEKS, ParseError, parse_lead_time


@pytest.mark.parametrize(
    ("text", "lang", "weeks"),
    [
        ("6", "en", 6),
        ("6 weeks", "en", 6),
        ("4-6 settimane", "it", 6),
        ("tra 4 e 6 settimane", "it", 6),  # "4 e 6" once read as 4 × 10⁶
        ("2 mesi", "it", 9),
        ("a month", "en", 5),
        ("un mese", "it", 5),
        ("10 days", "en", 2),
        ("1 year", "en", 52),
        ("5e1", "en", 50),
        (f"{MAX_LEAD_TIME_WEEKS} weeks", "en", MAX_LEAD_TIME_WEEKS),
    ],
)
def test_lead_times(text: str, lang: str, weeks: int) -> None:
    assert parse_lead_time(text, lang) == weeks


@pytest.mark.parametrize(
    "text", [f"{MAX_LEAD_TIME_WEEKS + 1} weeks", "3 years", "1e9", "300 settimane", "1e999"]
)
def test_longer_than_the_limit_says_the_limit(text: str) -> None:
    assert parse_lead_time(text, "en") == ParseError("too_large", str(MAX_LEAD_TIME_WEEKS))


@pytest.mark.parametrize(("text", "code"), [("", "empty"), ("soon", "not_a_number"), ("0", "zero")])
def test_unreadable_lead_times(text: str, code: str) -> None:
    result = parse_lead_time(text, "en")
    assert isinstance(result, ParseError) and result.code == code


def test_no_lead_time_is_beyond_the_furthest_deadline() -> None:
    assert MAX_LEAD_TIME_WEEKS <= DEADLINE_HORIZON_WEEKS
