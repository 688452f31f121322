"""kill -9 during delivery sweeps: `bottega outbox deliver --watch` processes sending one digest
per recipient to the local Bot API server, killed one after another mid-sweep and replaced.

Counted at the server: at most one message repeated per kill, every due delivery delivered, and
the rows the killed process had claimed delivered by a survivor within 15 seconds of the kill.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import create_engine, create_session_factory
from bot.db.models import Delivery, DeliveryState, User
from localbotapi import LocalBotAPI
from localbotapi.records import SentMessage
from tests.e2e.followups_world import seed_digests
from tests.e2e.harness import TOKEN

RECIPIENTS = list(range(7_700_000, 7_700_600))
KILLS = 3
RELEASED_WITHIN = 15.0  # seconds from a kill to the last of its claims delivered
RATE_PER_PROCESS = 75.0  # msg/s: the run lasts long enough for three kills mid-sweep

Factory = async_sessionmaker[AsyncSession]


class Sender:
    """One `bottega outbox deliver --watch` process."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "outbox", "deliver", "--watch"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.worker = f"{socket.gethostname()}:{self.process.pid}"
        self.log_path = log

    def ready(self) -> bool:
        """It has started, loaded everything and is sweeping."""
        return f"Delivering as {self.worker}" in self.log_path.read_text("utf-8", "replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.log.close()


@contextmanager
def senders() -> Iterator[list[Sender]]:
    started: list[Sender] = []
    try:
        yield started
    finally:
        for sender in started:
            sender.stop()


async def _claims_of(factory: Factory, worker: str) -> set[int]:
    """The Telegram ids whose deliveries `worker` holds right now."""
    async with factory() as session:
        rows = await session.scalars(
            select(User.telegram_id)
            .join(Delivery, Delivery.recipient_id == User.id)
            .where(Delivery.state == DeliveryState.CLAIMED, Delivery.claimed_by == worker)
        )
        return {telegram_id for telegram_id in rows.all() if telegram_id is not None}


async def _all_sent(factory: Factory) -> bool:
    async with factory() as session:
        unsent = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.state != DeliveryState.SENT)
        )
    return unsent == 0


async def _until(condition: Callable[[], Awaitable[object]], within: float, what: str) -> None:
    """Poll `condition` until it holds; a generous limit, never a measurement."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await condition():
        assert loop.time() < deadline, f"timed out after {within:.0f} s waiting for {what}"
        await asyncio.sleep(0.05)


async def _true(value: object) -> object:
    return value


async def test_kill_9_mid_sweep_repeats_at_most_one_message_and_frees_the_claims_at_once(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    loop = asyncio.get_running_loop()
    last_seen: dict[int, float] = {}  # chat -> when its latest message arrived

    async with LocalBotAPI(record=False) as api:

        def arrived(message: SentMessage) -> None:
            last_seen[message.chat_id] = loop.time()

        api.on_outgoing = arrived
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "SEND_RATE_PER_SECOND": str(RATE_PER_PROCESS),
            "SWEEP_INTERVAL_SECONDS": "0.5",
            "LOG_LEVEL": "WARNING",
        }
        orphans: list[tuple[float, set[int]]] = []  # (kill time, chats its claims were for)
        try:
            with senders() as running:
                # One process per kill and a survivor, all started (seconds of imports and of
                # building the match index) before anything is due.
                running += [Sender(env, tmp_path / f"sender-{n}.log") for n in range(KILLS + 1)]
                await _until(
                    lambda: _true(all(s.ready() for s in running)), within=120, what="senders"
                )
                await seed_digests(factory, RECIPIENTS)
                for _kill in range(KILLS):
                    enough = sum(api.delivered.values()) + 20
                    await _until(
                        lambda enough=enough: _true(sum(api.delivered.values()) > enough),
                        within=20,
                        what="sends before a kill",
                    )
                    # A process that is sending and holds claims: the kill lands mid-sweep. The
                    # last one started is the survivor.
                    target: Sender | None = None

                    async def busy() -> bool:
                        nonlocal target
                        for candidate in [s for s in running[:-1] if s.alive()]:
                            if await _claims_of(factory, candidate.worker):
                                target = candidate
                                return True
                        return False

                    await _until(busy, within=20, what="a process holding claims")
                    assert target is not None
                    target.kill()
                    killed_at = loop.time()
                    orphans.append((killed_at, await _claims_of(factory, target.worker)))
                await _until(lambda: _all_sent(factory), within=60, what="every row sent")
        finally:
            await engine.dispose()

        repeats = {chat: count - 1 for chat, count in api.delivered.items() if count > 1}
        assert sum(repeats.values()) <= KILLS, repeats
        assert all(api.delivered[chat] >= 1 for chat in RECIPIENTS)
        assert sum(api.delivered.values()) - sum(repeats.values()) == len(RECIPIENTS)
        # A row a survivor took over and then lost to the next kill counts from that kill.
        taken_over = set[int]()
        for killed_at, chats in reversed(orphans):
            assert chats, "the kill did not land mid-sweep"
            late = max((last_seen[chat] for chat in chats - taken_over), default=0.0) - killed_at
            assert late <= RELEASED_WITHIN, f"claims of a killed process took {late:.1f} s"
            taken_over |= chats
