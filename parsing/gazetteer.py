"""Regions and provinces of Italy, Spain, Portugal and France, found by any name people use.

ISO 3166-2 (pycountry) gives the codes, the local names and which province lies in which
region; ``data/regions.toml`` adds the English and Italian names, other spellings and
Portugal's regions, which ISO does not list. Lookups are exact on a folded key (case, accents
and punctuation do not matter: "Emilia Romagna" is "Emilia-Romagna"), or forgive a typo when
exactly one subdivision is that close, and say so.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any, Final

import pycountry
from rapidfuzz.distance import OSA

from parsing.core import lang_code
from parsing.text import fold, fold_words

#: The countries whose regions and provinces are known.
GAZETTEER_COUNTRIES: Final = ("IT", "ES", "PT", "FR")

# ISO 3166-2 subdivision types that are regions (the rest of a country's entries with a
# parent are its provinces). France's overseas entries are countries of their own in
# ISO 3166-1 and are left to the country parser.
_REGION_TYPES: Final = frozenset(
    {
        "Region",
        "Autonomous region",
        "Autonomous community",
        "Autonomous city in north africa",
        "Metropolitan region",
    }
)
_REGION_CODES: Final = frozenset({"FR-20R"})  # Corsica, a "collectivity with special status"
_FRENCH_DEPARTMENT: Final = "Metropolitan department"
# A name this short is not corrected: too many other words are one edit away.
_MIN_TYPO_CHARS: Final = 5


class Level(StrEnum):
    REGION = "region"
    PROVINCE = "province"


@dataclass(frozen=True, slots=True)
class Subdivision:
    """A region or a province. ``name`` is the local name, the one stored and matched on."""

    code: str
    country: str
    level: Level
    name: str
    en: str
    it: str
    #: For a province: the code of the region it lies in.
    region_code: str | None = None
    #: An ordinary word too ("Centro", "Manche"): understood only when the country is known.
    needs_country: bool = False

    def label(self, lang: str) -> str:
        """The name in the user's language: "Tuscany" / "Toscana"."""
        return self.it if lang_code(lang) == "it" else self.en

    @property
    def short_code(self) -> str:
        """The code after the country: "MO" for IT-MO, how Italian addresses write a province."""
        return self.code.split("-", 1)[-1]


@dataclass(frozen=True, slots=True)
class Found:
    """A subdivision a piece of text named, and the name it was corrected to if it was misspelt."""

    subdivision: Subdivision
    corrected_to: str | None = None


def place_key(text: str) -> str:
    """Fold case, accents and punctuation: "Valle d’Aosta" -> "valle d aosta"."""
    return fold_words(fold(text).replace(".", ""))


@dataclass(frozen=True, slots=True)
class Gazetteer:
    subdivisions: Mapping[str, Subdivision]
    #: folded name -> codes of every subdivision called that (a region and its province
    #: often share one: "Madrid", "La Rioja").
    names: Mapping[str, tuple[str, ...]]

    def get(self, code: str) -> Subdivision | None:
        return self.subdivisions.get(code)

    def region_of(self, subdivision: Subdivision) -> Subdivision | None:
        if subdivision.level is Level.REGION:
            return subdivision
        return self.subdivisions.get(subdivision.region_code or "")

    def province_by_code(self, country: str, code: str) -> Subdivision | None:
        """ "MO" in Italy is the province of Modena; None for anything else."""
        found = self.subdivisions.get(f"{country}-{code.upper()}")
        return found if found is not None and found.level is Level.PROVINCE else None

    def find(self, text: str, *, country: str | None = None, typos: bool = True) -> Found | None:
        """The one region or province ``text`` names, within ``country`` if given.

        A region and a province of the same name count as the region. Several different
        matches (or a typo equally close to two places) give None: a wrong guess would be
        worse than asking again.
        """
        key = place_key(text)
        if not key:
            return None
        exact = self._pick(self.names.get(key, ()), country)
        if exact is not None or not typos or len(key) < _MIN_TYPO_CHARS:
            return Found(exact) if exact is not None else None
        return self._closest(key, country)

    def _allowed(self, code: str, country: str | None) -> Subdivision | None:
        subdivision = self.subdivisions[code]
        if country is not None and subdivision.country != country:
            return None
        if country is None and subdivision.needs_country:
            return None
        return subdivision

    def _pick(self, codes: Iterable[str], country: str | None) -> Subdivision | None:
        allowed = [s for code in codes if (s := self._allowed(code, country)) is not None]
        regions = {r.code: r for s in allowed if (r := self.region_of(s)) is not None}
        if len(allowed) == 1:
            return allowed[0]
        if len(regions) == 1:
            # "Madrid": the community and its province; the region is what was meant.
            region = next(iter(regions.values()))
            return region if region in allowed else None
        return None

    def _closest(self, key: str, country: str | None) -> Found | None:
        # Optimal string alignment counts a swap ("Tsocana") as one edit; one edit for short
        # names, two for longer ones, as for countries.
        limit = 1 if len(key) <= 6 else 2
        best_distance = limit + 1
        best: dict[str, str] = {}  # region code (or own code) -> the name matched
        for name, codes in self.names.items():
            if len(name) < _MIN_TYPO_CHARS:
                continue
            distance = OSA.distance(key, name, score_cutoff=limit)
            if distance > limit or distance > best_distance:
                continue
            picked = self._pick(codes, country)
            if picked is None:
                continue
            if distance < best_distance:
                best_distance, best = distance, {}
            best.setdefault(picked.code, name)
        if len(best) != 1:
            return None
        code, _ = best.popitem()
        subdivision = self.subdivisions[code]
        return Found(subdivision, corrected_to=subdivision.name)


