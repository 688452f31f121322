"""AtelierIndex behaviour: hard constraints, near misses, reasons, incremental updates, briefs."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import AtelierIndex, AtelierProfile, BriefQuery, Weights


def knitter(ref: str, **changes: object) -> AtelierProfile:
    base = AtelierProfile(
        ref=ref,
        name=f"Maglificio {ref}",
        country="IT",
        region="Toscana",
        specialties=("maglieria", "calze"),
        materials=("cashmere", "lana"),
        techniques=("rimagliatura",),
        moq=30,
        max_batch=2000,
        monthly_capacity=1000,
        lead_time_weeks=6,
        handwork_share=80,
        certifications=("GOTS",),
        description="Maglieria in cashmere con rimagliatura a mano.",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


BRIEF = BriefQuery("B1", "We need 80 cashmere sweaters", quantity=80, deadline_weeks=10)


def test_hard_constraints_split_matches_from_labelled_near_misses() -> None:
    index = AtelierIndex.build(
        [
            knitter("A1"),
            knitter("A2", moq=150),
            knitter("A3", lead_time_weeks=12),
            knitter("A4", country="PT"),
            knitter("A5", max_batch=50),
        ]
    )
    result = index.match(replace(BRIEF, country="IT"), near_misses=5)
    assert [m.ref for m in result.matches] == ["A1"]
    failures = {n.ref: n.failures for n in result.near_misses}
    assert failures == {
        "A2": ("needs 150 per style — you have 80",),
        "A3": ("lead time 12 weeks > your 10",),
        "A4": ("based in PT, not IT",),
        "A5": ("max batch 50 per style < your 80 per style",),
    }


def test_reasons_explain_the_match_in_english_and_italian() -> None:
    index = AtelierIndex.build([knitter("A1")])
    english = index.match(BRIEF).matches[0].reasons
    assert english[:4] == (
        "knitwear (main specialty)",
        "works cashmere",
        "MOQ 30 per style ≤ your 80 per style",
        "6 weeks ≤ your 10",
    )
    assert "80 % handwork" in english
    italian = index.match(BRIEF, lang="it").matches[0].reasons
    assert italian[:4] == (
        "maglieria (specialità principale)",
        "lavora cashmere",
        "MOQ 30 per modello ≤ i tuoi 80 per modello",
        "6 settimane ≤ le tue 10",
    )
    assert "80 % lavorazione a mano" in italian
    with pytest.raises(ValueError, match="language"):
        index.match(BRIEF, lang="de")


def test_near_misses_are_worded_in_italian_too() -> None:
    index = AtelierIndex.build([knitter("A2", moq=150, certifications=())])
    brief = replace(BRIEF, certifications=("GOTS",), min_handwork_share=90)
    (miss,) = index.match(brief, lang="it").near_misses
    assert miss.failures == (
        "richiede 150 per modello — ne hai 80",
        "senza certificazione GOTS",
        "80 % lavorazione a mano < il tuo 90 %",
    )


def test_main_specialty_outranks_secondary_even_with_a_better_material() -> None:
    index = AtelierIndex.build(
        [
            knitter("MAIN", materials=("cotone",)),
            knitter("SECOND", specialties=("calze", "maglieria"), materials=("cashmere",)),
        ]
    )
    assert [m.ref for m in index.match(BRIEF).matches] == ["MAIN", "SECOND"]
    assert index.match(BRIEF).matches[1].reasons[0] == "knitwear (also makes it)"


def test_certifications_compare_by_normalised_name() -> None:
    index = AtelierIndex.build(
        [knitter("A1", certifications=("OEKO-TEX",)), knitter("A2", certifications=("GOTS",))]
    )
    result = index.match(replace(BRIEF, certifications=("Oeko-Tex Standard 100",)))
    assert [m.ref for m in result.matches] == ["A1"]
    assert "OEKO-TEX certified" in result.matches[0].reasons
    assert [n.ref for n in result.near_misses] == ["A2"]


def test_unverified_and_paused_ateliers_are_out_unless_asked_for() -> None:
    ateliers = [knitter("A1"), knitter("U1", verified=False), knitter("P1", paused=True)]
    assert [m.ref for m in AtelierIndex.build(ateliers).match(BRIEF).matches] == ["A1"]
    assert AtelierIndex.build(ateliers).match(BRIEF).near_misses == ()
    everyone = AtelierIndex.build(ateliers, include_unverified=True, include_paused=True)
    assert {m.ref for m in everyone.match(BRIEF).matches} == {"A1", "U1", "P1"}


def test_upsert_replaces_and_remove_forgets() -> None:
    index = AtelierIndex.build([knitter("A1"), knitter("A2")])
    assert len(index) == 2
    index.upsert(knitter("A2", specialties=("scarpe",)))
    assert [m.ref for m in index.match(BRIEF).matches] == ["A1"]
    index.remove("A1")
    index.remove("never-there")
    assert len(index) == 1
    left = index.match(BRIEF)  # only the shoemaker is left: shown, and said not to knit
    assert [m.ref for m in left.matches] == ["A2"]
    assert left.notes == ("no listed atelier makes knitwear: ranked by materials and description",)
    for number in range(200):  # growing past the initial capacity keeps earlier rows intact
        index.upsert(knitter(f"N{number:03}", moq=1000 if number % 2 else 10))
    refs = [m.ref for m in index.match(BRIEF, top=200).matches]
    assert len(refs) == 100 and all(int(r[1:]) % 2 == 0 for r in refs)


def test_exclude_skips_ateliers_already_introduced() -> None:
    index = AtelierIndex.build([knitter("A1"), knitter("A2", moq=100)])
    result = index.match(BRIEF, exclude={"A1", "A2"})
    assert result.matches == () and result.near_misses == ()


def test_a_confirmed_category_overrides_the_description() -> None:
    index = AtelierIndex.build([knitter("A1"), knitter("S1", specialties=("camicie",))])
    brief = replace(BRIEF, category="shirts")
    assert [m.ref for m in index.match(brief).matches] == ["S1"]
    assert [c.id for c in index.match(brief).categories] == ["shirts"]


def test_ties_break_by_ref_and_scores_are_rounded() -> None:
    index = AtelierIndex.build([knitter(ref) for ref in ("C", "A", "B")])
    matches = index.match(BRIEF).matches
    assert [m.ref for m in matches] == ["A", "B", "C"]
    assert all(0 <= m.score <= 100 and m.score == round(m.score, 1) for m in matches)


def test_soft_preferences_order_equally_fit_ateliers() -> None:
    index = AtelierIndex.build([knitter("FAR", region="Veneto"), knitter("NEAR", region="Tuscany")])
    assert [m.ref for m in index.match(replace(BRIEF, region="Toscana")).matches] == ["NEAR", "FAR"]
    slow = AtelierIndex.build(
        [knitter("SLOW", lead_time_weeks=10), knitter("QUICK", lead_time_weeks=2)]
    )
    assert [m.ref for m in slow.match(BRIEF).matches] == ["QUICK", "SLOW"]


def test_weights_live_in_one_place_and_can_be_tuned() -> None:
    ateliers = [
        knitter("A1", materials=("cotone",)),
        knitter("A2", specialties=("calze", "maglieria")),
    ]
    only_materials = Weights(
        main_specialty=0,
        secondary_specialty=0,
        related_category=0,
        text=0,
        region=0,
        capacity=0,
        lead_time=0,
        handwork=0,
        rating=0,
        techniques=0,
    )
    assert (
        next(
            m.ref for m in AtelierIndex.build(ateliers, weights=only_materials).match(BRIEF).matches
        )
        == "A2"
    )
    with pytest.raises(ValueError):
        Weights(materials=-1)


def test_a_brief_without_a_recognisable_product_says_what_was_not_understood() -> None:
    index = AtelierIndex.build([knitter("A1")])
    result = index.match(BriefQuery("B", "something nice for our shop", quantity=80))
    assert result.categories == ()
    assert [m.ref for m in result.matches] == ["A1"]
    assert result.notes == (
        "product not understood (something, nice, shop): ranked by materials and description",
    )


def test_brief_from_json_reads_the_briefs_jsonl_format() -> None:
    line = (
        '{"id": "DB009", "description": "suits", "quantity": 240, "deadline_weeks": 8, '
        '"certifications": ["Oeko-Tex Standard 100"], "materials": ["linen"], "country": "it", '
        '"min_handwork_share": 60, "region": "Toscana", "category": "tailoring"}'
    )
    brief = BriefQuery.from_json(json.loads(line))
    assert brief == BriefQuery(
        "DB009",
        "suits",
        240,
        8,
        "IT",
        "Toscana",
        ("Oeko-Tex Standard 100",),
        60,
        ("linen",),
        "tailoring",
    )
    assert BriefQuery.from_json({"id": 7, "description": "", "quantity": 1}).id == "7"


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ([], "JSON object"),
        ({"description": "x", "quantity": 1}, "'id'"),
        ({"id": "a", "description": "x"}, "'quantity'"),
        ({"id": "a", "description": "x", "quantity": 0}, "quantity"),
        ({"id": "a", "description": "x", "quantity": "ten"}, "quantity"),
        ({"id": "a", "description": "x", "quantity": True}, "quantity"),
        ({"id": "a", "description": 5, "quantity": 1}, "description"),
        (
            {"id": "a", "description": "x", "quantity": 1, "min_handwork_share": 120},
            "min_handwork_share",
        ),
        ({"id": "a", "description": "x", "quantity": 1, "certifications": "GOTS;LWG"}, None),
        ({"id": "a", "description": "x", "quantity": 1, "materials": [1]}, "materials"),
        ({"id": "a", "description": "x", "quantity": 1, "country": "Atlantis"}, "country"),
        ({"id": "a", "description": "x", "quantity": 1, "category": "spaceships"}, "category"),
    ],
)
def test_brief_from_json_rejects_bad_input_clearly(obj: object, message: str | None) -> None:
    if message is None:
        assert BriefQuery.from_json(obj).certifications == ("GOTS;LWG",)
        return
    with pytest.raises(ValueError, match=message):
        BriefQuery.from_json(obj)


def test_an_atelier_without_specialties_is_found_through_its_description() -> None:
    quiet = AtelierProfile(
        "Q1", "Laboratorio", "IT", description="Produciamo maglieria in cashmere."
    )
    result = AtelierIndex.build([quiet]).match(BRIEF)
    assert [m.ref for m in result.matches] == ["Q1"]
    assert result.matches[0].reasons[:2] == ("knitwear (also makes it)", "works cashmere")


def test_related_trades_only_fill_in_when_too_few_make_the_product() -> None:
    coats = knitter("C1", specialties=("cappotti",), materials=("lana",))
    leather = knitter("L1", specialties=("giacche in pelle",), materials=("pelle",))
    brief = BriefQuery("B", "200 capispalla in lana", quantity=200)
    result = AtelierIndex.build([coats, leather]).match(brief, top=5)
    assert [m.ref for m in result.matches] == ["C1", "L1"]
    assert result.matches[1].reasons[0] == "related work: leather garments"
    only_one = AtelierIndex.build([coats, leather]).match(brief, top=1)
    assert [m.ref for m in only_one.matches] == ["C1"]


# --- incremental updates rank exactly like a fresh build ------------------------------------

_REFS = [f"P{n}" for n in range(8)]
_SPECIALTIES = [("maglieria",), ("knitwear", "calze"), ("camicie",), ("calze", "maglieria"), ()]
_PROPERTY_BRIEFS = [
    BRIEF,
    replace(BRIEF, country="IT", min_handwork_share=50),
    BriefQuery("B2", "camicie in cotone, 200 pezzi", quantity=200, deadline_weeks=6),
    BriefQuery("B3", "calze di lana", quantity=40, region="Toscana", certifications=("GOTS",)),
]


@st.composite
def _profiles(draw: st.DrawFn) -> AtelierProfile:
    moq = draw(st.sampled_from([1, 20, 50, 150]))
    return knitter(
        draw(st.sampled_from(_REFS)),
        specialties=draw(st.sampled_from(_SPECIALTIES)),
        materials=draw(st.sampled_from([("cashmere",), ("lana", "cotone"), ()])),
        moq=moq,
        max_batch=moq * draw(st.sampled_from([1, 10, 100])),
        lead_time_weeks=draw(st.integers(1, 12)),
        country=draw(st.sampled_from(["IT", "PT"])),
        region=draw(st.sampled_from(["Toscana", "Veneto", ""])),
        handwork_share=draw(st.sampled_from([0, 40, 90])),
        certifications=draw(st.sampled_from([(), ("GOTS",), ("oeko-tex", "G.O.T.S.")])),
        verified=draw(st.booleans()),
        paused=draw(st.booleans()),
        available_capacity=draw(st.sampled_from([None, 0, 500])),
        rating=draw(st.sampled_from([None, 2.0, 4.5])),
        description=draw(st.sampled_from(["", "Maglieria a mano.", "Camicie su misura."])),
    )


_CHANGES = st.lists(
    st.one_of(
        st.tuples(st.just("upsert"), _profiles()),
        st.tuples(st.just("remove"), st.sampled_from(_REFS)),
    ),
    max_size=25,
)


def _ranking(index: AtelierIndex, brief: BriefQuery) -> tuple[object, ...]:
    result = index.match(brief, top=5, near_misses=3)
    return (
        [(m.ref, m.score, m.reasons) for m in result.matches],
        [(n.ref, n.score, n.failures) for n in result.near_misses],
    )


@settings(max_examples=60, deadline=None)
@given(initial=st.lists(_profiles(), max_size=3), changes=_CHANGES)
def test_an_index_updated_in_place_ranks_like_a_fresh_build(
    initial: list[AtelierProfile], changes: list[tuple[str, object]]
) -> None:
    index = AtelierIndex.build(initial)
    registry = {profile.ref: profile for profile in initial}
    for kind, value in changes:
        if kind == "upsert":
            assert isinstance(value, AtelierProfile)
            index.upsert(value)
            registry[value.ref] = value
        else:
            assert isinstance(value, str)
            index.remove(value)
            registry.pop(value, None)
    fresh = AtelierIndex.build(registry.values())
    assert len(index) == len(fresh) == len(registry)
    for brief in _PROPERTY_BRIEFS:
        assert _ranking(index, brief) == _ranking(fresh, brief)
