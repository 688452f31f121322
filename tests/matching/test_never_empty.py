"""A designer always gets an answer while the registry lists ateliers, and is told why."""

from __future__ import annotations

from matching import AtelierIndex, AtelierProfile, BriefQuery

REGISTRY = [
    AtelierProfile("K1", "Maglificio", "IT", specialties=("maglieria",), materials=("cashmere",)),
    AtelierProfile("S1", "Setificio", "IT", specialties=("stampa su seta",), materials=("seta",)),
    AtelierProfile("C1", "Calzaturificio", "PT", specialties=("calzature",), materials=("pelle",)),
]


def test_an_unknown_product_is_ranked_by_materials_and_named_as_not_understood() -> None:
    result = AtelierIndex.build(REGISTRY).match(
        BriefQuery("U", "Ombrelli in seta, 60 pezzi", quantity=60), lang="it"
    )
    assert result.categories == ()
    assert result.matches[0].ref == "S1"
    assert result.notes == (
        "prodotto non compreso (ombrelli): ordinati per materiali e descrizione",
    )


def test_a_product_nobody_lists_still_gets_the_closest_ateliers_with_the_reason() -> None:
    result = AtelierIndex.build(REGISTRY).match(BriefQuery("G", "Mittens in cashmere", quantity=50))
    assert [c.id for c in result.categories] == ["gloves"]
    assert result.matches[0].ref == "K1"
    assert result.notes == (
        "no listed atelier makes mittens → gloves: ranked by materials and description",
    )


def test_when_hard_constraints_exclude_everyone_the_nearest_misses_say_what_fails() -> None:
    result = AtelierIndex.build(REGISTRY).match(
        BriefQuery("F", "Ombrelli in seta", quantity=60, country="FR")
    )
    assert result.matches == ()
    assert result.near_misses and result.near_misses[0].ref == "S1"
    assert result.near_misses[0].failures == ("based in IT, not FR",)


def test_a_skip_word_as_the_whole_description_is_said_to_name_no_product() -> None:
    result = AtelierIndex.build(REGISTRY).match(BriefQuery("S", "salta", quantity=60))
    assert result.categories == ()
    assert len(result.matches) == 3
    assert result.notes == ("no product named: ranked by materials and description",)


def test_an_understood_brief_carries_no_note() -> None:
    result = AtelierIndex.build(REGISTRY).match(BriefQuery("K", "cashmere jumpers", quantity=60))
    assert [m.ref for m in result.matches] == ["K1"] and result.notes == ()
