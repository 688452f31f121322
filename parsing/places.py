"""Places people type: countries by English or Italian name, code or a small typo."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import pycountry
from babel import Locale

from parsing.core import LANGS, ParseError
from parsing.text import closest, fold, prepare

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
    folded = fold(text).replace(".", "")
    return " ".join(re.sub(r"[^\w\s]|_", " ", folded).split())


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


def parse_country(text: str, lang: str = "en") -> str | ParseError:
    """A country as ISO 3166-1 alpha-2: "Italy", "Italia", "IT", "ITA", "sono in Italia", "Itlay" -> "IT".

    English and Italian names are both accepted whatever ``lang`` is. Small
    typos are corrected when exactly one country is that close.
    """
    del lang  # both languages' names are always accepted
    prepared = prepare(text)
    if isinstance(prepared, ParseError):
        return prepared
    names, codes = _country_index()
    key = _country_key(prepared)
    previous = None
    while previous != key:
        previous, key = key, _COUNTRY_FILLER_RE.sub("", key)
    if not key:
        return ParseError("bad_country")
    if key in names:
        return names[key]
    if key in codes and (key not in _NOT_COUNTRY_CODES or prepared.strip(" .!").isupper()):
        return codes[key]
    # A country named inside a longer answer ("we are a small atelier in Italy").
    words = key.split()
    phrases = {
        " ".join(words[i : i + n])
        for n in range(1, min(4, len(words)) + 1)
        for i in range(len(words) - n + 1)
    }
    found = {names[phrase] for phrase in phrases - _NOT_COUNTRY_IN_SENTENCE if phrase in names}
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        return ParseError("bad_country", "several")
    # Typo correction only for something name-sized; a long sentence that
    # named no country is not one misspelt country.
    guess = closest(key, names) if len(key) <= _MAX_COUNTRY_NAME_CHARS else None
    return names[guess] if guess is not None else ParseError("bad_country")
