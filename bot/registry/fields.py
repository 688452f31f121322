"""The fields of an atelier's profile, whoever writes them: the registration's draft, a row of
the registry's CSV file, the profile edits. Each has the name of its column in `ateliers`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.models import QuantityUnit


@dataclass(frozen=True, slots=True, kw_only=True)
class AtelierFields:
    name: str
    country: str
    region: str
    city: str
    specialties: tuple[str, ...]  # main specialty first
    materials: tuple[str, ...]
    techniques: tuple[str, ...]
    moq: int
    max_batch: int
    monthly_capacity: int
    lead_time_weeks: int
    handwork_share: int
    certifications: tuple[str, ...]
    languages: tuple[str, ...]
    contact: str
    description: str
    # What the minimum counts: style, colour or size (a registration begun, or a file written,
    # before it was asked for means style).
    moq_per: str = QuantityUnit.STYLE.value
