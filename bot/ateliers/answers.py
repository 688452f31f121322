"""Reading an atelier's typed answers: each registration question's text becomes draft values,
or a `Problem` whose code selects the localized re-ask.

Specialties become taxonomy ids (confirmed by the owner). Materials and techniques are kept in
the owner's own words ("crepe de chine", "hand rolled hems"), and what the taxonomy understood
of each is shown beside them (`understood()`); the matcher reads the same words the same way,
so nothing the owner said is generalised away or lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

import matching
import parsing

MAX_NAME = 200
MAX_PLACE = 100
MAX_DESCRIPTION = 1000
MAX_ITEMS = 30
MAX_ITEM = 120
MAX_PIECES = 10_000_000
MAX_LEAD_WEEKS = parsing.MAX_LEAD_TIME_WEEKS
CONFIDENT = 75.0

_SPLIT = re.compile(r"\s*(?:[,;/\n•]|\band\b|\bed?\b|\by\b|\bet\b)\s*", re.IGNORECASE)
_NONE = frozenset(
    {"none", "no", "nessuna", "nessuno", "niente", "nothing", "n/a", "na", "-", "nope", "non"}
)
SUGGEST_FROM = 50.0
# "0.8" for a share: a fraction, most likely meaning 80 %, never silently 1 %.
_FRACTION = re.compile(r"^\s*0[.,](\d{1,4})\s*$")
_FULL = frozenset({"full", "pieno", "pieni", "piena", "piene", "esaurito", "zero", *_NONE})


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    values: dict[str, Any] = field(default_factory=dict)


Answer = dict[str, Any] | Problem
Parser = Callable[[str, str, dict[str, Any]], Answer]


def _from_parse_error(error: parsing.ParseError, *, limit: int = 0) -> Problem:
    if error.code == "too_long":
        return Problem("too_long", {"length": error.detail or "?", "limit": limit or "?"})
    return Problem(error.code)


def _text(text: str, limit: int) -> str | Problem:
    cleaned = parsing.clean_text(text, max_len=limit)
    if isinstance(cleaned, parsing.ParseError):
        return _from_parse_error(cleaned, limit=limit)
    return cleaned


def parse_name(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    name = _text(text, MAX_NAME)
    if isinstance(name, Problem):
        return name
    return {"name": " ".join(name.split())}


def parse_country(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    code = parsing.parse_country(text, lang)
    if isinstance(code, parsing.ParseError):
        return _from_parse_error(code)
    return {"country": code}


def parse_place(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    """ "Prato, Toscana" -> city Prato, region Toscana; "Carpi (MO), Emilia Romagna" -> city
    Carpi, region Emilia-Romagna (the province code is not the region); one name is the city."""
    country = draft.get("country")
    place = parsing.parse_address(text, lang, country=country if isinstance(country, str) else None)
    if isinstance(place, parsing.ParseError):
        if place.code == "too_long":
            return Problem("too_long", {"length": place.detail, "limit": MAX_PLACE})
        return _from_parse_error(place)
    return {"city": place.city or "", "region": place.region or ""}


def concept_label(concept_id: str, lang: str) -> str:
    return matching.label(concept_id, lang)


def parse_specialties(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    """Category ids the owner described; the conversation asks them to confirm."""
    cleaned = _text(text, 500)
    if isinstance(cleaned, Problem):
        return cleaned
    ids = [c.id for c in matching.categories_in(cleaned)]
    if not ids:
        ids = [
            c.id
            for c in matching.understand(cleaned, "category", limit=5)
            if c.confidence >= CONFIDENT
        ]
    if not ids:
        suggestions = [
            c.id
            for c in matching.understand(cleaned, "category", limit=3)
            if c.confidence >= SUGGEST_FROM
        ]
        if suggestions:
            names = ", ".join(concept_label(i, lang) for i in suggestions)
            return Problem("specialty_guess", {"suggestions": names})
        return Problem("specialty_unknown")
    return {"category_ids": list(dict.fromkeys(ids))[:10]}


def _items(text: str) -> list[str]:
    return [" ".join(p.split()) for p in _SPLIT.split(text) if p and p.strip(" .")]


def _skills(text: str, kind: str, lang: str) -> list[str] | Problem:
    """The items of a list answer in the owner's words ([] for "none"); only a misspelling of
    the one thing the taxonomy understood ("cachemire") is written as its name ("cashmere")."""
    cleaned = _text(text, 1500)
    if isinstance(cleaned, Problem):
        return cleaned
    if cleaned.strip(" .!").casefold() in _NONE:
        return []
    unique = list(
        dict.fromkeys(
            _spelled(item.strip(" .")[:MAX_ITEM], kind, lang)
            for item in _items(cleaned)
            if item.strip(" .")
        )
    )
    if len(unique) > MAX_ITEMS:
        return Problem("too_many_items", {"limit": MAX_ITEMS})
    return unique


# How alike (0-100) typed words and a taxonomy name must be to count as a misspelling of it.
SPELLING = 65.0


def _spelled(item: str, kind: str, lang: str) -> str:
    labels = understood(item, kind, lang)
    if len(labels) == 1:
        folded, label = parsing.fold(item), parsing.fold(labels[0])
        if folded != label and fuzz.ratio(folded, label) >= SPELLING:
            return labels[0]
    return item


def understood(words: str, kind: str, lang: str) -> tuple[str, ...]:
    """What the taxonomy makes of one item in the owner's words: its labels in `lang`, or
    nothing when it knows no such material or technique (the words are kept all the same)."""
    found = [c for c in matching.understand(words, kind, limit=5) if c.confidence >= CONFIDENT]
    return tuple(dict.fromkeys(concept_label(c.id, lang) for c in found))


def with_understanding(items: list[str], kind: str, lang: str) -> str:
    """ "crepe de chine (silk), hand rolled hems (hand finishing), tessuto nostro" """
    shown: list[str] = []
    for item in items:
        labels = [x for x in understood(item, kind, lang) if x.casefold() != item.casefold()]
        shown.append(f"{item} ({', '.join(labels)})" if labels else item)
    return ", ".join(shown)


def merge_list(current: list[str], typed: list[str], mode: str) -> list[str]:
    """A list edited from /profile: `add` the typed items, `remove` them (by the words shown, or
    by what they mean), or `replace` the whole list."""
    if mode == "add":
        merged = list(dict.fromkeys([*current, *typed]))
        return merged[:MAX_ITEMS]
    if mode == "remove":
        gone = {item.casefold() for item in typed}
        return [item for item in current if item.casefold() not in gone]
    return typed


def unknown_items(current: list[str], typed: list[str]) -> list[str]:
    """Items asked to be removed that are not in the list."""
    present = {item.casefold() for item in current}
    return [item for item in typed if item.casefold() not in present]


def parse_materials(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    materials = _skills(text, "material", lang)
    if isinstance(materials, Problem):
        return materials
    if not materials and draft.get("list_mode") != "remove":
        return Problem("materials_needed")
    return {"materials": materials}


def parse_techniques(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    techniques = _skills(text, "technique", lang)
    if isinstance(techniques, Problem):
        return techniques
    return {"techniques": techniques}


def _pieces(text: str, lang: str, *, allow_zero: bool = False) -> int | Problem:
    if allow_zero and text.strip(" .!").casefold() in _FULL:
        return 0
    quantity = parsing.parse_quantity(text, lang, maximum=MAX_PIECES)
    if isinstance(quantity, parsing.ParseError):
        if quantity.code == "too_large":
            return Problem("too_large", {"limit": MAX_PIECES})
        if allow_zero and quantity.code == "zero":
            return 0  # "0", "0 pieces", "zero pezzi": full this month
        return _from_parse_error(quantity)
    if quantity.low != quantity.high:
        return Problem("one_number")
    return quantity.value


# "50 per colour", "100 a taglia", "30 each style", "20 per colorway": what a minimum counts.
_MOQ_UNIT = re.compile(
    r"\b(?:per|a|each|every|ogni|for\s+each|for\s+every|al|alla|per\s+ogni)\s+([^\W\d_]+)\s*$"
)


def parse_moq(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    """The minimum and what it counts: "30" (per style), "50 per colour", "100 per taglia"."""
    unit = "style"
    found = _MOQ_UNIT.search(text.strip().rstrip(".!").casefold())
    if found:
        named = matching.parse_unit(found.group(1))
        before = text.strip().rstrip(".!")[: found.start()]
        if named is not None:
            unit, text = named, before
        elif any(c.isdigit() for c in before):
            return Problem("moq_unit")  # "50 per pair": a number per something else
    moq = _pieces(text, lang)
    if isinstance(moq, Problem):
        return moq
    return {"moq": moq, "moq_per": unit}


def parse_max_batch(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    most = _pieces(text, lang)
    if isinstance(most, Problem):
        return most
    moq = draft.get("moq")
    if isinstance(moq, int) and most < moq:
        return Problem("max_below_moq", {"moq": moq, "max": most})
    return {"max_batch": most}


def parse_monthly_capacity(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    pieces = _pieces(text, lang)
    if isinstance(pieces, Problem):
        return pieces
    return {"monthly_capacity": pieces}


def parse_free_capacity(text: str, lang: str) -> int | Problem:
    """Free pieces this month, for /capacity: 0 is a fine answer ("we're full")."""
    return _pieces(text, lang, allow_zero=True)


def parse_lead_time(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    """Weeks from order to delivery: "6", "6 weeks", "4-6 settimane" (the longer end), "2 mesi",
    "10 days" (rounded up to whole weeks)."""
    weeks = parsing.parse_lead_time(text, lang)
    if isinstance(weeks, parsing.ParseError):
        if weeks.code == "too_large":
            return Problem("lead_time_too_long", {"limit": MAX_LEAD_WEEKS})
        return _from_parse_error(weeks)
    return {"lead_time_weeks": weeks}


def parse_handwork(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    fraction = _FRACTION.match(text)
    if fraction is not None:
        percent = round(float("0." + fraction.group(1)) * 100)
        return Problem("percent_fraction", {"percent": percent})
    share = parsing.parse_percentage(text, lang)
    if isinstance(share, parsing.ParseError):
        return (
            Problem("percent_range") if share.code == "out_of_range" else _from_parse_error(share)
        )
    return {"handwork_share": share}


def parse_certifications(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    cleaned = _text(text, 1000)
    if isinstance(cleaned, Problem):
        return cleaned
    if cleaned.strip(" .!").casefold() in _NONE:
        return {"certifications": []}
    out: list[str] = []
    for item in _items(cleaned):
        known = matching.normalise_certification(item)
        out.append(concept_label(known, "en") if known else item.strip(" .")[:MAX_ITEM])
    unique = list(dict.fromkeys(v for v in out if v))
    if len(unique) > MAX_ITEMS:
        return Problem("too_many_items", {"limit": MAX_ITEMS})
    return {"certifications": unique}


def parse_contact(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    region = draft.get("country")
    contact = parsing.parse_contact(text, region if isinstance(region, str) and region else "IT")
    if isinstance(contact, parsing.ParseError):
        return _from_parse_error(contact)
    email, phone = contact
    return {"contact": " · ".join(part for part in (email, phone) if part)}


def parse_description(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    description = _text(text, MAX_DESCRIPTION)
    if isinstance(description, Problem):
        return description
    return {"description": description}


def _language_names() -> dict[str, str]:
    """Folded language names in English, Italian and each language itself -> ISO 639-1 code:
    "inglese", "English", "italiano", "deutsch"."""
    from babel import Locale

    names: dict[str, str] = {}
    for code in LANGUAGE_CODES:
        for locale in ("en", "it", code):
            name = Locale.parse(locale).languages.get(code)
            if name:
                names[parsing.fold(name)] = code
        names[code] = code
    return names


# Languages an atelier may say it speaks: the buttons' six and the other common European ones.
LANGUAGE_CODES: tuple[str, ...] = (
    *("it", "en", "fr", "de", "es", "pt", "nl", "pl", "el", "ro", "sv", "da", "cs", "hu"),
    *("ja", "zh", "ru", "ar", "tr"),
)
_LANGUAGE_NAMES: dict[str, str] = {}


def parse_languages(text: str, lang: str, draft: dict[str, Any]) -> Answer:
    """Typed languages: "inglese, italiano", "English and French", "it en"."""
    if not _LANGUAGE_NAMES:
        _LANGUAGE_NAMES.update(_language_names())
    cleaned = _text(text, 300)
    if isinstance(cleaned, Problem):
        return cleaned
    items = (
        [i for i in _items(cleaned.replace(" ", ",")) if i] if " " in cleaned else _items(cleaned)
    )
    codes: list[str] = []
    for item in items:
        code = _LANGUAGE_NAMES.get(parsing.fold(item))
        if code is None:
            return Problem("language_unknown", {"text": item[:40]})
        codes.append(code)
    if not codes:
        return Problem("use_buttons")
    return {"languages": list(dict.fromkeys(codes))}


PARSERS: dict[str, Parser] = {
    "name": parse_name,
    "country": parse_country,
    "place": parse_place,
    "specialties": parse_specialties,
    "materials": parse_materials,
    "techniques": parse_techniques,
    "moq": parse_moq,
    "max_batch": parse_max_batch,
    "monthly_capacity": parse_monthly_capacity,
    "lead_time_weeks": parse_lead_time,
    "handwork_share": parse_handwork,
    "certifications": parse_certifications,
    "languages": parse_languages,
    "contact": parse_contact,
    "description": parse_description,
}
