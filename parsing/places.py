"""Places people type: countries, regions and provinces by any name, code or a small typo,
and an atelier's address ("Carpi (MO), Emilia Romagna") split into city, province and region."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import pycountry
from babel import Locale

from parsing.core import LANGS, ParseError, lang_code
from parsing.gazetteer import Found, Level, Subdivision, gazetteer
from parsing.text import clean_text, closest, fold, fold_words, prepare

# Names people use that are in neither pycountry nor CLDR.
_COUNTRY_ALIASES: Final = {
    "uk": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "gran bretagna": "GB", "inghilterra": "GB",
    "scozia": "GB", "galles": "GB", "usa": "US", "us": "US", "america": "US",
    "united states of america": "US", "stati uniti d america": "US", "holland": "NL",
    "olanda": "NL", "the netherlands": "NL", "turkey": "TR", "czech republic": "CZ",
    "repubblica ceca": "CZ", "ivory coast": "CI", "vatican": "VA", "vaticano": "VA",
    "south korea": "KR", "corea del sud": "KR", "russia": "RU",
}  # fmt: skip
# Two-letter answers that are far likelier to be "no"/"yes" than Norway/Slovenia
# when typed in lower case.
_NOT_COUNTRY_CODES: Final = frozenset({"no", "si"})
_MAX_COUNTRY_NAME_CHARS: Final = 60
# Country names that are also ordinary words ("tell us more"); only accepted as the whole answer.
_NOT_COUNTRY_IN_SENTENCE: Final = frozenset({"us"})
_COUNTRY_FILLER_RE: Final = re.compile(
    r"^(?:i\s*m|i\s+am|we\s*re|we\s+are|based|located|sono|siamo|mi\s+trovo|ci\s+troviamo|in|from|the|da|dal|dalla|dall"
    r"|dagli|il|la|lo|l|gli|le|nel|nella|negli|nei)\s+"
)


def _country_key(text: str) -> str:
    """Fold case, accents and punctuation: "U.S.A." -> "usa", "Côte d’Ivoire" -> "cote d ivoire"."""
    return fold_words(fold(text).replace(".", ""))


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, str], dict[str, str]]:
    """(names -> alpha-2, codes -> alpha-2), from pycountry and Babel's English and Italian names."""
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    valid: set[str] = set()
    for country in pycountry.countries:
        alpha_2 = str(country.alpha_2)
        valid.add(alpha_2)
        codes[alpha_2.casefold()] = alpha_2
        codes[str(country.alpha_3).casefold()] = alpha_2
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if isinstance(value, str):
                names.setdefault(_country_key(value), alpha_2)
    for language in LANGS:
        for code, name in Locale.parse(language).territories.items():
            if code in valid:
                names.setdefault(_country_key(str(name)), code)
    for alias, code in _COUNTRY_ALIASES.items():
        names.setdefault(_country_key(alias), code)
    return names, codes


# --------------------------------------------------------------------------
# Regions, provinces and addresses

#: Longest part of an address ("Carpi (MO), Emilia-Romagna" has three) that is stored.
MAX_PLACE_PART_CHARS: Final = 100
_ADDRESS_SPLIT_RE: Final = re.compile(r"[,;\n()]")
_DEPARTMENT_RE: Final = re.compile(r"\d{2}")


@dataclass(frozen=True, slots=True)
class Correction:
    """A misspelt name and what it was read as: the bot says so, so nothing is guessed silently."""

    typed: str
    understood: str


@dataclass(frozen=True, slots=True)
class Place:
    """Where something is or should be made, as far as the answer said.

    ``region`` and ``province`` are the local names ("Toscana", "Modena"), the way ateliers
    write them and matching compares them; ``region_code``/``province_code`` are their ISO
    3166-2 codes (NUTS 2 for Portugal's regions), or None for a region the gazetteer does not
    know, which is then kept in the words it was typed in. ``city`` is as typed.
    """

    country: str | None = None
    region: str | None = None
    region_code: str | None = None
    province: str | None = None
    province_code: str | None = None
    city: str | None = None
    corrections: tuple[Correction, ...] = ()


def country_name(code: str, lang: str) -> str:
    """A country's name in the user's language: "IT" -> "Italy" / "Italia"."""
    return str(Locale.parse(lang_code(lang)).territories.get(code, code))


def subdivision_label(code: str | None, lang: str, default: str = "") -> str:
    """A region's or province's name in the user's language ("IT-52" -> "Tuscany"), else ``default``."""
    found = gazetteer().get(code or "")
    return found.label(lang) if found is not None else default


