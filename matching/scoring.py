"""How a match is scored (all weights in one place) and how reasons are worded (EN/IT)."""

from __future__ import annotations

from dataclasses import dataclass, fields

LANGUAGES = ("en", "it")


# A match scoring below this (out of 100) is labelled weak, whatever its trade: an atelier whose
# main specialty is the product and that works the material scores about 80 or more, one that
# lists the product among other specialties about 55, other trades 20-40.
WEAK_SCORE = 50.0


@dataclass(frozen=True, slots=True)
class Weights:
    """Points each signal can earn; the score is the sum scaled to 0-100.

    The category dominates by design: an atelier whose main specialty is the product must
    outrank one that only lists it among other specialties even when the latter works the
    right material, so `main_specialty - secondary_specialty` exceeds `materials` plus the
    soft preferences' usual spread. Soft preferences break ties between equally fit ateliers.
    """

    main_specialty: float = 55.0
    secondary_specialty: float = 20.0
    related_category: float = 8.0
    further_category_factor: float = 0.5  # a second product named in the brief counts half
    materials: float = 20.0
    child_material_credit: float = 0.6  # asked for wool, they work merino
    parent_material_credit: float = 0.4  # asked for merino, they work wool
    techniques: float = 5.0
    text: float = 6.0  # rapidfuzz token_set_ratio of the description against the atelier's text
    region: float = 3.0
    capacity: float = 4.0  # full credit at twice the quantity free
    lead_time: float = 3.0  # slack before the deadline
    handwork: float = 2.0
    rating: float = 2.0
    # Measured reliability (0-1) adds up to half this for a perfect record and takes as much
    # for a poor one; an atelier with no record is neutral. Outside `total`, so scores of
    # ateliers without a record are exactly what they were.
    reliability: float = 4.0
    # Past quotes against the designer's budget a piece: up to half of it added at or under
    # budget, taken away at half as much again or more; nothing when either is unknown. It is
    # not part of `total`, so briefs without a budget score exactly as before.
    budget: float = 3.0

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"weight {f.name} must not be negative")
        if self.total <= 0:
            raise ValueError("weights must leave something to score")

    @property
    def total(self) -> float:
        """Raw points of a perfect match."""
        return (
            self.main_specialty
            + self.materials
            + self.techniques
            + self.text
            + self.region
            + self.capacity
            + self.lead_time
            + self.handwork
            + self.rating
        )


_MESSAGES: dict[str, dict[str, str]] = {
    "main": {"en": "{label} (main specialty)", "it": "{label} (specialità principale)"},
    "secondary": {"en": "{label} (also makes it)", "it": "{label} (tra le loro specialità)"},
    "related": {"en": "related work: {label}", "it": "lavorazione affine: {label}"},
    "materials": {"en": "works {items}", "it": "lavora {items}"},
    "no_material": {
        "en": "does not list {items} among its materials",
        "it": "non indica {items} tra i materiali",
    },
    "techniques": {"en": "{items}", "it": "{items}"},
    "moq_ok": {
        "en": "MOQ {moq} per {unit} ≤ your {quantity} per {unit}",
        "it": "MOQ {moq} per {unit} ≤ i tuoi {quantity} per {unit}",
    },
    "lead_ok": {
        "en": "{lead} weeks ≤ your {deadline}",
        "it": "{lead} settimane ≤ le tue {deadline}",
    },
    "lead": {"en": "lead time {lead} weeks", "it": "consegna in {lead} settimane"},
    "handwork": {"en": "{share} % handwork", "it": "{share} % lavorazione a mano"},
    "certified": {"en": "{label} certified", "it": "certificazione {label}"},
    "country": {"en": "based in {country}", "it": "sede in {country}"},
    "region": {"en": "in {region}", "it": "in {region}"},
    "capacity_free": {
        "en": "{free} pieces free this month",
        "it": "{free} pezzi liberi questo mese",
    },
    "capacity": {
        "en": "capacity {capacity} pieces a month",
        "it": "capacità {capacity} pezzi al mese",
    },
    "rating": {"en": "rated {rating}/5", "it": "valutazione {rating}/5"},
    "answers_hours": {"en": "answers in {hours} h", "it": "risponde in {hours} h"},
    "answers_days": {"en": "answers in {days} day(s)", "it": "risponde in {days} giorno/i"},
    "on_time": {"en": "{kept} of {made} on time", "it": "{kept} su {made} puntuali"},
    "price_within": {
        "en": "quoted €{price} a piece before — within your €{budget}",
        "it": "ha proposto {price} € al pezzo — entro i tuoi {budget} €",
    },
    "price_above": {
        "en": "quoted €{price} a piece before — above your €{budget}",
        "it": "ha proposto {price} € al pezzo — oltre i tuoi {budget} €",
    },
    "moq_fail": {
        "en": "needs {moq} per {unit} — you have {quantity}",
        "it": "richiede {moq} per {unit} — ne hai {quantity}",
    },
    "moq_over_batch": {
        "en": "{moq} per {unit} is {needed} pieces a style — over its max batch of {max_batch}",
        "it": "{moq} per {unit} fanno {needed} pezzi a modello — oltre il suo lotto massimo di "
        "{max_batch}",
    },
    "batch_fail": {
        "en": "max batch {max_batch} per style < your {quantity} per style",
        "it": "lotto massimo {max_batch} per modello < i tuoi {quantity} per modello",
    },
    "unit_style": {"en": "style", "it": "modello"},
    "unit_colour": {"en": "colour", "it": "colore"},
    "unit_size": {"en": "size", "it": "taglia"},
    "lead_fail": {
        "en": "lead time {lead} weeks > your {deadline}",
        "it": "consegna in {lead} settimane > le tue {deadline}",
    },
    "country_fail": {
        "en": "based in {country}, not {wanted}",
        "it": "sede in {country}, non {wanted}",
    },
    "not_understood": {
        "en": "product not understood ({words}): ranked by materials and description",
        "it": "prodotto non compreso ({words}): ordinati per materiali e descrizione",
    },
    "no_product": {
        "en": "no product named: ranked by materials and description",
        "it": "nessun prodotto indicato: ordinati per materiali e descrizione",
    },
    "nobody_makes": {
        "en": "no listed atelier makes {label}: ranked by materials and description",
        "it": "nessun laboratorio in elenco fa {label}: ordinati per materiali e descrizione",
    },
    "cert_fail": {"en": "no {label} certification", "it": "senza certificazione {label}"},
    "handwork_fail": {
        "en": "{share} % handwork < your {minimum} %",
        "it": "{share} % lavorazione a mano < il tuo {minimum} %",
    },
}


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


def say(key: str, lang: str, **values: object) -> str:
    """One reason or failure, worded in the requested language."""
    return _MESSAGES[key][lang].format(**values)


def message_keys() -> frozenset[str]:
    return frozenset(_MESSAGES)
