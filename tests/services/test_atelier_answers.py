"""Typed registration answers become values, or a problem the bot can explain."""

from __future__ import annotations

import pytest

from bot.ateliers.answers import PARSERS, Problem, parse_free_capacity, parse_moq


def parse(step: str, text: str, lang: str = "en", **draft: object) -> object:
    return PARSERS[step](text, lang, dict(draft))


@pytest.mark.parametrize(
    ("step", "text", "expected"),
    [
        ("place", "Prato, Toscana", {"city": "Prato", "region": "Toscana"}),
        ("place", "Biella", {"city": "Biella", "region": "Piemonte"}),  # its province's region
        ("place", "Carpi (MO), Emilia Romagna", {"city": "Carpi", "region": "Emilia-Romagna"}),
        ("place", "Carpi", {"city": "Carpi", "region": ""}),
        ("country", "Itlay", {"country": "IT"}),
        (
            "specialties",
            "knitwear, knited accesories",
            {"category_ids": ["knitwear", "knitted_accessories"]},
        ),
        ("materials", "wool, cashmere, buttons", {"materials": ["wool", "cashmere", "buttons"]}),
        ("techniques", "none", {"techniques": []}),
        ("moq", "about 30", {"moq": 30, "moq_per": "style"}),
        ("max_batch", "300", {"max_batch": 300}),
        ("lead_time_weeks", "4-6 weeks", {"lead_time_weeks": 6}),
        ("lead_time_weeks", "3 mesi", {"lead_time_weeks": 13}),
        ("lead_time_weeks", "10 giorni", {"lead_time_weeks": 2}),
        ("handwork_share", "ottanta per cento", {"handwork_share": 80}),
        ("certifications", "gots, oeko tex", {"certifications": ["GOTS", "OEKO-TEX"]}),
        ("contact", "mail me at rita@rossi.example", {"contact": "rita@rossi.example"}),
        ("contact", "0574 123456", {"contact": "+390574123456"}),
    ],
)
def test_good_answers(step: str, text: str, expected: dict[str, object]) -> None:
    assert parse(step, text) == expected


@pytest.mark.parametrize(
    ("step", "text", "code"),
    [
        ("name", "x" * 4000, "too_long"),
        ("name", "🧵🧵", "empty"),
        ("moq", "-5", "negative"),
        ("moq", "0", "zero"),
        ("moq", "a lot", "not_a_number"),
        ("moq", "30-50", "one_number"),
        ("handwork_share", "120", "percent_range"),
        ("lead_time_weeks", "3 years", "lead_time_too_long"),
        ("specialties", "things", "specialty_unknown"),
        ("contact", "call me maybe", "bad_contact"),
        ("contact", "rita@", "bad_email"),
        ("materials", "none", "materials_needed"),
    ],
)
def test_bad_answers_say_what_is_wrong(step: str, text: str, code: str) -> None:
    result = parse(step, text)
    assert isinstance(result, Problem) and result.code == code, result


def test_max_cannot_be_below_the_minimum_order() -> None:
    result = parse("max_batch", "20", moq=50)
    assert result == Problem("max_below_moq", {"moq": 50, "max": 20})


def test_free_capacity_may_be_zero_but_not_negative() -> None:
    assert parse_free_capacity("0", "en") == 0
    assert parse_free_capacity("venti", "it") == 20
    negative = parse_free_capacity("-3", "en")
    assert isinstance(negative, Problem) and negative.code == "negative"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("30", "en", {"moq": 30, "moq_per": "style"}),
        ("50 per colour", "en", {"moq": 50, "moq_per": "colour"}),
        ("100 per size", "en", {"moq": 100, "moq_per": "size"}),
        ("100 a taglia", "it", {"moq": 100, "moq_per": "size"}),
        ("40 per colore.", "it", {"moq": 40, "moq_per": "colour"}),
        ("60 per modello", "it", {"moq": 60, "moq_per": "style"}),
    ],
)
def test_a_minimum_and_what_it_counts(text: str, lang: str, expected: dict[str, object]) -> None:
    assert parse_moq(text, lang, {}) == expected


def test_a_minimum_per_something_else_is_asked_again() -> None:
    answer = parse_moq("50 per pair", "en", {})
    assert isinstance(answer, Problem) and answer.code == "moq_unit"
