"""How a match is scored (all weights in one place) and how reasons are worded (EN/IT, from the
TOML catalogs in `matching/locales/`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources

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


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang


@cache
def _reasons(lang: str) -> dict[str, str]:
    """The wording of reasons and near misses: `locales/<lang>/reasons.toml`, the same catalog
    format as the bot's (which loads these files into its own catalog under `reasons.`)."""
    text = resources.files("matching").joinpath("locales", lang, "reasons.toml").read_text("utf-8")
    return {key: str(value) for key, value in tomllib.loads(text).items()}


def say(key: str, lang: str, **values: object) -> str:
    """One reason or failure, worded in the requested language."""
    return _reasons(check_language(lang))[key].format(**values)


def message_keys() -> frozenset[str]:
    return frozenset(_reasons("en"))