def region_label(region: str, country: str | None, lang: str) -> str:
    """A stored region's name in the user's language ("Toscana" -> "Tuscany" in English);
    a region the gazetteer does not know is shown as it was written."""
    found = gazetteer().find(region, country=country, typos=False)
    return found.subdivision.label(lang) if found is not None else region


def _place_of(found: Found, typed: str, lang: str) -> Place:
    """The place a gazetteer hit stands for: a province brings its region along."""
    book = gazetteer()
    subdivision = found.subdivision
    region = book.region_of(subdivision)
    province = subdivision if subdivision.level is Level.PROVINCE else None
    corrections = (
        (Correction(typed.strip(), subdivision.label(lang)),)
        if found.corrected_to is not None
        else ()
    )
    return Place(
        country=subdivision.country,
        region=region.name if region is not None else None,
        region_code=region.code if region is not None else None,
        province=province.name if province is not None else None,
        province_code=province.code if province is not None else None,
        corrections=corrections,
    )


def _strip_fillers(key: str) -> str:
    previous = None
    while previous != key:
        previous, key = key, _COUNTRY_FILLER_RE.sub("", key)
    return key


def _phrases(words: list[str]) -> list[tuple[int, int]]:
    """Every run of one to four words, longest first, as (start, end) word positions."""
    return [(i, i + n) for n in range(min(4, len(words)), 0, -1) for i in range(len(words) - n + 1)]


def _named_in_sentence(key: str, lang: str) -> Place | ParseError | None:
    """A country and/or a region named inside a longer answer ("made in Tuscany, Italy")."""
    names, _ = _country_index()
    book = gazetteer()
    words = key.split()
    countries: dict[str, tuple[int, int]] = {}
    for start, end in _phrases(words):
        phrase = " ".join(words[start:end])
        if phrase in names and phrase not in _NOT_COUNTRY_IN_SENTENCE:
            countries.setdefault(names[phrase], (start, end))
    if len(countries) > 1:
        return ParseError("bad_country", "several")
    country = next(iter(countries), None)
    places: dict[str | None, Place] = {}
    for start, end in _phrases(words):
        if country is not None and (start, end) == countries[country]:
            continue
        found = book.find(" ".join(words[start:end]), country=country, typos=False)
        if found is not None:
            place = _place_of(found, "", lang)
            places.setdefault(place.region_code, place)
    if len(places) > 1:
        return ParseError("bad_country", "several")
    if places:
        return next(iter(places.values()))
    if country is None:
        return None
    start, end = countries[country]
    rest = " ".join(words[:start] + words[end:])
    if not rest:
        return Place(country=country)
    if book.find(rest, typos=False) is not None:
        return ParseError("bad_country", "not_in_country")  # "Catalonia, Italy"
    # "Toscanna, Italia": the country is clear, so the rest may be a misspelt region of it.
    found = book.find(rest, country=country)
    return _place_of(found, rest, lang) if found is not None else Place(country=country)


def parse_place(text: str, lang: str = "en") -> Place | ParseError:
    """Where something should be made: a country, a region or a province, by any name.

    "Italy", "IT", "sono in Italia" -> Italy; "Tuscany", "toscana" -> Tuscany, Italy;
    "Milano" -> the province of Milan, Lombardy; "Catalonia, Spain" -> Catalonia. A typo is
    corrected only when exactly one country or region is that close ("Itlay", "Toscanna"),
    and the correction is reported in :attr:`Place.corrections`. English and Italian names are
    accepted whatever ``lang`` is, as are the local ones (Cataluña, Bretagne).
    """
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    names, codes = _country_index()
    key = _strip_fillers(_country_key(prepared))
    if not key:
        return ParseError("bad_country")
    if key in names:
        return Place(country=names[key])
    if key in codes and (key not in _NOT_COUNTRY_CODES or prepared.strip(" .!").isupper()):
        return Place(country=codes[key])
    book = gazetteer()
    found = book.find(key, typos=False)
    if found is not None:
        return _place_of(found, prepared, lang)
    in_sentence = _named_in_sentence(key, lang)
    if in_sentence is not None:
        return in_sentence
    # Typo correction only for something name-sized; a long sentence that named no place is
    # not one misspelt place. A typo as close to a country as to a region is not guessed at.
    if len(key) > _MAX_COUNTRY_NAME_CHARS:
        return ParseError("bad_country")
    country = closest(key, names)
    region = book.find(key)
    if country is not None and region is None:
        code = names[country]
        return Place(country=code, corrections=(Correction(prepared, country_name(code, lang)),))
    if region is not None and country is None:
        return _place_of(region, prepared, lang)
    return ParseError("bad_country")


