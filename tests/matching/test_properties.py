"""Properties that must hold for any registry and any brief."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import AtelierIndex, AtelierProfile, BriefQuery
from matching.quantities import UNITS
from matching.understanding import normalise_certification

SPECIALTIES = [
    "maglieria",
    "knitwear",
    "shoes",
    "calzature",
    "camicie",
    "intimo",
    "swimwear",
    "cravatte",
    "pelletteria",
    "jeans",
    "gioielli",
    "unknown craft",
]
MATERIALS = ["cashmere", "lana", "cotton", "seta", "pelle", "suede", "nylon", "argento", "felt"]
CERTIFICATIONS = [
    "GOTS",
    "OEKO-TEX",
    "Oeko-Tex Standard 100",
    "LWG",
    "SA8000",
    "ISO 9001",
    "bluesign",
]
COUNTRIES = ["IT", "PT", "ES", "FR"]
DESCRIPTIONS = [
    "We need cashmere sweaters",
    "Cerco calzature in pelle",
    "camicie in lino, non maglieria",
    "swimwear in nylon",
    "gioielli in argento",
    "jeans in denim",
    "something lovely",
    "ombrelli in seta",  # a product the taxonomy does not know
    "salta",  # a skip word
    "guanti in cashmere",  # a product no generated atelier makes
    "",
]

ateliers = st.builds(
    AtelierProfile,
    ref=st.text(alphabet="ABCDEFGH0123456789", min_size=2, max_size=5),
    name=st.just("Atelier"),
    country=st.sampled_from(COUNTRIES),
    region=st.sampled_from(["", "Toscana", "Norte"]),
    specialties=st.lists(st.sampled_from(SPECIALTIES), max_size=3).map(tuple),
    materials=st.lists(st.sampled_from(MATERIALS), max_size=3).map(tuple),
    moq=st.integers(1, 500),
    moq_per=st.sampled_from(UNITS),
    max_batch=st.integers(1, 5000),
    monthly_capacity=st.integers(0, 5000),
    lead_time_weeks=st.integers(1, 26),
    handwork_share=st.integers(0, 100),
    certifications=st.lists(st.sampled_from(CERTIFICATIONS), max_size=3).map(tuple),
    verified=st.booleans(),
    paused=st.booleans(),
    available_capacity=st.none() | st.integers(0, 3000),
    rating=st.none() | st.floats(1, 5),
)
briefs = st.builds(
    BriefQuery,
    id=st.just("B"),
    description=st.sampled_from(DESCRIPTIONS),
    quantity=st.integers(1, 3000),
    deadline_weeks=st.none() | st.integers(1, 26),
    country=st.none() | st.sampled_from(COUNTRIES),
    region=st.none() | st.sampled_from(["Toscana", "Norte"]),
    certifications=st.lists(st.sampled_from(CERTIFICATIONS), max_size=2).map(tuple),
    min_handwork_share=st.none() | st.integers(0, 100),
    materials=st.lists(st.sampled_from(MATERIALS), max_size=2).map(tuple),
    styles=st.integers(1, 4),
    colourways=st.integers(1, 4),
    sizes=st.sampled_from([1, 1, 3, 5, 7]),
).flatmap(
    # Half the briefs are a range ("150-250") above their quantity.
    lambda b: (st.none() | st.integers(b.quantity, b.quantity * 3)).map(
        lambda high: replace(b, quantity_high=high)
    )
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def violations(atelier: AtelierProfile, brief: BriefQuery) -> list[str]:
    broken = []
    # Some order in the brief's range meets the minimum in the atelier's unit (styles,
    # colours or sizes of an even split) and stays within the atelier's largest batch, which
    # counts the pieces of one style.
    units = {
        "style": brief.styles,
        "colour": brief.styles * brief.colourways,
        "size": brief.styles * brief.colourways * brief.sizes,
    }[atelier.moq_per]
    high = brief.quantity if brief.quantity_high is None else brief.quantity_high
    feasible = [
        q
        for q in range(brief.quantity, high + 1)
        if q // units >= atelier.moq and q // brief.styles <= atelier.max_batch
    ]
    if not feasible:
        broken.append("quantity")
    if brief.deadline_weeks is not None and atelier.lead_time_weeks > brief.deadline_weeks:
        broken.append("deadline")
    if brief.country and atelier.country != brief.country:
        broken.append("country")
    held = {normalise_certification(c) for c in atelier.certifications}
    if any(normalise_certification(c) not in held for c in brief.certifications):
        broken.append("certification")
    if brief.min_handwork_share is not None and atelier.handwork_share < brief.min_handwork_share:
        broken.append("handwork")
    if not atelier.verified or atelier.paused:
        broken.append("not listed")
    return broken


def unique(registry: list[AtelierProfile]) -> list[AtelierProfile]:
    return list({a.ref: a for a in registry}.values())


@SETTINGS
@given(st.lists(ateliers, max_size=25).map(unique), briefs)
def test_ranked_matches_never_break_a_hard_constraint(
    registry: list[AtelierProfile], brief: BriefQuery
) -> None:
    result = AtelierIndex.build(registry).match(brief, top=10, near_misses=10)
    for match in result.matches:
        assert violations(match.atelier, brief) == []
        assert 0.0 <= match.score <= 100.0
    for miss in result.near_misses:
        assert violations(miss.atelier, brief) and miss.failures
        assert miss.atelier.verified and not miss.atelier.paused
    assert not {m.ref for m in result.matches} & {n.ref for n in result.near_misses}


@SETTINGS
@given(st.lists(ateliers, max_size=25).map(unique), briefs)
def test_matching_is_deterministic_whatever_the_insertion_order(
    registry: list[AtelierProfile], brief: BriefQuery
) -> None:
    forward = AtelierIndex.build(registry).match(brief, top=10)
    backward = AtelierIndex.build(list(reversed(registry))).match(brief, top=10)
    assert forward == backward
    scores = [m.score for m in forward.matches]
    assert scores == sorted(scores, reverse=True)


@SETTINGS
@given(st.lists(ateliers, max_size=40).map(unique), st.integers(1, 2000))
def test_unrelated_ateliers_never_push_out_a_perfect_match(
    noise: list[AtelierProfile], quantity: int
) -> None:
    perfect = AtelierProfile(
        "PERFECT",
        "Maglificio",
        "IT",
        region="Toscana",
        specialties=("knitwear",),
        materials=("cashmere",),
        techniques=("hand linking",),
        moq=1,
        max_batch=10_000,
        monthly_capacity=10_000,
        lead_time_weeks=1,
        handwork_share=100,
        rating=5.0,
    )
    brief = BriefQuery("B", "cashmere knitwear, hand linking", quantity=quantity, region="Toscana")
    unrelated = [
        a for a in noise if not any(s in {"maglieria", "knitwear", "calze"} for s in a.specialties)
    ]
    result = AtelierIndex.build([perfect, *unrelated]).match(brief, top=1)
    assert [m.ref for m in result.matches] == ["PERFECT"]


@SETTINGS
@given(st.lists(ateliers, min_size=1, max_size=20).map(unique), briefs)
def test_upserting_one_by_one_equals_building_at_once(
    registry: list[AtelierProfile], brief: BriefQuery
) -> None:
    incremental = AtelierIndex.build([])
    for atelier in registry:
        incremental.upsert(atelier)
    incremental.upsert(registry[0])  # replacing with itself changes nothing
    assert incremental.match(brief) == AtelierIndex.build(registry).match(brief)


@SETTINGS
@given(
    st.lists(ateliers, max_size=25).map(unique),
    briefs,
    st.integers(1, 10),
    st.integers(1, 10),
    st.lists(st.text(alphabet="ABCDEFGH0123456789", min_size=2, max_size=5), max_size=5),
)
def test_an_answer_is_never_empty_while_the_registry_lists_ateliers(
    registry: list[AtelierProfile],
    brief: BriefQuery,
    top: int,
    near_misses: int,
    exclude: list[str],
) -> None:
    result = AtelierIndex.build(registry).match(
        brief, top=top, near_misses=near_misses, exclude=exclude
    )
    listed = [a for a in registry if a.verified and not a.paused and a.ref not in exclude]
    if listed:
        assert result.matches or result.near_misses
    else:
        assert result.matches == () and result.near_misses == ()
    if not result.categories:
        assert result.notes  # what was not understood is said
    for miss in result.near_misses:
        assert miss.failures  # every near miss says what fails
