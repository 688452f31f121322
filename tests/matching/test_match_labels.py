"""What a ranked match says about how well it fits: the material it lacks, a weak fit labelled."""

from __future__ import annotations

from matching import AtelierIndex, AtelierProfile, BriefQuery

SILK_BLOUSES = BriefQuery("S", "60 silk blouses, hand-finished", quantity=60, materials=("silk",))
REGISTRY = [
    AtelierProfile(
        "SILK", "Camiceria Seta", "IT", specialties=("camicie",), materials=("seta", "cotone")
    ),
    AtelierProfile(
        "COTTON",
        "Camiceria Cotone",
        "IT",
        specialties=("camicie",),
        materials=("cotone", "viscosa"),
    ),
    AtelierProfile(
        "TAILOR", "Sartoria", "IT", specialties=("sartoria",), materials=("seta", "lana")
    ),
]


def test_a_match_that_does_not_work_the_material_says_so() -> None:
    result = AtelierIndex.build(REGISTRY).match(SILK_BLOUSES)
    reasons = {m.ref: m.reasons for m in result.matches}
    assert "does not list silk among its materials" in reasons["COTTON"]
    assert "works silk" in reasons["SILK"]
    assert not any("does not list" in r for r in reasons["SILK"])
    italian = AtelierIndex.build(REGISTRY).match(SILK_BLOUSES, lang="it")
    cotton = next(m for m in italian.matches if m.ref == "COTTON")
    assert "non indica seta tra i materiali" in cotton.reasons


def test_a_brief_without_materials_says_nothing_about_them() -> None:
    result = AtelierIndex.build(REGISTRY).match(BriefQuery("P", "shirts", quantity=60))
    assert not any("materials" in r for m in result.matches for r in m.reasons)


def test_other_trades_and_low_scores_are_labelled_weak() -> None:
    result = AtelierIndex.build(REGISTRY).match(SILK_BLOUSES)
    weak = {m.ref: m.weak for m in result.matches}
    assert weak["SILK"] is False
    assert weak["TAILOR"] is True  # tailoring is a related trade, whatever it scores
    assert all(m.weak for m in result.matches if m.score < 50)
    assert [m.ref for m in result.matches][-1] == "TAILOR"  # after the trade asked for
