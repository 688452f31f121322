"""Minimums compared like with like: per style, per colour, per size, and ranges overlapping."""

from __future__ import annotations

import pytest

from matching import AtelierIndex, AtelierProfile, BriefQuery
from matching.quantities import OrderShape, parse_unit


def knit(ref: str, moq: int, moq_per: str, max_batch: int = 5000) -> AtelierProfile:
    return AtelierProfile(
        ref,
        f"Maglificio {ref}",
        "IT",
        specialties=("maglieria",),
        materials=("cashmere",),
        moq=moq,
        moq_per=moq_per,  # type: ignore[arg-type]
        max_batch=max_batch,
    )


def brief(quantity: int, **shape: int) -> BriefQuery:
    return BriefQuery("B", "cashmere jumpers", quantity=quantity, **shape)  # type: ignore[arg-type]


def test_an_order_splits_into_its_styles_colourways_and_sizes() -> None:
    shape = OrderShape(styles=3, colourways=2, sizes=5)
    assert [shape.units(u) for u in ("style", "colour", "size")] == [3, 6, 30]
    assert shape.per(600, "style") == 200
    assert shape.per(600, "colour") == 100
    assert shape.per(600, "size") == 20
    assert shape.total(20, "size") == 600


def test_a_minimum_per_colour_is_compared_with_the_pieces_of_each_colour() -> None:
    # 2 styles x 2 colourways, 240 pieces: 60 of each colour, 120 of each style.
    result = AtelierIndex.build([knit("C50", 50, "colour"), knit("C70", 70, "colour")]).match(
        brief(240, styles=2, colourways=2)
    )
    assert [m.ref for m in result.matches] == ["C50"]
    assert "MOQ 50 per colour ≤ your 60 per colour" in result.matches[0].reasons
    assert result.near_misses[0].ref == "C70"
    assert result.near_misses[0].failures == ("needs 70 per colour — you have 60",)


def test_a_minimum_per_size_counts_every_size_of_every_colourway() -> None:
    # "100 per size" over 7 sizes is 700 pieces of that colourway; 280 pieces are 40 a size.
    index = AtelierIndex.build([knit("S100", 100, "size"), knit("T100", 100, "style")])
    result = index.match(brief(280, sizes=7))
    assert [m.ref for m in result.matches] == ["T100"]
    assert "MOQ 100 per style ≤ your 280 per style" in result.matches[0].reasons
    assert result.near_misses[0].failures == ("needs 100 per size — you have 40",)
    italian = index.match(brief(280, sizes=7), lang="it")
    assert italian.near_misses[0].failures == ("richiede 100 per taglia — ne hai 40",)


def test_the_same_number_means_different_orders_in_different_units() -> None:
    # 300 pieces: 3 styles of 100, each in 2 colours of 50, each colour in 5 sizes of 10.
    order = brief(300, styles=3, colourways=2, sizes=5)
    ateliers = [knit("ST", 60, "style"), knit("CO", 60, "colour"), knit("SZ", 60, "size")]
    result = AtelierIndex.build(ateliers).match(order)
    assert [m.ref for m in result.matches] == ["ST"]
    assert {n.ref: n.failures for n in result.near_misses} == {
        "CO": ("needs 60 per colour — you have 50",),
        "SZ": ("needs 60 per size — you have 10",),
    }


def test_an_uneven_split_is_judged_at_its_smallest_share() -> None:
    # 100 pieces over 3 sizes: 33, 33 and 34. A minimum of 34 per size is not met.
    index = AtelierIndex.build([knit("A", 33, "size"), knit("B", 34, "size")])
    assert [m.ref for m in index.match(brief(100, sizes=3)).matches] == ["A"]


def test_the_largest_batch_is_compared_with_the_pieces_of_each_style() -> None:
    # As the bot asks it: "the most pieces per style you can take on".
    index = AtelierIndex.build([knit("SMALL", 10, "style", max_batch=250)])
    assert [m.ref for m in index.match(brief(600, styles=3)).matches] == ["SMALL"]
    result = index.match(brief(900, styles=3))
    assert result.matches == ()
    assert result.near_misses[0].failures == ("max batch 250 per style < your 300 per style",)


def test_a_minimum_that_only_fits_above_the_largest_batch_is_explained() -> None:
    # 100 per size over 7 sizes needs 700 pieces a style; the atelier never takes more than 650.
    index = AtelierIndex.build([knit("X", 100, "size", max_batch=650)])
    result = index.match(brief(600, sizes=7, quantity_high=800))
    assert result.matches == ()
    assert result.near_misses[0].failures == (
        "100 per size is 700 pieces a style — over its max batch of 650",
    )


def test_a_range_overlapping_moq_to_max_batch_is_a_match_at_either_end() -> None:
    # 150-250 pieces: the midpoint 200 is below a MOQ of 220 and above a max batch of 180,
    # yet each atelier can take an order inside the range.
    ateliers = [knit("HIGHMOQ", 220, "style"), knit("LOWCAP", 10, "style", max_batch=180)]
    result = AtelierIndex.build(ateliers).match(brief(150, quantity_high=250))
    assert {m.ref for m in result.matches} == {"HIGHMOQ", "LOWCAP"}
    reasons = {m.ref: m.reasons for m in result.matches}
    assert "MOQ 220 per style ≤ your 150–250 per style" in reasons["HIGHMOQ"]
    outside = AtelierIndex.build([knit("BIG", 260, "style")]).match(brief(150, quantity_high=250))
    assert outside.near_misses[0].failures == ("needs 260 per style — you have 150–250",)


def test_a_brief_without_a_shape_is_one_style_one_colour_one_size() -> None:
    parsed = BriefQuery.from_json({"id": 1, "description": "jumpers", "quantity": 80})
    assert parsed.shape == OrderShape(1, 1, 1)
    assert parsed.quantity_high is None


def test_briefs_in_json_take_the_new_optional_fields() -> None:
    parsed = BriefQuery.from_json(
        {
            "id": "Q1",
            "description": "jumpers",
            "quantity": 300,
            "quantity_high": 450,
            "styles": 3,
            "colourways": 2,
            "sizes": ["S", "M", "L", "XL"],
        }
    )
    assert (parsed.quantity, parsed.high) == (300, 450)
    assert parsed.shape == OrderShape(3, 2, 4)
    one_size = BriefQuery.from_json({"id": 2, "description": "scarves", "quantity": 9, "sizes": 1})
    assert one_size.shape.sizes == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"quantity_high": 10}, "quantity_high"),
        ({"styles": 0}, "styles"),
        ({"colourways": "two"}, "colourways"),
        ({"sizes": -1}, "sizes"),
    ],
)
def test_bad_shape_fields_are_named(line: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BriefQuery.from_json({"id": "B", "description": "x", "quantity": 20, **line})


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("", "style"),
        ("style", "style"),
        ("Colour", "colour"),
        ("color", "colour"),
        ("per size", "size"),
        ("taglia", "size"),
        ("colore", "colour"),
        ("modello", "style"),
        ("pair", None),
    ],
)
def test_units_are_read_in_english_and_italian(text: str, unit: str | None) -> None:
    assert parse_unit(text) == unit


def test_an_atelier_with_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="moq_per"):
        knit("Z", 10, "pair")
