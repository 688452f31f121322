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


def _priced(ref: str, price: float | None) -> AtelierProfile:
    return AtelierProfile(
        ref,
        f"Camiceria {ref}",
        "IT",
        specialties=("camicie",),
        materials=("seta",),
        quoted_unit_price=price,
    )


def test_a_budget_favours_ateliers_whose_past_quotes_fit_it_and_says_why() -> None:
    index = AtelierIndex.build([_priced("DEAR", 52.0), _priced("FAIR", 32.5), _priced("NEW", None)])
    brief = BriefQuery("B", "silk shirts", quantity=60, budget_per_piece=35.0)
    result = index.match(brief)
    assert [m.ref for m in result.matches] == ["FAIR", "NEW", "DEAR"]
    reasons = {m.ref: m.reasons for m in result.matches}
    assert "quoted €32.50 a piece before — within your €35" in reasons["FAIR"]
    assert "quoted €52 a piece before — above your €35" in reasons["DEAR"]
    assert not any("quoted" in r for r in reasons["NEW"])
    italian = index.match(brief, lang="it").matches[0]
    assert "ha proposto 32,50 € al pezzo — entro i tuoi 35 €" in italian.reasons


def test_a_budget_never_outranks_the_trade_and_without_one_prices_say_nothing() -> None:
    dear_shirts = _priced("DEAR", 90.0)
    cheap_tailor = AtelierProfile(
        "TAILOR",
        "Sartoria",
        "IT",
        specialties=("sartoria",),
        materials=("seta",),
        quoted_unit_price=10.0,
    )
    index = AtelierIndex.build([dear_shirts, cheap_tailor])
    with_budget = index.match(BriefQuery("B", "silk shirts", quantity=60, budget_per_piece=20.0))
    assert [m.ref for m in with_budget.matches] == ["DEAR", "TAILOR"]
    plain = index.match(BriefQuery("B", "silk shirts", quantity=60))
    assert not any("quoted" in r for m in plain.matches for r in m.reasons)
