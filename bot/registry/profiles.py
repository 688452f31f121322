"""The matcher's view of the registry, read with Core selects (no ORM objects); verification."""

from __future__ import annotations

import dataclasses
import functools
import json
import statistics
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Select, Table, Text, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.db.models import Atelier, Feedback, Quote, QuoteState

_TABLE: Table = Atelier.__table__  # type: ignore[assignment]
_LISTS = ("specialties", "materials", "techniques", "certifications", "languages")
_SCALARS = (
    "ref",
    "name",
    "country",
    "region",
    "city",
    "moq",
    "max_batch",
    "monthly_capacity",
    "lead_time_weeks",
    "handwork_share",
    "description",
    "verified",
    "paused",
    "listed",
    "available_capacity",
    "moq_per",
)
# Ids are read in chunks so a statement's parameters stay few on every database.
_CHUNK = 1000


@functools.lru_cache(maxsize=65_536)
def _list_of(stored: str | None) -> tuple[str, ...]:
    """A list column's JSON text as a tuple; registries repeat the same lists, so each once."""
    if not stored:
        return ()
    value = json.loads(stored)
    return tuple(value) if isinstance(value, list) else ()


def _matched_columns() -> Select[Any]:
    # List columns come as their JSON text, decoded once per distinct value by _list_of.
    return select(
        _TABLE.c.id,
        *(_TABLE.c[name] for name in _SCALARS),
        *(cast(_TABLE.c[name], Text).label(name) for name in _LISTS),
    )


def _profile(
    row: Sequence[Any],
    rating: float | None,
    shared: dict[Any, Any] | None = None,
    price: float | None = None,
) -> matching.AtelierProfile:
    # Positional, in _matched_columns() order: attribute access by name costs more than the
    # rest of the conversion at 100 000 rows.
    (
        _,
        ref,
        name,
        country,
        region,
        city,
        moq,
        max_batch,
        monthly_capacity,
        lead_time_weeks,
        handwork_share,
        description,
        verified,
        paused,
        listed,
        available_capacity,
        moq_per,
        specialties,
        materials,
        techniques,
        certifications,
        languages,
    ) = row
    if shared is not None:
        # A registry repeats its places and round quantities thousands of times; the driver
        # hands each row its own copies. One object per distinct value: a fifth less memory.
        one = shared.setdefault
        country, region, city = one(country, country), one(region, region), one(city, city)
        moq, max_batch = one(moq, moq), one(max_batch, max_batch)
        monthly_capacity = one(monthly_capacity, monthly_capacity)
        moq_per = one(moq_per, moq_per)
    return matching.AtelierProfile(
        ref,
        name,
        country,
        region,
        city,
        _list_of(specialties),
        _list_of(materials),
        _list_of(techniques),
        moq,
        max_batch,
        monthly_capacity,
        lead_time_weeks,
        handwork_share,
        _list_of(certifications),
        _list_of(languages),
        description,
        verified,
        paused or not listed,
        available_capacity,
        rating,
        moq_per,
        quoted_unit_price=price,
    )


def _ratings_query(ids: Collection[int] | None) -> Select[Any]:
    query = (
        select(Feedback.atelier_id, func.avg(Feedback.stars))
        .join(Atelier, Atelier.id == Feedback.atelier_id)
        .where(
            or_(
                Feedback.from_user_id.is_(None),
                Atelier.owner_id.is_(None),
                Feedback.from_user_id != Atelier.owner_id,
            )
        )
        .group_by(Feedback.atelier_id)
    )
    return query if ids is None else query.where(Feedback.atelier_id.in_(ids))


async def ratings(session: AsyncSession, ids: Collection[int] | None = None) -> dict[int, float]:
    """Average stars per atelier, from the designers it worked with (its owner's own answer to
    "How did it go?" is about the designer, and must not rate the atelier); all ateliers, or
    those with the given ids."""
    found: dict[int, float] = {}
    if ids is None:
        rows = await session.execute(_ratings_query(None))
        return {atelier_id: float(avg) for atelier_id, avg in rows.all()}
    chosen = list(ids)
    for start in range(0, len(chosen), _CHUNK):
        rows = await session.execute(_ratings_query(chosen[start : start + _CHUNK]))
        found.update({atelier_id: float(avg) for atelier_id, avg in rows.all()})
    return found


