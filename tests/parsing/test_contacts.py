"""E-mail addresses, phone numbers, contact lines and countries."""

from __future__ import annotations

import pytest

import parsing
from parsing import ParseError, parse_contact, parse_country, parse_email, parse_phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mario@atelier.it", "mario@atelier.it"),
        ("  Mario.Rossi@Atelier.IT ", "Mario.Rossi@atelier.it"),
        ("mailto:mario@atelier.it", "mario@atelier.it"),
        ("<mario@atelier.it>", "mario@atelier.it"),
        ("my email is mario@atelier.it.", "mario@atelier.it"),
        ("la mia mail: info@sartoria-bianchi.com", "info@sartoria-bianchi.com"),
    ],
)
def test_parse_email(text: str, expected: str) -> None:
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mario@gmail", "bad_email"),
        ("@mario", "bad_email"),
        ("mario rossi", "bad_email"),
        ("a@b@c.it", "bad_email"),
        ("mario@test.test", "bad_email"),
        ("😀", "bad_email"),
        ("", "empty"),
        ("a" * 300 + "@x.it", "bad_email"),
    ],
)
def test_parse_email_errors(text: str, code: str) -> None:
    result = parse_email(text)
    assert isinstance(result, ParseError)
    assert result.code == code


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("333 123 4567", "IT", "+393331234567"),
        ("3331234567", "IT", "+393331234567"),
        ("+39 333 1234567", "IT", "+393331234567"),
        ("0039 333 1234567", "IT", "+393331234567"),
        ("+39-333-123-4567", "IT", "+393331234567"),
        ("(+39) 333.123.4567", "IT", "+393331234567"),
        ("02 1234 5678", "IT", "+390212345678"),
        ("+44 20 7946 0958", "IT", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+1 415 555 2671", "IT", "+14155552671"),
        ("call me on 333 123 4567", "IT", "+393331234567"),
        ("cell. 333 123 4567 (ore pasti)", "IT", "+393331234567"),
    ],
)
def test_parse_phone(text: str, region: str, expected: str) -> None:
    assert parse_phone(text, region) == expected


@pytest.mark.parametrize("text", ["123", "abc", "333 12", "+39 1", "call me", "😀"])
def test_parse_phone_errors(text: str) -> None:
    assert parse_phone(text) == ParseError("bad_phone")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mario@atelier.it, +39 333 1234567", ("mario@atelier.it", "+393331234567")),
        ("mario@atelier.it / 333 1234567", ("mario@atelier.it", "+393331234567")),
        ("333 123 4567 - mario@atelier.it", ("mario@atelier.it", "+393331234567")),
        ("mario@atelier.it", ("mario@atelier.it", None)),
        ("333 1234567", (None, "+393331234567")),
        (
            "chiamami al 333 123 4567 o scrivi a info@atelier.it",
            ("info@atelier.it", "+393331234567"),
        ),
        ("mario2024@atelier.it", ("mario2024@atelier.it", None)),
    ],
)
def test_parse_contact(text: str, expected: tuple[str | None, str | None]) -> None:
    assert parse_contact(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mario@gmail 3331234567", "bad_email"),
        ("mario@atelier.it 123 456 7", "bad_phone"),
        ("ciao", "bad_contact"),
        ("😀", "bad_contact"),
        ("", "empty"),
    ],
)
def test_parse_contact_errors(text: str, code: str) -> None:
    result = parse_contact(text)
    assert isinstance(result, ParseError)
    assert result.code == code


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Italy", "en", "IT"),
        ("italy", "en", "IT"),
        ("Italia", "it", "IT"),
        ("Italia", "en", "IT"),
        ("IT", "en", "IT"),
        ("it", "it", "IT"),
        ("ITA", "en", "IT"),
        ("Itlay", "en", "IT"),
        ("Itaila", "it", "IT"),
        ("l'Italia", "it", "IT"),
        ("Sono in Italia", "it", "IT"),
        ("we are a small atelier in Italy", "en", "IT"),
        ("I'm based in the UK", "en", "GB"),
        ("Regno Unito", "it", "GB"),
        ("England", "en", "GB"),
        ("U.S.A.", "en", "US"),
        ("Stati Uniti", "it", "US"),
        ("Germania", "it", "DE"),
        ("Svizzera", "it", "CH"),
        ("Svizera", "it", "CH"),
        ("Switzerland", "en", "CH"),
        ("Turkey", "en", "TR"),
        ("Türkiye", "en", "TR"),
        ("Côte d'Ivoire", "en", "CI"),
        ("Paesi Bassi", "it", "NL"),
        ("Portgual", "en", "PT"),
        ("NO", "en", "NO"),
        # A region or a province names its country.
        ("Milano", "it", "IT"),
        ("Tuscany", "en", "IT"),
        ("Catalogna", "it", "ES"),
    ],
)
def test_parse_country(text: str, lang: str, expected: str) -> None:
    assert parse_country(text, lang) == expected


@pytest.mark.parametrize(
    "text",
    ["no", "si", "Carpi", "tell us more", "Spain and Italy", "Malti", "😀", "xx", "Atlantis"],
)
def test_parse_country_errors(text: str) -> None:
    result = parse_country(text)
    assert isinstance(result, ParseError)
    assert result.code == "bad_country"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("call me +39 333 1234567.pdf", "phone"),
        ("call_me_333_1234567", "phone"),
        ("tel 06 1234 5678", "phone"),
        ("ada@studio.example", "email"),
        ("ask @adastudio", "handle"),
        ("see www.studio.it", "link"),
        ("t.me/ada", "link"),
        ("https://example.org/lookbook", "link"),
    ],
)
def test_a_contact_in_a_caption_or_file_name_is_found(text: str, kind: str) -> None:
    assert parsing.find_contact(text) == kind


@pytest.mark.parametrize(
    "text",
    ["IMG_20240312_123456", "techpack_v2", "front view", "SS26 look 12 of 40", "sizes 38-44"],
)
def test_ordinary_captions_and_file_names_carry_no_contact(text: str) -> None:
    assert parsing.find_contact(text) is None
