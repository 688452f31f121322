"""The matcher against a second, independently worded set (tests/matching/data/heldout).

Its registry and briefs use other trade terms, typos, certification spellings and negations
than the development set; grades follow the development set's README rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from matching import AtelierIndex, BriefQuery, categories_in, normalise_certification
from matching.index import understand_brief

from .conftest import DevSet, assert_meets_targets, read_ateliers, read_jsonl

HELDOUT = Path(__file__).resolve().parent / "data/heldout"


@pytest.fixture(scope="module")
def heldout_set() -> DevSet:
    return DevSet(
        ateliers=read_ateliers(HELDOUT / "ateliers.csv"),
        briefs=[BriefQuery.from_json(obj) for obj in read_jsonl(HELDOUT / "briefs.jsonl")],
        expected={str(obj["id"]): obj for obj in read_jsonl(HELDOUT / "expected.jsonl")},
    )


def test_heldout_ranking_meets_targets(heldout_set: DevSet) -> None:
    assert_meets_targets("held-out set", heldout_set)


def test_match_scores_never_rise_down_the_list(heldout_set: DevSet) -> None:
    index = AtelierIndex.build(heldout_set.ateliers)
    for brief in heldout_set.briefs:
        scores = [m.score for m in index.match(brief, top=10).matches]
        assert scores == sorted(scores, reverse=True), brief.id


@pytest.mark.parametrize(
    ("text", "certification"),
    [
        ("G.O.T.S.", "gots"),
        ("G.O.T.S", "gots"),
        ("S.A. 8000", "sa8000"),
        ("OekoTex100", "oeko_tex"),
        ("Global Recycling Standard", "grs"),
    ],
)
def test_dotted_and_glued_certification_spellings(text: str, certification: str) -> None:
    assert normalise_certification(text) == certification


@pytest.mark.parametrize(
    ("typed", "category"),
    [("knitware", "knitwear"), ("footware", "footwear"), ("swimwares", "swimwear")],
)
def test_wear_spelled_ware(typed: str, category: str) -> None:
    found = categories_in(typed)
    assert found and found[0].id == category


@pytest.mark.parametrize(
    ("description", "category", "unwanted"),
    [
        ("Niente scarpe stavolta: ci servono 60 borse in camoscio.", "leather_goods", "footwear"),
        ("Calze in cotone, 1000 paia. La maglieria non ci serve.", "hosiery", "knitwear"),
        ("Knitwear we've got covered. Looking for 100 wool coats.", "outerwear", "knitwear"),
        ("Our knitwear is handled elsewhere; we're after 180 shirts.", "shirts", "knitwear"),
        ("Nessuna borsa: 200 paia di sandali in pelle.", "footwear", "leather_goods"),
    ],
)
def test_other_ways_of_ruling_a_product_out(description: str, category: str, unwanted: str) -> None:
    wanted = understand_brief(BriefQuery("N1", description, quantity=10))
    assert [c.id for c in wanted.categories] == [category]
    assert unwanted in wanted.unwanted
    assert unwanted not in wanted.related()


@pytest.mark.parametrize(
    ("description", "category", "materials"),
    [
        ("Cerchiamo 200 borse in pelle", "leather_goods", ("leather",)),
        ("Borse in montone, 50 pezzi", "leather_goods", ("shearling",)),
        ("Jeans in denim, 100 pairs", "denim", ("denim",)),
        ("T-shirts in jersey, 300 pieces", "jersey", ("cotton_jersey",)),
        ("Capi in pelle: 80 giacche in camoscio", "leather_garments", ("suede",)),
    ],
)
def test_a_material_named_with_the_product_is_asked_for(
    description: str, category: str, materials: tuple[str, ...]
) -> None:
    wanted = understand_brief(BriefQuery("M1", description, quantity=10))
    assert wanted.categories[0].id == category
    assert wanted.materials == materials
