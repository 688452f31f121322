"""Deadlines: absolute dates, durations, months and seasons, with a fixed today."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from parsing import ParseError, parse_deadline, weeks_until

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # day first in both languages
        ("15/03/2027", "en", date(2027, 3, 15)),
        ("15/03/2027", "it", date(2027, 3, 15)),
        ("1/2/2027", "en", date(2027, 2, 1)),
        ("15.03.2027", "it", date(2027, 3, 15)),
        ("15/03/27", "it", date(2027, 3, 15)),
        ("2027-03-15", "en", date(2027, 3, 15)),
        ("15 March 2027", "en", date(2027, 3, 15)),
        ("March 15th", "en", date(2027, 3, 15)),
        ("the first of March", "en", date(2027, 3, 1)),
        ("15 marzo 2027", "it", date(2027, 3, 15)),
        ("15 marzo", "it", date(2027, 3, 15)),
        ("primo marzo", "it", date(2027, 3, 1)),
        ("entro il 15 marzo", "it", date(2027, 3, 15)),
        ("prima del 15 marzo", "it", date(2027, 3, 15)),
        ("by 15 March", "en", date(2027, 3, 15)),
        # durations
        ("in 10 weeks", "en", TODAY + timedelta(days=70)),
        ("10 weeks", "en", TODAY + timedelta(days=70)),
        ("in ten weeks", "en", TODAY + timedelta(days=70)),
        ("10 weeks from now", "en", TODAY + timedelta(days=70)),
        ("tra 10 settimane", "it", TODAY + timedelta(days=70)),
        ("tra dieci settimane", "it", TODAY + timedelta(days=70)),
        ("10 settimane", "it", TODAY + timedelta(days=70)),
        ("entro 10 settimane", "it", TODAY + timedelta(days=70)),
        ("tra 10 setimane", "it", TODAY + timedelta(days=70)),  # typo
        ("fra 3 mesi", "it", date(2027, 2, 23)),
        ("tra un mese", "it", date(2026, 12, 23)),
        ("in a week", "en", date(2026, 11, 30)),
        ("next week", "en", date(2026, 11, 30)),
        ("la settimana prossima", "it", date(2026, 11, 30)),
        # a bare month is the end of its next occurrence
        ("marzo", "it", date(2027, 3, 31)),
        ("March", "en", date(2027, 3, 31)),
        ("a marzo", "it", date(2027, 3, 31)),
        ("Mrach", "en", date(2027, 3, 31)),  # typo
        ("ferbuary", "en", date(2027, 2, 28)),  # typo
        ("marzo 2027", "it", date(2027, 3, 31)),
        ("novembre", "it", date(2026, 11, 30)),
        ("end of May", "en", date(2027, 5, 31)),
        ("by the end of May", "en", date(2027, 5, 31)),
        ("fine maggio", "it", date(2027, 5, 31)),
        ("entro fine maggio", "it", date(2027, 5, 31)),
        ("alla fine di maggio", "it", date(2027, 5, 31)),
        ("early March", "en", date(2027, 3, 1)),
        ("inizio marzo", "it", date(2027, 3, 1)),
        ("i primi di marzo", "it", date(2027, 3, 1)),
        ("mid-March", "en", date(2027, 3, 15)),
        ("metà marzo", "it", date(2027, 3, 15)),
        ("before March", "en", date(2027, 2, 28)),
        ("prima di marzo", "it", date(2027, 2, 28)),
        ("next month", "en", date(2026, 12, 31)),
        ("il mese prossimo", "it", date(2026, 12, 31)),
        ("end of the month", "en", date(2026, 11, 30)),
        ("fine mese", "it", date(2026, 11, 30)),
        ("end of the year", "en", date(2026, 12, 31)),
        ("entro fine anno", "it", date(2026, 12, 31)),
        # a season is its first day
        ("next spring", "en", date(2027, 3, 21)),
        ("spring", "en", date(2027, 3, 21)),
        ("la prossima primavera", "it", date(2027, 3, 21)),
        ("primavera", "it", date(2027, 3, 21)),
        ("in primavera", "it", date(2027, 3, 21)),
        ("l'estate", "it", date(2027, 6, 21)),
        ("winter", "en", date(2026, 12, 21)),
        ("autunno 2027", "it", date(2027, 9, 23)),
        ("end of spring", "en", date(2027, 6, 20)),
        ("fine dell'estate", "it", date(2027, 9, 22)),
        ("Natale", "it", date(2026, 12, 25)),
        ("before Christmas", "en", date(2026, 12, 24)),
        ("prima di Natale", "it", date(2026, 12, 24)),
        ("entro metà gennaio", "it", date(2027, 1, 15)),
        ("end of jan", "en", date(2027, 1, 31)),
        ("within two months", "en", date(2027, 1, 23)),
        ("entro due mesi", "it", date(2027, 1, 23)),
        # today is still acceptable
        ("oggi", "it", TODAY),
        ("today", "en", TODAY),
        # an urgent word next to a real date keeps the date
        ("asap, by 15 March", "en", date(2027, 3, 15)),
    ],
)
def test_parse_deadline(text: str, lang: str, expected: date) -> None:
    assert parse_deadline(text, lang, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "lang", "code"),
    [
        ("15 March 2020", "en", "in_the_past"),
        ("15/03/2026", "it", "in_the_past"),
        ("yesterday", "en", "in_the_past"),
        ("ieri", "it", "in_the_past"),
        ("in 3 years", "en", "too_far"),
        ("tra 3 anni", "it", "too_far"),
        ("15/03/2030", "it", "too_far"),
        ("asap", "en", "asap"),
        ("ASAP!!", "en", "asap"),
        ("as soon as possible", "en", "asap"),
        ("il prima possibile", "it", "asap"),
        ("subito", "it", "asap"),
        ("12", "en", "too_vague"),
        ("2027", "en", "too_vague"),
        ("next year", "en", "too_vague"),
        ("l'anno prossimo", "it", "too_vague"),
        ("presto", "it", "too_vague"),
        ("boh", "it", "not_a_date"),
        ("a lot", "en", "not_a_date"),
        ("30 febbraio", "it", "not_a_date"),
        ("😀", "en", "not_a_date"),
        ("?!", "it", "not_a_date"),
        ("", "en", "empty"),
        ("next " * 60, "en", "too_long"),
        ("x" * 5000, "en", "too_long"),
    ],
)
def test_parse_deadline_errors(text: str, lang: str, code: str) -> None:
    result = parse_deadline(text, lang, today=TODAY)
    assert isinstance(result, ParseError)
    assert result.code == code


def test_max_weeks_is_configurable() -> None:
    assert parse_deadline("in 10 weeks", "en", today=TODAY, max_weeks=8) == ParseError(
        "too_far", "2027-02-01"
    )
    assert parse_deadline("in 8 weeks", "en", today=TODAY, max_weeks=8) == TODAY + timedelta(
        weeks=8
    )


def test_bare_month_in_the_current_month_is_its_end() -> None:
    assert parse_deadline("March", "en", today=date(2027, 3, 10)) == date(2027, 3, 31)
    assert parse_deadline("March", "en", today=date(2027, 4, 1)) == date(2028, 3, 31)


def test_season_already_started_means_the_next_one() -> None:
    assert parse_deadline("spring", "en", today=date(2027, 4, 1)) == date(2028, 3, 21)
    assert parse_deadline("end of winter", "en", today=date(2027, 1, 10)) == date(2027, 3, 20)


@pytest.mark.parametrize(
    ("deadline", "weeks"),
    [
        (TODAY, 0),
        (TODAY + timedelta(days=6), 0),
        (TODAY + timedelta(days=7), 1),
        (TODAY + timedelta(days=70), 10),
        (TODAY + timedelta(days=76), 10),
        (TODAY - timedelta(days=30), 0),
    ],
)
def test_weeks_until(deadline: date, weeks: int) -> None:
    assert weeks_until(deadline, TODAY) == weeks


@pytest.mark.parametrize(
    "text", ["march 0000", "spring 0000", "end of winter 9999", "dicembre 9999", "31/12/9999"]
)
def test_years_at_the_edge_of_the_calendar(text: str) -> None:
    result = parse_deadline(text, "en", today=TODAY)
    assert isinstance(result, ParseError)
    assert result.code in {"not_a_date", "too_far"}


def test_today_may_be_a_datetime() -> None:
    now = datetime(2026, 11, 23, 18, 30)
    assert parse_deadline("in 10 weeks", "en", today=now) == TODAY + timedelta(days=70)
    assert parse_deadline("oggi", "it", today=now) == TODAY
    assert weeks_until(TODAY + timedelta(days=14), now) == 2
