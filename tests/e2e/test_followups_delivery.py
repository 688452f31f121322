"""Follow-ups and digests through the real application and PTB's HTTP stack: restarts lose
nothing and send nothing twice, a dead claimer's rows are retried, and flood control (429) and
blocked users (403) end with everything delivered or accounted for."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.db import create_engine, create_session_factory
from bot.db.base import utcnow
from bot.db.models import Delivery, DeliveryState, User
from localbotapi import LocalBotAPI
from tests.e2e.followups_world import seed_digests
from tests.e2e.harness import running_bot


async def _wait_until_settled(
    database_url: str, expected: int, within: float = 20.0
) -> dict[str, int]:
    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    deadline = asyncio.get_running_loop().time() + within
    try:
        while True:
            async with factory() as session:
                rows = await session.execute(
                    select(Delivery.state, func.count()).group_by(Delivery.state)
                )
                states = {state: count for state, count in rows.all()}
            done = states.get("sent", 0) + states.get("cancelled", 0) + states.get("failed", 0)
            if done >= expected or asyncio.get_running_loop().time() > deadline:
                return states
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()


async def test_a_restart_sends_due_deliveries_exactly_once(database_url: str) -> None:
    async with LocalBotAPI() as api:
        async with running_bot(database_url, api=api) as first:
            await seed_digests(
                first.session_factory, [8101, 8102, 8103], due_at=utcnow() + timedelta(seconds=2)
            )
        # The first process stopped before the rows were due; a new one starts later.
        await asyncio.sleep(2.1)
        async with running_bot(database_url, api=api):
            states = await _wait_until_settled(database_url, 3)
            await asyncio.sleep(0.5)  # a few more sweeps: nothing may go out twice
        assert states == {"sent": 3}
        assert [api.delivered[c] for c in (8101, 8102, 8103)] == [1, 1, 1]
        assert "Your weekly Bottega digest" in (api.last(8101).text or "")
        assert api.last(8101).button_texts == ["Interested in brief 1"]


async def test_a_delivery_claimed_by_a_process_that_died_is_retried_after_its_lease(
    database_url: str,
) -> None:
    async with LocalBotAPI() as api:
        async with running_bot(database_url, api=api) as bot:
            factory = bot.session_factory
            async with factory() as session:
                # Rows a crashed process had claimed: one lease has run out, one has not.
                [expired, alive] = await seed_digests(
                    factory, [8201, 8202], due_at=utcnow() + timedelta(hours=1)
                )
                await session.execute(
                    update(Delivery)
                    .where(Delivery.recipient_id == expired)
                    .values(
                        state="claimed",
                        claimed_by="dead",
                        attempts=1,
                        lease_until=utcnow() - timedelta(seconds=1),
                    )
                )
                await session.execute(
                    update(Delivery)
                    .where(Delivery.recipient_id == alive)
                    .values(
                        state="claimed",
                        claimed_by="dead",
                        attempts=1,
                        lease_until=utcnow() + timedelta(minutes=5),
                    )
                )
                await session.commit()
            await api.wait_for(8201, contains="weekly Bottega digest")
            await api.expect_silence(8202, within=0.6)
            async with factory() as session:
                row = await session.scalar(select(Delivery).where(Delivery.recipient_id == expired))
                assert row is not None
                assert (row.state, row.attempts) == (DeliveryState.SENT, 2)
        assert api.delivered[8201] == 1


async def test_flood_control_and_blocked_users_end_with_every_digest_accounted_for(
    database_url: str,
) -> None:
    recipients = list(range(8300, 8360))
    blocked = {8305, 8317, 8342}
    async with LocalBotAPI(blocked_users=blocked, global_limit_per_s=200) as api:
        # Telegram answers 429 with retry_after a few times in the middle of the run.
        api.fail_next("sendMessage", n=3, status=429, retry_after=1)
        async with running_bot(database_url, api=api, send_rate_per_second=100.0) as bot:
            user_ids = await seed_digests(bot.session_factory, recipients)
            states = await _wait_until_settled(database_url, len(recipients))
            async with bot.session_factory() as session:
                unreachable = set(
                    (
                        await session.scalars(
                            select(User.telegram_id).where(User.reachable.is_(False))
                        )
                    ).all()
                )
        assert states == {"sent": 57, "cancelled": 3}
        assert unreachable == blocked
        assert all(api.delivered[c] == 1 for c in recipients if c not in blocked)
        assert all(api.delivered[c] == 0 for c in blocked)
        assert api.too_many_requests >= 3
        assert len(user_ids) == len(recipients)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_instances_sweeping_one_database_never_send_twice(database_url: str) -> None:
    recipients = list(range(900_000, 902_000))
    # At 300 msg/s each instance claims 600 rows at a time and holds at most two batches, so
    # both take part; the claim is what keeps them from sending anything twice.
    async with (
        LocalBotAPI(record=False) as api,
        running_bot(database_url, api=api, send_rate_per_second=300.0) as first,
        running_bot(database_url, api=api, send_rate_per_second=300.0) as second,
    ):
        await seed_digests(first.session_factory, recipients)
        states = await _wait_until_settled(database_url, len(recipients), within=40)
        async with second.session_factory() as session:
            claimers = dict(
                (
                    await session.execute(
                        select(Delivery.claimed_by, func.count()).group_by(Delivery.claimed_by)
                    )
                ).all()
            )
    assert states == {"sent": len(recipients)}
    assert sum(api.delivered.values()) == len(recipients)
    assert max(api.delivered[c] for c in recipients) == 1
    assert len(claimers) == 2  # both instances did part of the work
