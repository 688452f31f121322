"""Benchmark: the weekly digest to many recipients through the real application and PTB's HTTP
stack, against a local Bot API server (in its own process, like Telegram) that enforces a global
rate limit and answers 429 when it is exceeded.

    .venv/bin/python benchmarks/bench_digest.py --recipients 10000 --rate 200

Measures the delivery of `recipients` due digest rows: wall time against the ideal
recipients / rate, 429 answers received, duplicates, and the process's memory (RSS) over the run.
Pass `--database-url postgresql+asyncpg://…` to run on PostgreSQL (the database must exist).

The floor, in the same run against the same server: the same number of messages (the same
rendered digest) sent the simplest fast way under the same rule the outbox keeps — one request in
flight, each outcome committed before the next send — with aiohttp straight to the server and
stdlib sqlite3 (or asyncpg) for the commits, paced at the same rate. `--in-flight K` sets the
outbox's sends in flight (OUTBOX_SENDS_IN_FLIGHT) for the application's run.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
import psutil
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot.app import build_application
from bot.db import create_engine, create_session_factory
from bot.db.base import Base
from bot.db.migrations import upgrade_async
from bot.db.models import Delivery
from localbotapi import LocalBotAPI
from tests.e2e.followups_world import DIGEST_PAYLOAD, seed_digests
from tests.e2e.harness import TOKEN, make_settings

SAFETY = 0.98
FLOOR_CHATS = 20_000_000  # the floor's recipients, apart from the application's


def _serve(rate: float, conn: Connection) -> None:
    async def main() -> None:
        api = LocalBotAPI(record=False, global_limit_per_s=rate, per_chat_limit_per_s=1.0)
        conn.send(await api.start())
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # "stop"
        app = [n for chat, n in api.delivered.items() if chat < FLOOR_CHATS]
        conn.send(
            {
                "delivered": sum(app),
                "max_per_chat": max(app, default=0),
                "floor_delivered": sum(api.delivered.values()) - sum(app),
                "too_many_requests": api.too_many_requests,
            }
        )
        await api.stop()

    asyncio.run(main())


async def _prepare_database(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_async(engine)
        if engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            async with engine.begin() as conn:
                await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


class _FloorOutcomes:
    """Commits one outcome at a time, the plainest way each database offers."""

    def __init__(self, url: str, recipients: int) -> None:
        self.url = make_url(url)
        self.recipients = recipients
        self.sqlite: Any = None
        self.pg: Any = None

    async def open(self) -> None:
        ddl = "CREATE TABLE floor_deliveries (id INTEGER PRIMARY KEY, chat_id BIGINT, state TEXT)"
        rows = [(n + 1, FLOOR_CHATS + n, "pending") for n in range(self.recipients)]
        if self.url.get_backend_name() == "sqlite":
            import sqlite3

            self.sqlite = sqlite3.connect(self.url.database or "")
            self.sqlite.execute("PRAGMA journal_mode=WAL")
            self.sqlite.execute("PRAGMA synchronous=NORMAL")
            self.sqlite.execute("DROP TABLE IF EXISTS floor_deliveries")
            self.sqlite.execute(ddl)
            self.sqlite.executemany("INSERT INTO floor_deliveries VALUES (?, ?, ?)", rows)
            self.sqlite.commit()
        else:
            import asyncpg

            self.pg = await asyncpg.connect(
                host=self.url.host,
                port=self.url.port or 5432,
                user=self.url.username,
                password=self.url.password,
                database=self.url.database,
            )
            # As the outbox records outcomes: durable against the sender's death, not the server's.
            await self.pg.execute("SET synchronous_commit = off")
            await self.pg.execute("DROP TABLE IF EXISTS floor_deliveries")
            await self.pg.execute(ddl)
            await self.pg.executemany("INSERT INTO floor_deliveries VALUES ($1, $2, $3)", rows)

    async def sent(self, delivery_id: int) -> None:
        if self.sqlite is not None:
            self.sqlite.execute(
                "UPDATE floor_deliveries SET state = 'sent' WHERE id = ?", (delivery_id,)
            )
            self.sqlite.commit()
        else:
            await self.pg.execute(
                "UPDATE floor_deliveries SET state = 'sent' WHERE id = $1", delivery_id
            )

    async def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.execute("DROP TABLE floor_deliveries")
            self.sqlite.commit()
            self.sqlite.close()
        else:
            await self.pg.execute("DROP TABLE floor_deliveries")
            await self.pg.close()


async def floor(recipients: int, rate: float, url: str, base_url: str) -> dict[str, Any]:
    """The same messages, one in flight, each outcome committed before the next send."""
    from bot.digest.rendering import digest_message
    from bot.digest.service import WeeklyDigest

    message = digest_message(WeeklyDigest.decode(DIGEST_PAYLOAD), "en")
    assert message is not None
    markup = {
        "inline_keyboard": [
            [{"text": label, "callback_data": data} for label, data in row]
            for row in message.buttons
        ]
    }
    outcomes = _FloorOutcomes(url, recipients)
    await outcomes.open()
    interval = 1.0 / (rate * SAFETY)
    loop = asyncio.get_running_loop()
    try:
        async with aiohttp.ClientSession() as http:
            started = time.perf_counter()
            slot = loop.time()
            for n in range(recipients):
                delay = slot - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                slot = max(slot + interval, loop.time())
                body = {
                    "chat_id": FLOOR_CHATS + n,
                    "text": message.text,
                    "reply_markup": markup,
                }
                async with http.post(f"{base_url}{TOKEN}/sendMessage", json=body) as response:
                    assert response.status == 200, await response.text()
                    await response.read()
                await outcomes.sent(n + 1)
            elapsed = time.perf_counter() - started
    finally:
        await outcomes.close()
    return {"elapsed": elapsed}


async def run(
    recipients: int, rate: float, url: str, base_url: str, in_flight: int
) -> dict[str, Any]:
    await _prepare_database(url)
    process = psutil.Process()
    # Configured a little under the server's limit, as in production under Telegram's: client and
    # server clocks are never in perfect step, and the margin keeps every answer a 200.
    settings = make_settings(
        url,
        send_rate_per_second=rate * SAFETY,
        sweep_interval_seconds=0.5,
        outbox_sends_in_flight=in_flight,
    )
    app = build_application(settings, token=TOKEN, base_url=base_url)
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    factory = create_session_factory(create_engine(url))
    await seed_digests(factory, list(range(10_000_000, 10_000_000 + recipients)))
    rss: list[int] = [process.memory_info().rss]
    started = time.perf_counter()
    await app.start()
    sent = 0
    while sent < recipients:
        await asyncio.sleep(0.25)
        async with factory() as session:
            sent = int(
                await session.scalar(
                    select(func.count()).select_from(Delivery).where(Delivery.state == "sent")
                )
                or 0
            )
        rss.append(process.memory_info().rss)
        if time.perf_counter() - started > 10 * recipients / rate + 30:
            break
    elapsed = time.perf_counter() - started
    await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
    return {
        "sent": sent,
        "elapsed": elapsed,
        "ideal": recipients / rate,
        "rss_start_mb": rss[0] / 2**20,
        "rss_peak_mb": max(rss) / 2**20,
        "rss_end_mb": rss[-1] / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=200.0, help="the server's limit, msg/s")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--in-flight", type=int, default=1, help="the outbox's sends in flight")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        server = ctx.Process(target=_serve, args=(args.rate, child), daemon=True)
        server.start()
        base_url = parent.recv()
        try:
            result = asyncio.run(run(args.recipients, args.rate, url, base_url, args.in_flight))
            floor_result = (
                None
                if args.no_floor
                else asyncio.run(floor(args.recipients, args.rate, url, base_url))
            )
        finally:
            parent.send("stop")
            api = parent.recv()
            server.join(5)
    ratio = result["elapsed"] / result["ideal"]
    print(f"database            {url.split(':', 1)[0]}")
    print(f"sends in flight     {args.in_flight}")
    print(f"recipients          {args.recipients}")
    print(f"server limit        {args.rate:.0f} msg/s")
    print(f"delivered           {api['delivered']} (sent rows {result['sent']})")
    print(f"max per chat        {api['max_per_chat']}")
    print(f"429 answers         {api['too_many_requests']}")
    print(
        f"time                {result['elapsed']:.2f} s (ideal {result['ideal']:.2f} s, {ratio:.3f}x)"
    )
    if floor_result is not None:
        floor_ratio = floor_result["elapsed"] / result["ideal"]
        print(
            f"floor               {floor_result['elapsed']:.2f} s ({floor_ratio:.3f}x ideal; "
            f"delivered {api['floor_delivered']}; one in flight, aiohttp + plain commits)"
        )
    print(
        f"RSS                 start {result['rss_start_mb']:.0f} MB, "
        f"peak {result['rss_peak_mb']:.0f} MB, end {result['rss_end_mb']:.0f} MB"
    )
    ok = (
        api["delivered"] == args.recipients
        and api["max_per_chat"] == 1
        and api["too_many_requests"] == 0
        and ratio <= 1.1
    )
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
