"""Normalisation: synonyms in several languages, plurals, accents, typos, unknown words, negation."""

from __future__ import annotations

import pytest

from matching import categories_in, normalise_certification, understand
from matching.understanding import ACCEPT


def top_category(text: str) -> str | None:
    found = categories_in(text)
    return found[0].id if found else None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("knitwear", "knitwear"),
        ("maglieria", "knitwear"),
        ("maglioni", "knitwear"),
        ("capispalla", "outerwear"),
        ("coats", "outerwear"),
        ("pelletteria", "leather_goods"),
        ("handbags", "leather_goods"),
        ("bolsos", "leather_goods"),
        ("calzature", "footwear"),
        ("chaussures", "footwear"),
        ("camiceria", "shirts"),
        ("sartoria", "tailoring"),
        ("costumi da bagno", "swimwear"),
        ("intimo", "lingerie"),
        ("guanti", "gloves"),
        ("cappelli", "millinery"),
        ("cravatte", "ties"),
        ("oreficeria", "jewellery"),
        ("orreficeria", "jewellery"),
        ("malhas", "knitwear"),
        ("abiti da sposa", "eveningwear"),
        ("stampa su seta", "silk_printing"),
        ("plissé", "pleating"),
        ("tintoria", "garment_dyeing"),
        ("abbigliamento bambino", "childrenswear"),
        ("calze", "hosiery"),
        ("cinture", "belts"),
        ("jeans", "denim"),
        ("cut and sew", "jersey"),
        ("leather jackets", "leather_garments"),
    ],
)
def test_italian_english_and_european_synonyms_map_to_one_category(
    text: str, category: str
) -> None:
    assert top_category(text) == category


@pytest.mark.parametrize(
    ("typed", "category"),
    [
        ("knitwaer", "knitwear"),
        ("swiwmear", "swimwear"),
        ("fooswear", "footwear"),
        ("leathre garments", "leather_garments"),
        ("embroidey", "embroidery"),
        ("cravvatte", "ties"),
        ("giioielli", "jewellery"),
        ("sartora", "tailoring"),
    ],
)
def test_one_edit_typos_in_long_words_still_map(typed: str, category: str) -> None:
    found = categories_in(typed)
    assert found and found[0].id == category
    assert ACCEPT <= found[0].confidence < 100


@pytest.mark.parametrize(
    ("typed", "material"), [("cootton", "cotton"), ("cashmeer", "cashmere"), ("orgnaza", "organza")]
)
def test_one_edit_typos_in_materials_map(typed: str, material: str) -> None:
    assert understand(typed, "material", limit=1)[0].id == material


def test_accents_and_case_do_not_matter() -> None:
    assert top_category("PLISSÉ") == top_category("plisse") == "pleating"
    assert understand("Tricotage", "category", limit=1)[0].id == "knitwear"


def test_plurals_and_singulars_map_alike() -> None:
    assert top_category("glove") == top_category("gloves") == "gloves"
    assert top_category("leather garment") == "leather_garments"
    assert top_category("hat") == "millinery"
    assert top_category("cappello") == "millinery"


def test_short_words_need_an_exact_or_near_exact_match() -> None:
    # "bras" is lingerie; "brass" is a material; neither may turn into the other.
    assert top_category("bras") == "lingerie"
    assert [c.id for c in understand("brass", "material")] == ["brass"]
    assert categories_in("hot") == []
    assert categories_in("tie") and categories_in("tie")[0].id == "ties"


def test_common_words_next_to_taxonomy_words_are_not_corrected() -> None:
    # "pezzi" is one letter from "pizzi" (lace), "lines" from "linen", "costs" from "coats".
    assert all(c.confidence < ACCEPT for c in understand("circa 56 pezzi", "material"))
    assert categories_in("our product lines and their costs") == []


@pytest.mark.parametrize(
    "text", ["blah foo bar", "xyzzy", "I like turtles", "a product line of small batch accessories"]
)
def test_unknown_words_give_no_category(text: str) -> None:
    assert categories_in(text) == []
    assert all(c.confidence < ACCEPT for c in understand(text))


def test_a_short_unknown_answer_gets_low_confidence_suggestions() -> None:
    suggestions = understand("knitwr", "category")
    assert suggestions and suggestions[0].id == "knitwear"
    assert suggestions[0].confidence < 60


def test_confidence_is_full_for_exact_synonyms_and_lower_for_ambiguous_words() -> None:
    assert understand("maglieria", "category")[0].confidence == 100.0
    assert understand("jacket", "category")[0].confidence <= 80.0


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        (
            "We need 200 sweaters. Our socks are already covered by another supplier.",
            "knitwear",
            "hosiery",
        ),
        ("Our knitwear is already covered, we need shirts", "shirts", "knitwear"),
        ("not knitwear, we need 50 coats", "outerwear", "knitwear"),
        ("Cerchiamo camicie, la maglieria è già coperta", "shirts", "knitwear"),
        (
            "Per garment dyeing abbiamo già un fornitore. Cerchiamo denim.",
            "denim",
            "garment_dyeing",
        ),
        ("Camicie, non maglieria", "shirts", "knitwear"),
        ("We need shirts and our knitwear is handled by another supplier", "shirts", "knitwear"),
        ("Chemises sans broderie", "shirts", "embroidery"),
    ],
)
def test_a_category_mentioned_as_not_wanted_is_not_the_product(
    text: str, wanted: str, unwanted: str
) -> None:
    ids = [c.id for c in categories_in(text)]
    assert ids and ids[0] == wanted
    assert unwanted not in ids


def test_not_only_is_not_a_negation() -> None:
    assert [c.id for c in categories_in("not only shirts but also ties")] == ["shirts", "ties"]


def test_matched_text_is_the_span_as_written() -> None:
    concept = understand("Cerco chi produca Costumi da Bagno", "category")[0]
    assert concept.matched == "Costumi da Bagno"


@pytest.mark.parametrize(
    ("text", "certification"),
    [
        ("Oeko-Tex Standard 100", "oeko_tex"),
        ("OEKO-TEX", "oeko_tex"),
        ("oekotex", "oeko_tex"),
        ("GOTS", "gots"),
        ("Leather Working Group", "lwg"),
        ("LWG Gold", "lwg"),
        ("SA 8000", "sa8000"),
        ("ISO 9001:2015", "iso_9001"),
        ("ISO 14001", "iso_14001"),
        ("bluesign approved", "bluesign"),
        ("Global Recycled Standard", "grs"),
        ("B Corp", "b_corp"),
        ("Responsible Wool Standard", "rws"),
        ("Fair Wear Foundation", "fair_wear"),
    ],
)
def test_certification_spellings_normalise(text: str, certification: str) -> None:
    assert normalise_certification(text) == certification


def test_unknown_certifications_and_similar_numbers_are_not_confused() -> None:
    assert normalise_certification("Acme Green Seal") is None
    assert normalise_certification("ISO 9001") != normalise_certification("ISO 14001")
