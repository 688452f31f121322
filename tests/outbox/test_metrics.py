"""The outbox's Prometheus metrics, read from the default registry the application serves:
deliveries by kind and outcome, 429 answers, and the backlog of due deliveries."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from prometheus_client import REGISTRY
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox
from bot.db.models import Delivery, DeliveryState
from bot.outbox.metrics import refresh_backlog
from bot.outbox.sweeper import sweep
from localbotapi import LocalBotAPI
from tests.e2e.followups_world import seed_digests
from tests.e2e.harness import running_bot
from tests.scheduling.helpers import T0, FakeBot, Ping, add_user, flaky

Factory = async_sessionmaker[AsyncSession]


def _value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_the_backlog_counts_what_is_due_and_unsent_and_how_long_the_oldest_waited(
    session_factory: Factory,
) -> None:
    ada = await add_user(session_factory, 601)
    async with session_factory() as session:
        for minutes in (10, 4, 1):
            await outbox.schedule(
                session, Ping(), recipient_id=ada.id, due_at=T0 - timedelta(minutes=minutes)
            )
        await outbox.schedule(session, Ping(), recipient_id=ada.id, due_at=T0 + timedelta(hours=1))
        await session.commit()

    assert await refresh_backlog(session_factory, T0) == (3, 600.0)
    assert _value("bottega_outbox_backlog") == 3
    assert _value("bottega_outbox_oldest_due_age_seconds") == 600.0

    await sweep(FakeBot(), session_factory, now=T0)  # type: ignore[arg-type]

    assert _value("bottega_outbox_backlog") == 0
    assert _value("bottega_outbox_oldest_due_age_seconds") == 0


async def test_retries_and_failures_are_counted_by_kind(session_factory: Factory) -> None:
    bea = await add_user(session_factory, 602)
    async with session_factory() as session:
        await outbox.schedule(session, Ping(), recipient_id=bea.id, due_at=T0)
        await session.commit()
    retried = _value("bottega_deliveries_retried_total", kind=Ping.kind)

    await sweep(FakeBot(fail={602: flaky()}), session_factory, now=T0)  # type: ignore[arg-type]

    assert _value("bottega_deliveries_retried_total", kind=Ping.kind) == retried + 1


async def test_a_digest_run_is_counted_sent_dropped_and_rate_limited(database_url: str) -> None:
    recipients = list(range(8600, 8610))
    before = {
        "sent": _value("bottega_deliveries_sent_total", kind="digest"),
        "dropped": _value("bottega_deliveries_dropped_total", kind="digest"),
        "429": _value("bottega_telegram_429_total"),
    }
    async with LocalBotAPI(blocked_users={8603}) as api:
        api.fail_next("sendMessage", n=2, status=429, retry_after=1)
        async with running_bot(database_url, api=api) as bot:
            await seed_digests(bot.session_factory, recipients)
            for _ in range(300):
                async with bot.session_factory() as session:
                    open_rows = await session.scalar(
                        select(func.count())
                        .select_from(Delivery)
                        .where(Delivery.state.in_([DeliveryState.PENDING, DeliveryState.CLAIMED]))
                    )
                if not open_rows:
                    break
                await asyncio.sleep(0.1)

    assert _value("bottega_deliveries_sent_total", kind="digest") == before["sent"] + 9
    assert _value("bottega_deliveries_dropped_total", kind="digest") == before["dropped"] + 1
    assert _value("bottega_telegram_429_total") >= before["429"] + 2
    assert _value("bottega_outbox_backlog") == 0
