"""The weekly digest as a paid broadcast: off by default; when the operator opts in, digests
(and only digests) go out with allow_paid_broadcast, and `bottega digest send-now` says what
it will cost and asks before it queues anything."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import AIORateLimiter, ExtBot
from typer.testing import CliRunner

import matching
from bot.cli import app
from bot.db.base import utcnow
from bot.digest.service import plan_digests
from bot.outbox import enqueue
from bot.outbox.pacing import PAID_KINDS, PaidBroadcast, paid_cost
from bot.outbox.sweeper import sweep
from bot.registry.profiles import load_profiles
from localbotapi import LocalBotAPI
from tests.scheduling.helpers import Ping
from tests.scheduling.test_digest_cli import _digest_rows, _seed


def test_paid_cost_is_a_tenth_of_a_star_a_message() -> None:
    assert str(paid_cost(0)) == "0.0"
    assert str(paid_cost(2)) == "0.2"
    assert str(paid_cost(12_345)) == "1234.5"
    with pytest.raises(ValueError):
        PaidBroadcast(PAID_KINDS, 1001)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_send_now_shows_the_cost_and_asks_before_a_paid_broadcast(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    asyncio.run(_seed(database_url))
    runner = CliRunner()
    monkeypatch.setenv("PAID_BROADCAST", "true")
    monkeypatch.setenv("PAID_BROADCAST_RATE_PER_SECOND", "500")

    declined = runner.invoke(app, ["digest", "send-now"], input="n\n")
    assert declined.exit_code == 1, declined.output
    assert "each digest message costs 0.1 Telegram Stars" in declined.output
    assert "up to 500 messages/s" in declined.output
    assert "At most 2 people get a digest now: at most 0.2 Stars" in declined.output
    assert asyncio.run(_digest_rows(database_url)) == []

    accepted = runner.invoke(app, ["digest", "send-now"], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert "Digests queued: 2" in accepted.output
    assert "Paid broadcast: 2 digests, 0.2 Stars." in accepted.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_send_now_without_paid_broadcast_asks_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PAID_BROADCAST", raising=False)
    asyncio.run(_seed(database_url))
    result = CliRunner().invoke(app, ["digest", "send-now"])
    assert result.exit_code == 0
    assert "Stars" not in result.output and "Digests queued: 2" in result.output


async def _queue_digests_and_a_ping(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory() as session:
        index = matching.AtelierIndex.build(await load_profiles(session))
    report = await plan_digests(factory, index, default_timezone="Europe/Rome", send_now=True)
    assert report.planned == 2
    async with factory() as session:
        await enqueue.schedule(session, Ping(1), recipient_id=1, due_at=utcnow())
        await session.commit()


@pytest.mark.parametrize("paid", [False, True], ids=["free", "paid"])
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_only_digests_go_out_as_paid_broadcasts_and_only_when_opted_in(
    database_url: str, session_factory: async_sessionmaker[AsyncSession], paid: bool
) -> None:
    await asyncio.to_thread(_seed_sync, database_url)
    await _queue_digests_and_a_ping(session_factory)
    async with LocalBotAPI() as api:
        bot: ExtBot[None] = ExtBot(
            "123:PAID",
            base_url=api.base_url,
            rate_limiter=AIORateLimiter(overall_max_rate=30),  # type: ignore[arg-type]
        )
        async with bot:
            report = await sweep(
                bot, session_factory, paid=PaidBroadcast(PAID_KINDS, 200) if paid else None
            )
        assert report.sent == 3
        sends: list[dict[str, Any]] = api.calls_to("sendMessage")
    flagged = [s for s in sends if s.get("allow_paid_broadcast") in (True, "true")]
    pings = [s for s in sends if str(s.get("text", "")).startswith("ping")]
    assert len(pings) == 1 and pings[0] not in flagged
    assert len(flagged) == (2 if paid else 0)


def _seed_sync(url: str) -> None:
    asyncio.run(_seed(url))
