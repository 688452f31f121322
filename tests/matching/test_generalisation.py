"""Understanding that reaches past the word lists: inflections, the product hierarchy, short-word
typos and skip words, each tried on words that no taxonomy list holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching import AtelierIndex, AtelierProfile, BriefQuery, categories_in, understand
from matching.index import understand_brief
from matching.taxonomy import taxonomy
from matching.text import words
from matching.understanding import ACCEPT, concept_label, correct

from .conftest import DevSet, assert_meets_targets, read_ateliers, read_jsonl

PROBE = Path(__file__).resolve().parent / "data/probe"


def listed(phrase: str) -> bool:
    """Whether the exact phrase is a term of some taxonomy list."""
    return tuple(words(phrase)) in taxonomy().phrases


@pytest.mark.parametrize(
    ("text", "technique"),
    [
        ("camicie con polsini ricamate a macchina", "machine_embroidery"),
        ("embroidering by hand", "hand_embroidery"),
        ("scialli tessute a mano", "weaving_technique"),
        ("borse con bordi rifiniti a mano", "hand_finishing"),
        ("pulls tricotés à la main", "hand_knitting"),
        ("sciarpe tinte a mano", "natural_dyeing"),
        ("cinture in cuoio conciate al vegetale", "vegetable_tanning"),
        ("anelli incastonati a mano", "stone_setting"),
    ],
)
def test_inflected_technique_words_are_read_as_their_technique(text: str, technique: str) -> None:
    assert not listed(text)
    assert technique in [
        c.id for c in understand(text, "technique", limit=10) if c.confidence >= ACCEPT
    ]


@pytest.mark.parametrize(
    ("text", "product", "attribute"),
    [
        ("Embroidering on 200 linen blouses", "shirts", "embroidery"),
        ("Printed swimsuits in recycled nylon", "swimwear", "silk_printing"),
        ("Plissettate, 80 gonne in chiffon", "dresses", "pleating"),
        ("Knitted gloves in merino", "gloves", "knitwear"),
        ("Dyed linen trousers", "trousers", "garment_dyeing"),
    ],
)
def test_how_a_product_is_made_never_outranks_the_product(
    text: str, product: str, attribute: str
) -> None:
    found = [c.id for c in categories_in(text)]
    assert found[0] == product
    assert attribute in found


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ricamate a mano, 300 pezzi", "embroidery"),
        ("hand linked by artisans", "knitwear"),
        ("fuse a cera persa in argento", "jewellery"),
    ],
)
def test_a_technique_that_is_a_trade_stands_for_the_product_when_none_is_named(
    text: str, category: str
) -> None:
    found = categories_in(text)
    assert found and found[0].id == category
    assert ACCEPT <= found[0].confidence < 90


@pytest.mark.parametrize(
    ("text", "category", "narrower"),
    [
        ("leather mitten, one pair", "gloves", "mittens"),
        ("Watchband in calf leather", "leather_goods", "watch_straps"),
        ("Abito da red carpet in seta", "eveningwear", "red_carpet_dresses"),
        ("ballgown in duchesse satin", "eveningwear", "evening_dresses"),
        ("pantalone 5 tasche in cotone", "trousers", "five_pocket_trousers"),
    ],
)
def test_a_narrower_product_maps_to_its_category_with_a_reason(
    text: str, category: str, narrower: str
) -> None:
    found = categories_in(text)
    assert found[0].id == category and found[0].via == narrower
    assert concept_label(found[0]).startswith(f"{taxonomy().narrower[narrower].en} → ")
    assert "→" in concept_label(found[0], "it")


def test_a_match_names_the_narrower_product_it_was_found_through() -> None:
    index = AtelierIndex.build(
        [AtelierProfile("G1", "Guanteria", "IT", specialties=("guanti",), materials=("pelle",))]
    )
    result = index.match(BriefQuery("B", "Leather mitten, 80 pairs", quantity=80))
    assert [m.ref for m in result.matches] == ["G1"]
    assert result.matches[0].reasons[0] == "mittens → gloves (main specialty)"


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("gonen", "dresses"),  # gonne
        ("tiesz", "ties"),
        ("cnitwear", "knitwear"),  # a slip on the first letter
        ("hsirts", "shirts"),  # the first two letters swapped
        ("blets", "belts"),  # swapped letters make a rare real word: still a slip
        ("bootz", "footwear"),
    ],
)
def test_one_edit_typos_in_short_words_map(typed: str, category: str) -> None:
    assert not listed(typed)
    found = categories_in(typed)
    assert found and found[0].id == category


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("sandaletti in cuoio", "footwear"),
        ("collanine d'argento", "jewellery"),
        ("gonnelline plissé", "dresses"),
        ("magliettine in cotone", "jersey"),
        ("borsellini in pelle", "leather_goods"),
        ("cappottini per bambina", "outerwear"),
    ],
)
def test_italian_diminutives_are_read_by_their_base_word(typed: str, category: str) -> None:
    assert not listed(typed.split()[0])
    found = categories_in(typed)
    assert found and found[0].id == category


@pytest.mark.parametrize(
    "word", ["beans", "ships", "piace", "pazzi", "costs", "books", "spole", "ferii"]
)
def test_real_words_one_edit_from_a_taxonomy_word_are_not_corrected(word: str) -> None:
    assert word not in taxonomy().vocabulary
    fixed = correct(word)
    assert fixed is None or fixed[0] == word


@pytest.mark.parametrize(
    "word",
    [
        "skip",
        "Salta",
        "none",
        "nessuno",
        "nessuna",
        "passa",
        "niente",
        "aucun",
        "ninguno",
        "nada",
        "pular",
    ],
)
def test_a_skip_word_is_never_a_product(word: str) -> None:
    assert categories_in(word) == []
    assert all(c.confidence < ACCEPT for c in understand(word, "category"))
    assert understand_brief(BriefQuery("S", word, quantity=10)).categories == ()


def test_the_probe_set_of_unseen_vocabulary_meets_the_targets() -> None:
    probe = DevSet(
        ateliers=read_ateliers(PROBE / "ateliers.csv"),
        briefs=[BriefQuery.from_json(obj) for obj in read_jsonl(PROBE / "briefs.jsonl")],
        expected={str(obj["id"]): obj for obj in read_jsonl(PROBE / "expected.jsonl")},
    )
    assert_meets_targets("probe set", probe)


@pytest.mark.parametrize(
    ("text", "unlisted", "category"),
    [
        ("guantaie esperte cercasi", "guantaie", "gloves"),  # the glove-makers, plural feminine
        ("pantaloncini a cinque tasche", "pantaloncini a cinque tasche", "trousers"),
        ("jeans con cinque tasche", "con cinque tasche", "denim"),
        ("pelletteria minuta", "pelletteria minuta", "leather_goods"),
        ("scarpe cucite a mano a misura", "cucite a mano a misura", "footwear"),
    ],
)
def test_trade_compounds_and_idioms_in_forms_no_list_holds(
    text: str, unlisted: str, category: str
) -> None:
    assert not listed(unlisted)
    found = categories_in(text)
    assert found and found[0].id == category