def _names(raw: str) -> list[str]:
    """pycountry's name and the variants written inside it.

    "Catalunya [Cataluña]" -> both; "Madrid, Comunidad de" -> "Comunidad de Madrid" and
    "Madrid"; "Guyane (française)" -> "Guyane française" and "Guyane".
    """
    names: list[str] = []
    main, _, bracketed = raw.partition(" [")
    if bracketed:
        names.append(bracketed.rstrip("]"))
    if ", " in main:
        head, tail = main.split(", ", 1)
        names += [f"{tail} {head}", head]
    else:
        names.append(main)
    return names


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, Any]]:
    text = resources.files("parsing").joinpath("data/regions.toml").read_text("utf-8")
    table: dict[str, dict[str, Any]] = tomllib.loads(text)["subdivision"]
    return table


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, built once from pycountry and the data file."""
    table = _table()
    district_region = {
        district: code for code, entry in table.items() for district in entry.get("districts", ())
    }
    subdivisions: dict[str, Subdivision] = {}
    names: dict[str, list[str]] = {}

    def add(subdivision: Subdivision, spellings: Iterable[str]) -> None:
        subdivisions[subdivision.code] = subdivision
        for spelling in spellings:
            codes = names.setdefault(place_key(spelling), [])
            if subdivision.code not in codes:
                codes.append(subdivision.code)

    for country in GAZETTEER_COUNTRIES:
        entries: Iterable[Any] = pycountry.subdivisions.get(country_code=country)  # type: ignore[no-untyped-call]
        for entry in entries:
            code, kind = str(entry.code), str(entry.type)
            extra = table.get(code, {})
            spellings = _names(str(entry.name))
            parent = district_region.get(code) or entry.parent_code
            if kind in _REGION_TYPES or code in _REGION_CODES:
                level, parent = Level.REGION, None
            elif parent is not None:
                level = Level.PROVINCE
            else:
                continue  # overseas France: a country of its own to ISO 3166-1
            name = str(extra.get("name", spellings[0]))
            add(
                Subdivision(
                    code=code,
                    country=country,
                    level=level,
                    name=name,
                    en=str(extra.get("en", name)),
                    it=str(extra.get("it", name)),
                    region_code=str(parent) if parent else None,
                    needs_country=bool(extra.get("ambiguous", kind == _FRENCH_DEPARTMENT)),
                ),
                [name, *spellings, *_spellings(extra)],
            )
    for code, extra in table.items():
        if "country" not in extra:
            continue  # a name table for an ISO entry, added above
        name = str(extra["name"])
        add(
            Subdivision(
                code=code,
                country=str(extra["country"]),
                level=Level.REGION,
                name=name,
                en=str(extra.get("en", name)),
                it=str(extra.get("it", name)),
                needs_country=bool(extra.get("ambiguous", False)),
            ),
            [name, *_spellings(extra)],
        )
    missing = set(table) - set(subdivisions)
    if missing:
        raise RuntimeError(f"regions.toml names subdivisions pycountry lacks: {sorted(missing)}")
    return Gazetteer(subdivisions, {key: tuple(codes) for key, codes in names.items()})


def _spellings(extra: Mapping[str, Any]) -> list[str]:
    return [str(extra[k]) for k in ("en", "it") if k in extra] + [
        str(alias) for alias in extra.get("aliases", ())
    ]