async def quoted_prices(
    session: AsyncSession, ids: Collection[int] | None = None
) -> dict[int, float]:
    """Each atelier's median price a piece over the quotes it has sent in euros (every version
    but the superseded ones): what a designer's budget is compared with."""
    query = select(Quote.atelier_id, Quote.unit_price).where(
        Quote.currency == "EUR", Quote.state != QuoteState.SUPERSEDED
    )
    prices: dict[int, list[float]] = {}
    chosen = None if ids is None else list(ids)
    starts = [0] if chosen is None else range(0, len(chosen), _CHUNK)
    for start in starts:
        statement = (
            query
            if chosen is None
            else query.where(Quote.atelier_id.in_(chosen[start : start + _CHUNK]))
        )
        for atelier_id, price in (await session.execute(statement)).all():
            prices.setdefault(atelier_id, []).append(float(price))
    return {atelier_id: statistics.median(values) for atelier_id, values in prices.items()}


async def load_registry(session: AsyncSession) -> list[tuple[int, matching.AtelierProfile]]:
    """Every listed atelier with its id, as the matcher sees it (the index filters
    unverified and paused ones), in id order."""
    rating_of = await ratings(session)
    price_of = await quoted_prices(session)
    result = await session.stream(
        _matched_columns()
        .where(_TABLE.c.listed.is_(True))
        .order_by(_TABLE.c.id)
        .execution_options(yield_per=5000)
    )
    registry: list[tuple[int, matching.AtelierProfile]] = []
    shared: dict[Any, Any] = {}
    async for rows in result.partitions():
        registry.extend(
            (row[0], _profile(row, rating_of.get(row[0]), shared, price_of.get(row[0])))
            for row in rows
        )
    return await _with_reliability(session, registry, None)


async def _with_reliability(
    session: AsyncSession,
    registry: list[tuple[int, matching.AtelierProfile]],
    ids: Collection[int] | None,
) -> list[tuple[int, matching.AtelierProfile]]:
    """Measured reliability (bot/reliability) on the profiles of ateliers that have a record."""
    from bot.reliability.service import figures, for_matching

    # A long list of ids is read as "every atelier with a record" (fewer rows than ids, and no
    # statement with more parameters than a database takes).
    measured = await figures(session, ids if ids is not None and len(ids) <= _CHUNK else None)
    if not measured:
        return registry
    with_record = []
    for atelier_id, profile in registry:
        record = measured.get(atelier_id)
        if record is not None and (record.asked or record.accepted):
            score, hours, on_time = for_matching(record)
            profile = dataclasses.replace(
                profile, reliability=score, answer_hours=hours, on_time=on_time
            )
        with_record.append((atelier_id, profile))
    return with_record


async def load_profiles(session: AsyncSession) -> list[matching.AtelierProfile]:
    """Every listed atelier as the matcher sees it (the index filters unverified/paused)."""
    return [profile for _, profile in await load_registry(session)]


async def profiles_by_id(
    session: AsyncSession, ids: Collection[int]
) -> dict[int, matching.AtelierProfile]:
    """The listed ateliers among `ids`; an id missing from the answer is deleted or unlisted."""
    chosen: Sequence[int] = sorted(ids)
    rating_of = await ratings(session, chosen)
    price_of = await quoted_prices(session, chosen)
    found: dict[int, matching.AtelierProfile] = {}
    for start in range(0, len(chosen), _CHUNK):
        rows = await session.execute(
            _matched_columns().where(
                and_(_TABLE.c.id.in_(chosen[start : start + _CHUNK]), _TABLE.c.listed.is_(True))
            )
        )
        found.update(
            {
                row[0]: _profile(row, rating_of.get(row[0]), None, price_of.get(row[0]))
                for row in rows
            }
        )
    return dict(await _with_reliability(session, list(found.items()), chosen))


async def get_by_ref(session: AsyncSession, ref: str) -> Atelier | None:
    return await session.scalar(select(Atelier).where(Atelier.ref == ref))
