"""Countries, regions and provinces by any name, and an atelier's address split into parts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsing import ParseError
from parsing.gazetteer import GAZETTEER_COUNTRIES, Level, gazetteer
from parsing.places import (
    Correction,
    Place,
    parse_address,
    parse_country,
    parse_place,
    parse_region,
    subdivision_label,
)

TUSCANY = Place(country="IT", region="Toscana", region_code="IT-52")


@pytest.mark.parametrize(
    ("text", "region", "code"),
    [
        ("Tuscany", "Toscana", "IT-52"),
        ("toscana", "Toscana", "IT-52"),
        ("Emilia Romagna", "Emilia-Romagna", "IT-45"),
        ("emilia-romagna", "Emilia-Romagna", "IT-45"),
        ("Lombardy", "Lombardia", "IT-25"),
        ("Lombardia", "Lombardia", "IT-25"),
        ("Catalonia", "Cataluña", "ES-CT"),
        ("Cataluña", "Cataluña", "ES-CT"),
        ("Catalunya", "Cataluña", "ES-CT"),
        ("Catalogna", "Cataluña", "ES-CT"),
        ("Norte", "Norte", "PT11"),
        ("Northern Portugal", "Norte", "PT11"),
        ("Brittany", "Bretagne", "FR-BRE"),
        ("Bretagne", "Bretagne", "FR-BRE"),
        ("Bretagna", "Bretagne", "FR-BRE"),
        ("Valle d’Aosta", "Valle d'Aosta", "IT-23"),
        ("Puglia", "Puglia", "IT-75"),
        ("Apulia", "Puglia", "IT-75"),
        ("made in Tuscany", "Toscana", "IT-52"),
        ("in Toscana, Italia", "Toscana", "IT-52"),
    ],
)
def test_a_region_where_a_country_is_asked_is_that_region(
    text: str, region: str, code: str
) -> None:
    place = parse_place(text, "en")
    assert isinstance(place, Place)
    assert (place.region, place.region_code, place.corrections) == (region, code, ())
    assert place.country == code[:2]


def test_a_misspelt_region_is_corrected_and_keeps_the_region() -> None:
    assert parse_place("Toscanna", "en") == Place(
        country="IT",
        region="Toscana",
        region_code="IT-52",
        corrections=(Correction("Toscanna", "Tuscany"),),
    )
    assert parse_place("Toscanna", "it") == Place(
        country="IT",
        region="Toscana",
        region_code="IT-52",
        corrections=(Correction("Toscanna", "Toscana"),),
    )
    place = parse_place("Lombardai", "en")
    assert isinstance(place, Place) and place.region == "Lombardia"


def test_a_province_brings_its_region() -> None:
    assert parse_place("Milano", "it") == Place(
        country="IT",
        region="Lombardia",
        region_code="IT-25",
        province="Milano",
        province_code="IT-MI",
    )
    place = parse_place("Porto", "en")
    assert isinstance(place, Place)
    assert (place.region, place.province) == ("Norte", "Porto")


def test_a_country_is_still_a_country() -> None:
    assert parse_place("Italia", "it") == Place(country="IT")
    assert parse_place("Itlay", "en") == Place(
        country="IT", corrections=(Correction("Itlay", "Italy"),)
    )
    assert parse_country("Portugal") == "PT"


@pytest.mark.parametrize(
    "text",
    [
        "Centro",  # Portugal's Centro, or the middle of anywhere: not guessed
        "nord",
        "Catalonia, Italy",  # a region of another country
        "Tuscany and Catalonia",
        "Atlantis",
    ],
)
def test_what_cannot_be_told_apart_is_asked_again(text: str) -> None:
    result = parse_place(text, "en")
    assert isinstance(result, ParseError) and result.code == "bad_country"


def test_a_region_question_takes_regions_provinces_and_another_country() -> None:
    assert parse_region("Toscana", "it", country="IT") == TUSCANY
    place = parse_region("Toscanna", "en", country="IT")
    assert isinstance(place, Place) and place.region == "Toscana" and place.corrections
    place = parse_region("Firenze", "it", country="IT")
    assert isinstance(place, Place) and (place.region, place.province) == ("Toscana", "Firenze")
    assert parse_region("Portugal", "en", country="IT") == Place(country="PT")
    # Portugal's Centro is a fine answer once Portugal is known.
    place = parse_region("Centro", "en", country="PT")
    assert isinstance(place, Place) and place.region_code == "PT16"


@pytest.mark.parametrize("text", ["Ciao", "somewhere nice", "Carpi"])
def test_an_unknown_region_is_asked_again_not_stored(text: str) -> None:
    result = parse_region(text, "it", country="IT")
    assert isinstance(result, ParseError) and result.code == "bad_region"


def test_an_italian_address_with_province_code_and_region() -> None:
    assert parse_address("Carpi (MO), Emilia Romagna", "it", country="IT") == Place(
        country="IT",
        region="Emilia-Romagna",
        region_code="IT-45",
        province="Modena",
        province_code="IT-MO",
        city="Carpi",
    )


@pytest.mark.parametrize(
    ("text", "country", "city", "province", "region"),
    [
        ("Carpi (MO)", "IT", "Carpi", "Modena", "Emilia-Romagna"),
        ("Carpi (mo)", "IT", "Carpi", "Modena", "Emilia-Romagna"),
        ("Empoli (FI)", None, "Empoli", "Firenze", "Toscana"),
        ("Prato, Toscana", "IT", "Prato", "Prato", "Toscana"),
        ("Prato", "IT", "Prato", "Prato", "Toscana"),
        ("Civitanova Marche, Marche", "IT", "Civitanova Marche", None, "Marche"),
        ("Biella, Piemonte, Italia", "IT", "Biella", "Biella", "Piemonte"),
        ("Mataró, Catalunya", "ES", "Mataró", None, "Cataluña"),
        ("Lyon (69)", "FR", "Lyon", "Lyon", "Auvergne-Rhône-Alpes"),
        ("Guimarães, Norte", "PT", "Guimarães", None, "Norte"),
        ("Toscana", "IT", None, None, "Toscana"),
    ],
)
def test_addresses(
    text: str, country: str | None, city: str, province: str | None, region: str
) -> None:
    place = parse_address(text, "en", country=country)
    assert isinstance(place, Place)
    assert (place.city, place.province, place.region) == (city, province, region)


def test_a_misspelt_region_in_an_address_is_corrected_and_said() -> None:
    place = parse_address("Carpi, Emilia Romagnia", "en", country="IT")
    assert isinstance(place, Place)
    assert (place.city, place.region) == ("Carpi", "Emilia-Romagna")
    assert place.corrections == (Correction("Emilia Romagnia", "Emilia-Romagna"),)


def test_an_unknown_region_in_an_address_is_kept_as_typed() -> None:
    place = parse_address("Carpi, Bassa Modenese", "it", country="IT")
    assert place == Place(country="IT", region="Bassa Modenese", city="Carpi")


@pytest.mark.parametrize(
    ("text", "code"), [("", "empty"), (" , ( ) ", "empty"), ("x" * 150, "too_long")]
)
def test_unusable_addresses(text: str, code: str) -> None:
    result = parse_address(text, "en", country="IT")
    assert isinstance(result, ParseError) and result.code == code


def test_the_gazetteer_covers_every_region_and_province_of_the_four_countries() -> None:
    book = gazetteer()
    regions = {c: 0 for c in GAZETTEER_COUNTRIES}
    provinces = {c: 0 for c in GAZETTEER_COUNTRIES}
    for subdivision in book.subdivisions.values():
        counts = regions if subdivision.level is Level.REGION else provinces
        counts[subdivision.country] += 1
        if subdivision.level is Level.PROVINCE:
            region = book.region_of(subdivision)
            assert region is not None and region.country == subdivision.country
        # Every subdivision is found by its own name, in its own country.
        found = book.find(subdivision.name, country=subdivision.country, typos=False)
        assert found is not None, subdivision
        assert found.subdivision.code in {subdivision.code, subdivision.region_code}
    assert regions == {"IT": 20, "ES": 19, "PT": 7, "FR": 13}
    # ISO 3166-2 as pycountry has it: Aosta is its region, not a province of its own.
    assert provinces["IT"] == 106 and provinces["ES"] == 50 and provinces["PT"] == 18


def test_labels_follow_the_language() -> None:
    assert subdivision_label("IT-52", "en") == "Tuscany"
    assert subdivision_label("IT-52", "it") == "Toscana"
    assert subdivision_label("ES-CT", "it") == "Catalogna"
    assert subdivision_label("XX-1", "en", "Bassa Modenese") == "Bassa Modenese"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.sampled_from([None, "IT", "FR", "PT", "ES"]))
def test_place_parsers_never_raise(text: str, country: str | None) -> None:
    for result in (
        parse_place(text, "en"),
        parse_region(text, "it", country=country or "IT"),
        parse_address(text, "en", country=country),
    ):
        assert isinstance(result, Place | ParseError)
        if isinstance(result, Place) and result.region_code is not None:
            assert gazetteer().get(result.region_code) is not None
