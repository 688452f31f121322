"""Details stated inside a sentence: only what the sentence certainly says."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsing import Details, Quantity, find_details

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "60 hand-finished silk blouses, delivery in 10 weeks, made in Tuscany",
            "en",
            {"quantity": Quantity(60, 60), "deadline": date(2027, 2, 11), "region": "Toscana"},
        ),
        (
            "tra 150 e 250 camicie, 3 modelli, entro marzo",
            "it",
            {"quantity": Quantity(150, 250), "styles": 3, "deadline": date(2027, 3, 31)},
        ),
        ("40 bags in 2 colourways", "en", {"quantity": Quantity(40, 40), "colourways": 2}),
        ("giacche fatte a mano, circa 100 pezzi", "it", {"handwork": 80}),
        ("shirts, 70% handwork", "en", {"handwork": 70}),
        ("cardigan, taglie 38-46, 3 colori", "it", {"colourways": 3, "sizes": 5}),
        ("abiti, taglia unica", "it", {"sizes": 1}),
        ("dresses size 42, 30 pieces", "en", {"quantity": Quantity(30, 30)}),
    ],
)
def test_details_in_a_sentence(text: str, lang: str, expected: dict[str, object]) -> None:
    found = find_details(text, lang, today=TODAY)
    got = {
        "quantity": found.quantity,
        "styles": found.styles,
        "colourways": found.colourways,
        "deadline": found.deadline,
        "region": found.place.region if found.place else None,
        "handwork": found.handwork,
        "sizes": found.sizes.count if found.sizes else None,
    }
    assert {k: got[k] for k in expected} == expected


@pytest.mark.parametrize(
    "text",
    ["silk blouses", "45 € per piece", "80 %", "blouses, 3 styles"],
)
def test_no_quantity_where_a_number_is_something_else(text: str) -> None:
    assert find_details(text, "en", today=TODAY).quantity is None


def test_a_misspelt_place_in_a_sentence_is_not_guessed() -> None:
    assert find_details("blouses made in Toscanna", "en", today=TODAY).place is None


@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    assert isinstance(find_details(text, "it", today=TODAY), Details)
