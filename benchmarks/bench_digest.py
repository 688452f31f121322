"""Benchmark: the weekly digest to many recipients through the real application and PTB's HTTP
stack, against a local Bot API server (in its own process, like Telegram) that enforces a global
rate limit and answers 429 when it is exceeded.

    .venv/bin/python benchmarks/bench_digest.py --recipients 10000 --rate 200

Measures the delivery of `recipients` due digest rows: wall time against the ideal
recipients / rate, 429 answers received, duplicates, and the process's memory (RSS) over the run.
Pass `--database-url postgresql+asyncpg://…` to run on PostgreSQL (the database must exist).
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

import psutil
from sqlalchemy import func, select, text

from bot.app import build_application
from bot.db import create_engine, create_session_factory
from bot.db.base import Base
from bot.db.migrations import upgrade_async
from bot.db.models import Delivery
from localbotapi import LocalBotAPI
from tests.e2e.followups_world import seed_digests
from tests.e2e.harness import TOKEN, make_settings

SAFETY = 0.98


def _serve(rate: float, conn: Connection) -> None:
    async def main() -> None:
        api = LocalBotAPI(record=False, global_limit_per_s=rate, per_chat_limit_per_s=1.0)
        conn.send(await api.start())
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # "stop"
        conn.send(
            {
                "delivered": sum(api.delivered.values()),
                "max_per_chat": max(api.delivered.values(), default=0),
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


async def run(recipients: int, rate: float, url: str, base_url: str) -> dict[str, Any]:
    await _prepare_database(url)
    process = psutil.Process()
    # Configured a little under the server's limit, as in production under Telegram's: client and
    # server clocks are never in perfect step, and the margin keeps every answer a 200.
    settings = make_settings(url, send_rate_per_second=rate * SAFETY, sweep_interval_seconds=0.5)
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe()
        server = ctx.Process(target=_serve, args=(args.rate, child), daemon=True)
        server.start()
        base_url = parent.recv()
        try:
            result = asyncio.run(run(args.recipients, args.rate, url, base_url))
        finally:
            parent.send("stop")
            api = parent.recv()
            server.join(5)
    ratio = result["elapsed"] / result["ideal"]
    print(f"database            {url.split(':', 1)[0]}")
    print(f"recipients          {args.recipients}")
    print(f"server limit        {args.rate:.0f} msg/s")
    print(f"delivered           {api['delivered']} (sent rows {result['sent']})")
    print(f"max per chat        {api['max_per_chat']}")
    print(f"429 answers         {api['too_many_requests']}")
    print(
        f"time                {result['elapsed']:.2f} s (ideal {result['ideal']:.2f} s, {ratio:.3f}x)"
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
