"""The taxonomy file is consistent and broad enough for a European registry."""

from __future__ import annotations

from collections import defaultdict

from matching import label, likely_materials, taxonomy_ids
from matching.taxonomy import KINDS, taxonomy
from matching.text import words


def test_a_term_means_one_thing_within_a_kind() -> None:
    seen: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    for kind in KINDS:
        for entry in taxonomy().by_kind[kind]:
            for term in entry.terms:
                seen[(kind, tuple(words(term)))].add(entry.id)
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert clashes == {}


def test_related_categories_parents_and_likely_materials_exist() -> None:
    categories = set(taxonomy_ids("category"))
    materials = set(taxonomy_ids("material"))
    for entry in taxonomy().by_kind["category"]:
        assert set(entry.related) <= categories, entry.id
        assert set(entry.materials) <= materials, entry.id
    for entry in taxonomy().by_kind["material"]:
        assert entry.parent is None or entry.parent in materials, entry.id


def test_ids_are_short_snake_case_with_english_and_italian_labels() -> None:
    for kind in KINDS:
        for concept_id in taxonomy_ids(kind):
            assert concept_id.replace("_", "").isalnum() and concept_id == concept_id.lower()
            assert label(concept_id, "en") and label(concept_id, "it")
    assert label("knitwear", "it") == "maglieria"
    assert label("leather_goods", "en") == "leather goods"
    assert label("no_such_thing") == "no_such_thing"


def test_the_taxonomy_covers_the_trades_of_small_batch_fashion() -> None:
    expected = {
        "knitwear",
        "tailoring",
        "shirts",
        "dresses",
        "trousers",
        "leather_goods",
        "footwear",
        "silk_printing",
        "embroidery",
        "denim",
        "jersey",
        "outerwear",
        "leather_garments",
        "lingerie",
        "swimwear",
        "millinery",
        "gloves",
        "ties",
        "scarves",
        "eveningwear",
        "pleating",
        "garment_dyeing",
        "belts",
        "childrenswear",
        "jewellery",
        "eyewear",
        "hosiery",
        "knitted_accessories",
        "sportswear",
        "workwear",
        "uniforms",
        "furs",
        "home_textiles",
        "sampling",
    }
    assert expected <= set(taxonomy_ids("category"))
    assert {
        "gots",
        "oeko_tex",
        "lwg",
        "sa8000",
        "iso_9001",
        "iso_14001",
        "bluesign",
        "grs",
        "fsc",
        "fair_wear",
        "b_corp",
        "rws",
    } <= set(taxonomy_ids("certification"))


def test_likely_materials_offer_buttons_for_every_product_category() -> None:
    assert likely_materials("knitwear")[:3] == ["wool", "merino", "cashmere"]
    assert likely_materials("nonexistent") == []
    for category in taxonomy_ids("category"):
        if category != "sampling":
            assert likely_materials(category), category


def test_narrower_products_attributes_and_trade_techniques_point_at_real_categories() -> None:
    tax = taxonomy()
    categories = set(taxonomy_ids("category"))
    assert tax.narrower, "the taxonomy declares a product hierarchy"
    for product in tax.narrower.values():
        assert product.category in categories and product.id not in categories
        assert label(product.id, "en") == product.en and label(product.id, "it") == product.it
    for entry in tax.by_kind["technique"]:
        assert entry.category is None or entry.category in categories, entry.id
    seen: dict[tuple[str, ...], str] = {}
    for entry in tax.by_kind["category"]:
        phrases = [*entry.attributes, *(t for p in entry.narrower for t in p.terms)]
        for phrase in phrases:
            key = tuple(words(phrase))
            assert seen.setdefault(key, entry.id) == entry.id, phrase
