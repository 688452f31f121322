"""Seeding helpers for the follow-up end-to-end tests: users and due deliveries in bulk."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.base import utcnow
from bot.db.models import Delivery, DeliveryState, User
from bot.digest.service import DigestBrief, WeeklyDigest

DIGEST_PAYLOAD: dict[str, Any] = WeeklyDigest(
    week="2026-W10",
    through=datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
    briefs=(
        DigestBrief(
            brief_id=1,
            atelier_id=1,
            atelier_name="Maglificio",
            category="knitwear",
            quantity=80,
            materials=("merino",),
            country="IT",
        ),
    ),
).encode()


async def seed_digests(
    session_factory: async_sessionmaker[AsyncSession],
    telegram_ids: list[int],
    *,
    due_at: datetime | None = None,
    kind: str = "digest",
    chunk: int = 2000,
) -> list[int]:
    """One user and one due digest row per Telegram id; returns the user ids."""
    due_at = due_at or utcnow()
    user_ids: list[int] = []
    async with session_factory() as session:
        for start in range(0, len(telegram_ids), chunk):
            part = telegram_ids[start : start + chunk]
            result = await session.execute(
                insert(User).returning(User.id),
                [{"telegram_id": tid, "language": "en", "role": "atelier"} for tid in part],
            )
            ids = list(result.scalars().all())
            await session.execute(
                insert(Delivery),
                [
                    {
                        "kind": kind,
                        "recipient_id": uid,
                        "payload": DIGEST_PAYLOAD,
                        "dedupe_key": f"digest:{uid}:2026-W10",
                        "due_at": due_at,
                        "state": DeliveryState.PENDING,
                        "attempts": 0,
                    }
                    for uid in ids
                ],
            )
            user_ids += ids
        await session.commit()
    return user_ids
