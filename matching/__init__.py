"""Bottega's matching engine: understand briefs and atelier profiles, rank ateliers for a brief.

A pure library: plain frozen dataclasses in and out, no bot, database or scheduler imports.
"""

from matching.index import AtelierIndex
from matching.models import AtelierProfile, BriefQuery, Concept, Match, MatchResult, NearMiss
from matching.quantities import UNITS, OrderShape, Unit, parse_unit
from matching.scoring import Weights
from matching.taxonomy import label, likely_materials, taxonomy_ids
from matching.understanding import categories_in, normalise_certification, understand

__all__ = [
    "UNITS",
    "AtelierIndex",
    "AtelierProfile",
    "BriefQuery",
    "Concept",
    "Match",
    "MatchResult",
    "NearMiss",
    "OrderShape",
    "Unit",
    "Weights",
    "categories_in",
    "label",
    "likely_materials",
    "normalise_certification",
    "parse_unit",
    "taxonomy_ids",
    "understand",
]
