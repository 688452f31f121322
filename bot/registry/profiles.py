"""Atelier use cases: the matchable view of the registry, verification, capacity."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.db.models import Atelier, Feedback
from bot.registry.importing import to_profile


async def ratings(session: AsyncSession) -> dict[int, float]:
    """Average stars per atelier, from the designers it worked with (its owner's own answer to
    "How did it go?" is about the designer, and must not rate the atelier)."""
    rows = await session.execute(
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
    return {atelier_id: float(avg) for atelier_id, avg in rows.all()}


async def load_profiles(session: AsyncSession) -> list[matching.AtelierProfile]:
    """Every listed atelier as the matcher sees it (the index filters unverified/paused)."""
    rating_of = await ratings(session)
    result = await session.scalars(
        select(Atelier).where(Atelier.listed.is_(True)).order_by(Atelier.id)
    )
    return [to_profile(a, rating_of.get(a.id)) for a in result.all()]


async def get_by_ref(session: AsyncSession, ref: str) -> Atelier | None:
    return await session.scalar(select(Atelier).where(Atelier.ref == ref))


async def verify_by_ref(session: AsyncSession, ref: str) -> Atelier | None:
    atelier = await get_by_ref(session, ref)
    if atelier is None:
        return None
    atelier.verified = True
    await session.commit()
    return atelier
