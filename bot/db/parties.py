"""The two sides a record is between: the brief (its designer's) and the atelier."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Atelier, Brief, IntroRequest, Order, Quote


async def brief_and_atelier(
    session: AsyncSession, record: IntroRequest | Quote | Order
) -> tuple[Brief, Atelier] | None:
    """The brief and the atelier an introduction, a quote or an order is between; None when
    either is gone, and then nothing about the record is sent or shown."""
    brief = await session.get(Brief, record.brief_id)
    atelier = await session.get(Atelier, record.atelier_id)
    return None if brief is None or atelier is None else (brief, atelier)
