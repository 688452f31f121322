"""Durations are counted from today, months clamped to the month's last day."""

from __future__ import annotations

from datetime import date

import pytest

from parsing import parse_deadline


@pytest.mark.parametrize(
    ("text", "lang", "today", "expected"),
    [
        ("in 3 months", "en", date(2026, 11, 30), date(2027, 2, 28)),
        ("tra 1 mese", "it", date(2027, 1, 31), date(2027, 2, 28)),
        ("fra 13 mesi", "it", date(2026, 11, 23), date(2027, 12, 23)),
        ("in 20 days", "en", date(2026, 12, 20), date(2027, 1, 9)),
        ("8 settimane", "it", date(2026, 11, 23), date(2027, 1, 18)),
    ],
)
def test_durations_count_from_today(text: str, lang: str, today: date, expected: date) -> None:
    assert parse_deadline(text, lang, today=today) == expected
