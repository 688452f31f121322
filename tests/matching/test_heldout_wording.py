"""Briefs worded unlike the development set: trade terms, other languages, typos, negation."""

from __future__ import annotations

import pytest

from matching import AtelierIndex, AtelierProfile, BriefQuery, categories_in, understand


@pytest.mark.parametrize(
    ("description", "category", "material"),
    [
        ("Cerchiamo un maglificio per 300 maglioni in cashmere rigenerato", "knitwear", "cashmere"),
        ("We need 120 cardigans in merino, hand linked", "knitwear", "merino"),
        ("Nous cherchons un atelier pour 80 chemises en lin", "shirts", "linen"),
        ("Buscamos un taller para 200 bolsos de piel", "leather_goods", "leather"),
        ("Procuramos uma oficina para 150 sapatos em couro", "footwear", "leather"),
        ("Need 60 silk foulards printed in Como", "silk_printing", "silk"),
        ("200 giacche in pelle scamosciata", "leather_garments", "suede"),
        ("Looking for a hat maker: 40 fedoras in rabbit felt", "millinery", "felt"),
        ("Neckties in silk twill, 300 pcs", "ties", "silk"),
        ("Bikini e costumi interi in nylon riciclato", "swimwear", "recycled_nylon"),
        ("Reggiseni e slip in pizzo, 400 pezzi", "lingerie", "lace"),
        ("Piumini con imbottitura in piuma d'oca", "outerwear", "down"),
        ("Calzini in cotone biologico, 1000 paia", "hosiery", "organic_cotton"),
        ("Orafo per anelli in argento 925", "jewellery", "silver"),
        ("Jeanswear: 5-pocket jeans in selvedge denim", "denim", "denim"),
        ("Kidswear in organic cotton, GOTS please", "childrenswear", "organic_cotton"),
        ("Cinture in cuoio conciato al vegetale", "belts", "leather"),
        ("Guanti in pelle di agnello", "gloves", "leather"),
        ("Vestidos de novia en encaje y tul", "eveningwear", "lace"),
        ("Maillots de bain en polyamide recyclé", "swimwear", "recycled_nylon"),
        ("Plissettatura su chiffon di seta", "pleating", "chiffon"),
        ("Magliette in jersey di cotone con serigrafia", "jersey", "cotton_jersey"),
        ("knitwaer in cootton", "knitwear", "cotton"),
        ("lingeire in silk", "lingerie", "silk"),
        ("capotti in lana", "outerwear", "wool"),
        ("Eyewear frames in acetate", "eyewear", "acetate"),
    ],
)
def test_other_wording_is_understood(description: str, category: str, material: str) -> None:
    found = categories_in(description)
    assert found and found[0].id == category
    assert material in [c.id for c in understand(description, "material", limit=10)]


def test_a_brief_in_french_finds_the_shirtmaker_not_the_knitter() -> None:
    index = AtelierIndex.build(
        [
            AtelierProfile(
                "S1", "Camiceria Rossi", "IT", specialties=("camicie",), materials=("lino",)
            ),
            AtelierProfile(
                "K1", "Maglificio Bianchi", "IT", specialties=("maglieria",), materials=("lino",)
            ),
        ]
    )
    brief = BriefQuery(
        "F1", "Nous cherchons un atelier pour 80 chemises en lin, pas de tricot", quantity=80
    )
    result = index.match(brief)
    assert [m.ref for m in result.matches] == ["S1"]
    assert [c.id for c in result.categories] == ["shirts"]
