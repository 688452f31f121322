"""Claiming due deliveries: a claim never takes more rows than asked, and concurrent claimers
never take the same row (real SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Delivery, DeliveryState, User
from bot.outbox.sweeper import claim_due
from tests.scheduling.helpers import T0, Ping

Factory = async_sessionmaker[AsyncSession]


async def _due_rows(factory: Factory, count: int) -> None:
    async with factory() as session:
        user_id = (
            await session.execute(insert(User).values(telegram_id=777).returning(User.id))
        ).scalar_one()
        await session.execute(
            insert(Delivery),
            [
                {
                    "kind": Ping.kind,
                    "recipient_id": user_id,
                    "payload": Ping(n).encode(),
                    "due_at": T0 - timedelta(seconds=n % 7),
                    "state": DeliveryState.PENDING,
                    "attempts": 0,
                }
                for n in range(count)
            ],
        )
        if session.get_bind().dialect.name == "postgresql":
            # Fresh statistics: the planner then picks the plan that re-ran the sub-select.
            await session.execute(text("ANALYZE deliveries"))
        await session.commit()


async def _claimed(factory: Factory) -> int:
    async with factory() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.state == DeliveryState.CLAIMED)
            )
            or 0
        )


async def test_a_claim_takes_at_most_the_rows_asked_for(session_factory: Factory) -> None:
    await _due_rows(session_factory, 2000)

    ids = await claim_due(session_factory, now=T0, limit=40, worker="one")

    assert len(ids) == 40
    assert await _claimed(session_factory) == 40


async def test_concurrent_claimers_share_the_rows_without_overlap_or_excess(
    session_factory: Factory,
) -> None:
    await _due_rows(session_factory, 2000)

    async def claimer(name: str) -> list[int]:
        taken: list[int] = []
        for _ in range(5):
            ids = await claim_due(session_factory, now=T0, limit=40, worker=name)
            assert len(ids) <= 40
            taken += ids
        return taken

    results = await asyncio.gather(*(claimer(f"w{n}") for n in range(6)))

    every = [i for ids in results for i in ids]
    assert len(every) == len(set(every))  # no row claimed twice
    assert len(every) <= 6 * 5 * 40
    assert await _claimed(session_factory) == len(every)


async def test_claims_stay_within_the_limit_while_others_record_outcomes(
    session_factory: Factory,
) -> None:
    """The case that once claimed 900 rows for a limit of 40 on PostgreSQL: the claim's UPDATE
    meets rows that other transactions are changing at that moment (outcomes, lease renewals),
    re-checks them, and a re-evaluated sub-select would pick a fresh set each time."""
    await _due_rows(session_factory, 3000)
    sizes: list[int] = []
    stop = asyncio.Event()

    async def claimer(name: str) -> None:
        for _ in range(8):
            ids = await claim_due(session_factory, now=T0, limit=40, worker=name)
            sizes.append(len(ids))
            async with session_factory() as session:
                # Give them straight back as due, the way a stopping sender does, so that
                # the next claims meet rows being written.
                for delivery_id in ids:
                    await session.execute(
                        update(Delivery)
                        .where(Delivery.id == delivery_id)
                        .values(state=DeliveryState.PENDING, claimed_by=None)
                    )
                await session.commit()
        stop.set()

    async def writer(start: int) -> None:
        # The rows first in claim order (the oldest due: ids 7, 14, 21, …), touched one at a time.
        step = start
        while not stop.is_set():
            async with session_factory() as session:
                await session.execute(
                    update(Delivery)
                    .where(Delivery.id == 7 * (step % 60 + 1))
                    .values(attempts=Delivery.attempts)
                )
                await session.commit()
            step += 1

    await asyncio.gather(*(claimer(f"w{n}") for n in range(4)), writer(0), writer(30))

    assert sizes and max(sizes) <= 40