def parse_country(text: str, lang: str = "en") -> str | ParseError:
    """A country as ISO 3166-1 alpha-2: "Italy", "Italia", "IT", "ITA", "sono in Italia",
    "Itlay" -> "IT"; a region or province names its country ("Toscana" -> "IT").

    English and Italian names are both accepted whatever ``lang`` is. Small typos are
    corrected when exactly one country is that close. See :func:`parse_place` for the
    region, province and corrections as well.
    """
    place = parse_place(text, lang)
    if isinstance(place, ParseError):
        return place
    assert place.country is not None  # every place parse_place returns is in a country
    return place.country


def parse_region(text: str, lang: str = "en", *, country: str) -> Place | ParseError:
    """A region (or province) of ``country``, asked for by name: "Toscana", "Tuscany",
    "Toscanna" (corrected), "Lombardy", "Milano" (its region, Lombardy).

    An answer naming somewhere else altogether ("Portugal", "Catalonia") is taken as such;
    something the gazetteer does not know is ``bad_region``, so the question is asked again
    rather than a guess stored.
    """
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    key = _strip_fillers(_country_key(prepared))
    found = gazetteer().find(key, country=country) if key else None
    if found is not None:
        return _place_of(found, prepared, lang)
    # Somewhere else altogether, named exactly; a typo of a country is no answer to "which
    # region?" ("Ciao" is one edit from Chad in Italian).
    place = parse_place(prepared, lang)
    if isinstance(place, Place) and not place.corrections:
        return place
    return ParseError("bad_region")


def parse_address(text: str, lang: str = "en", *, country: str | None) -> Place | ParseError:
    """Where an atelier is: "Prato, Toscana", "Carpi (MO), Emilia Romagna", "Porto",
    "Lyon (69)".

    The first name the gazetteer does not know is the city, kept as typed; regions and
    provinces are recognised by name or by their code ("MO" for Modena, a French department's
    number), and a province brings its region along. A misspelt region after the city is
    corrected when exactly one is that close ("Toscanna"), else kept in the atelier's words.
    """
    cleaned = clean_text(text, max_len=MAX_PLACE_PART_CHARS * 2)
    if isinstance(cleaned, ParseError):
        return cleaned
    parts = [" ".join(p.split()) for p in _ADDRESS_SPLIT_RE.split(cleaned) if p.strip(" .-")]
    if not parts:
        return ParseError("empty")
    if any(len(p) > MAX_PLACE_PART_CHARS for p in parts):
        return ParseError("too_long", str(max(len(p) for p in parts)))
    book = gazetteer()
    names, _ = _country_index()
    city: str | None = None
    region: Place | None = None
    region_as_typed: str | None = None
    province: Place | None = None
    corrections: list[Correction] = []
    for index, part in enumerate(parts):
        key = _country_key(part)
        coded = _province_code(part, country) if index > 0 else None
        if coded is not None:
            province = province or _place_of(Found(coded), part, lang)
            continue
        if key in names and (country is None or names[key] == country):
            continue  # "Carpi, Emilia-Romagna, Italia": the country is known already
        found = book.find(part, country=country, typos=False)
        if found is None and city is not None:
            found = book.find(part, country=country)
        if found is None:
            if city is None:
                city = part
            elif region is None and region_as_typed is None:
                region_as_typed = part  # not in the gazetteer: kept as the atelier wrote it
            continue
        place = _place_of(found, part, lang)
        corrections += place.corrections
        if found.subdivision.level is Level.PROVINCE:
            if city is None and found.corrected_to is None:
                city = part  # "Prato": the city that gives the province its name
            province = province or place
        else:
            region = region or place
    chosen = region or province
    return Place(
        country=chosen.country if chosen is not None else country,
        region=chosen.region if chosen is not None else region_as_typed,
        region_code=chosen.region_code if chosen is not None else None,
        province=province.province if province is not None else None,
        province_code=province.province_code if province is not None else None,
        city=city,
        corrections=tuple(corrections),
    )


def _province_code(part: str, country: str | None) -> Subdivision | None:
    """A province written as its code after the city: "MO" in Italy (where addresses write
    it so; also when the country is not known yet), "69" in France."""
    if len(part) == 2 and part.isalpha() and country in (None, "IT"):
        return gazetteer().province_by_code("IT", part)
    if country == "FR" and _DEPARTMENT_RE.fullmatch(part):
        return gazetteer().province_by_code(country, part)
    return None
