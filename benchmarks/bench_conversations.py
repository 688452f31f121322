"""Designers interviewed concurrently through the full stack: python-telegram-bot's HTTP
client, a local Bot API server on loopback, our handlers, persistence and a real database.

Measures, per database (SQLite file, PostgreSQL):
  * sustained interview steps per second with many designers answering as fast as the bot
    replies (closed loop),
  * reply latency (time from a designer's message to the bot's answer) when 100 steps/s are
    offered at a steady pace (open loop), and
  * whether the throughput target (300 steps/s) offered at a steady pace is served, and the
    reply latency meanwhile.

A step is one designer message or button press and the bot's reply to it. The simulated
designers and the local Bot API server run in a second process, so the figures are the bot
process's own. Outgoing rate limits are raised for the run: this measures the bot, not
Telegram's quotas.

The floor, measured first in the same run by the same designers: a responder in the bot's
process that makes the same HTTP requests through python-telegram-bot's Bot and our aiohttp
client (getUpdates, answerCallbackQuery for a press, sendMessage with the buttons the script
presses), with no handlers, persistence or database. A step that gets no reply within
`STEP_TIMEOUT` seconds, or whose button is missing, is counted as failed and its designer
stops; the run goes on and reports them.

    .venv/bin/python benchmarks/bench_conversations.py [--seconds 15] [--designers 100]
        [--skip-postgres] [--skip-floor] [--per-step]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_application, start_polling, stop_polling  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.db import create_engine  # noqa: E402
from bot.db.migrations import upgrade_async  # noqa: E402
from bot.registry.importing import import_registry  # noqa: E402
from localbotapi import LocalBotAPI, SentMessage  # noqa: E402

TARGET_RATE = 300.0  # interview steps per second, the throughput target
STEP_TIMEOUT = 20.0  # seconds without a reply before a step counts as failed
POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
# (kind, value): text to send, or a button to press on the latest message (by callback data prefix).
SCRIPT: list[tuple[str, str]] = [
    ("text", "/brief"),
    ("text", "merino cardigans, hand finished"),
    ("press", "iv:cat:"),
    ("text", "80"),
    ("text", "3"),
    ("text", "2"),
    ("text", "XS-XL"),
    ("text", "in 12 weeks"),
    ("text", "45 €"),
    ("press", "iv:place:IT"),
    ("press", "iv:cert:."),
    ("press", "f:done:interview"),
    ("press", "iv:confirm"),
]


@dataclass
class Inbox:
    """The bot's new (not edited) messages per chat, as they arrive."""

    queues: dict[int, asyncio.Queue[SentMessage]] = field(
        default_factory=lambda: defaultdict(asyncio.Queue)
    )

    def deliver(self, message: SentMessage) -> None:
        if not message.edited:
            self.queues[message.chat_id].put_nowait(message)


class StepFailedError(Exception):
    """A step got no reply in time, or not the button the script presses next."""


class Designer:
    def __init__(
        self,
        api: LocalBotAPI,
        inbox: Inbox,
        user_id: int,
        per_step: dict[int, list[float]] | None = None,
    ) -> None:
        self.api, self.inbox, self.user_id = api, inbox, user_id
        self.per_step = per_step
        self.position = 0
        self.last: SentMessage | None = None

    async def step(self) -> float:
        """Play the next step of the interview; returns the reply latency in seconds."""
        kind, value = SCRIPT[self.position]
        queue = self.inbox.queues[self.user_id]
        while not queue.empty():
            queue.get_nowait()
        started = time.perf_counter()
        if kind == "text":
            await self.api.user_sends(self.user_id, value, first_name="Bench", language_code="en")
        else:
            assert self.last is not None
            found = [d for row in self.last.buttons for _, d in row if d.startswith(value)]
            if not found:  # the interview changed: say where, instead of a StopIteration
                raise StepFailedError(
                    f"step {self.position}: no button {value!r} under {self.last.text!r}, "
                    f"only {self.last.buttons!r}"
                )
            data = found[0]
            await self.api.user_presses(self.user_id, self.last.message_id, data)
        try:
            self.last = await asyncio.wait_for(queue.get(), timeout=STEP_TIMEOUT)
        except TimeoutError:
            raise StepFailedError(
                f"step {self.position}: no reply in {STEP_TIMEOUT:.0f} s"
            ) from None
        elapsed = time.perf_counter() - started
        if self.per_step is not None:
            self.per_step[self.position].append(elapsed)
        self.position = (self.position + 1) % len(SCRIPT)
        return elapsed


async def prepare_database(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_async(engine)
    finally:
        await engine.dispose()
    from bot.db import create_session_factory

    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            csv_text = (ROOT / "bot" / "data" / "demo_ateliers.csv").read_text("utf-8")
            report = await import_registry(session, io.StringIO(csv_text))
            assert report.ok
    finally:
        await engine.dispose()


@dataclass
class Failures:
    """Steps that failed, and the first few reasons."""

    count: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, failure: StepFailedError) -> None:
        self.count += 1
        if len(self.reasons) < 3:
            self.reasons.append(str(failure))


async def closed_loop(
    designers: list[Designer], seconds: float, failures: Failures
) -> tuple[int, list[float]]:
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []

    async def run(designer: Designer) -> None:
        while time.perf_counter() < deadline:
            try:
                latencies.append(await designer.step())
            except StepFailedError as failure:
                failures.add(failure)
                return  # this designer's conversation is in an unknown state: it stops

    await asyncio.gather(*(run(d) for d in designers))
    return len(latencies), latencies


async def open_loop(
    designers: list[Designer], rate: float, seconds: float, failures: Failures
) -> list[float]:
    """Offer `rate` steps per second, each from a designer that is not waiting for a reply."""
    idle: asyncio.Queue[Designer] = asyncio.Queue()
    for designer in designers:
        idle.put_nowait(designer)
    latencies: list[float] = []
    tasks: set[asyncio.Task[None]] = set()

    async def one(designer: Designer) -> None:
        try:
            latencies.append(await designer.step())
        except StepFailedError as failure:
            failures.add(failure)
            return
        idle.put_nowait(designer)

    start = time.perf_counter()
    total = int(rate * seconds)
    for n in range(total):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        try:
            designer = await asyncio.wait_for(idle.get(), timeout=STEP_TIMEOUT)
        except TimeoutError:
            break  # every designer is waiting or has failed: nothing more can be offered
        task = asyncio.create_task(one(designer))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    return latencies


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def driver_process(connection: Connection, seconds: float, concurrent: int) -> None:
    """The designers and the local Bot API server, in a process of their own: the bot's
    process then does only the bot's work, as in production."""

    async def drive() -> None:
        inbox = Inbox()
        api = LocalBotAPI(record=False, on_outgoing=inbox.deliver)
        connection.send(await api.start())
        await asyncio.to_thread(connection.recv)  # the bot is polling
        failures = Failures()
        try:
            await closed_loop(
                [Designer(api, inbox, 1_000_000 + i) for i in range(10)], 2.0, failures
            )
            per_step: dict[int, list[float]] = defaultdict(list)
            designers = [Designer(api, inbox, 2_000_000 + i, per_step) for i in range(concurrent)]
            steps, closed_latencies = await closed_loop(designers, seconds, failures)
            await asyncio.sleep(2.0)  # let the closed loop's last replies settle
            pool = [Designer(api, inbox, 3_000_000 + i) for i in range(300)]
            open_latencies = await open_loop(pool, 100.0, seconds, failures)
            await asyncio.sleep(2.0)
            # The throughput target offered at a steady pace: is it sustained, and how fast?
            pool = [Designer(api, inbox, 4_000_000 + i) for i in range(600)]
            started = time.perf_counter()
            target_latencies = await open_loop(pool, TARGET_RATE, seconds, failures)
            target_elapsed = time.perf_counter() - started
            result = {
                "steps_per_s": steps / seconds,
                "closed_p95_ms": percentile(closed_latencies, 95) * 1000,
                "open_p50_ms": percentile(open_latencies, 50) * 1000,
                "open_p95_ms": percentile(open_latencies, 95) * 1000,
                "target_served_per_s": len(target_latencies) / target_elapsed,
                "target_p50_ms": percentile(target_latencies, 50) * 1000,
                "target_p95_ms": percentile(target_latencies, 95) * 1000,
                "failed_steps": failures.count,
                "failures": failures.reasons,
                "per_step_ms": {
                    n: (percentile(values, 50) * 1000, percentile(values, 95) * 1000)
                    for n, values in sorted(per_step.items())
                },
            }
            connection.send(result)
            await asyncio.to_thread(connection.recv)  # the bot has stopped polling
        finally:
            await api.stop()

    asyncio.run(drive())


# The floor's reply carries every button the script presses, so each press finds its own.
FLOOR_BUTTONS = ("iv:cat:knitwear", "iv:place:IT", "iv:cert:.", "f:done:interview", "iv:confirm")


class FloorResponder:
    """The bot's HTTP requests without the bot: long polling that confirms updates as it takes
    them, one task per update answering a press (answerCallbackQuery) and replying with a
    message and buttons (sendMessage), through python-telegram-bot's Bot and our client."""

    def __init__(self, base_url: str) -> None:
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup
        from telegram.ext import ExtBot

        from bot.request import AiohttpRequest

        self.bot: ExtBot[None] = ExtBot(
            "1:BENCH",
            base_url=base_url,
            request=AiohttpRequest(connection_limit=64),
            get_updates_request=AiohttpRequest(connection_limit=1),
        )
        self.keyboard = InlineKeyboardMarkup(
            [[InlineKeyboardButton(data, callback_data=data)] for data in FLOOR_BUTTONS]
        )
        self._stopping = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._polling: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.bot.initialize()
        self._polling = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        self._stopping.set()
        if self._polling is not None:
            await self._polling
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.bot.shutdown()

    async def _poll(self) -> None:
        offset: int | None = None
        while not self._stopping.is_set():
            for update in await self.bot.get_updates(offset=offset, timeout=1):
                offset = update.update_id + 1
                task = asyncio.create_task(self._answer(update))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _answer(self, update: Any) -> None:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await self.bot.send_message(
            update.effective_chat.id, "Next question", reply_markup=self.keyboard
        )


class ErrorCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def measure(name: str, url: str | None, seconds: float, concurrent: int) -> dict[str, Any]:
    """One row: the bot on `url`, or the floor when `url` is None."""
    if url is not None:
        await prepare_database(url)
    parent, child = multiprocessing.get_context("spawn").Pipe()
    driver = multiprocessing.get_context("spawn").Process(
        target=driver_process, args=(child, seconds, concurrent), daemon=True
    )
    driver.start()
    base_url = await asyncio.to_thread(parent.recv)
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    load_before = os.getloadavg()[0]
    cpu_before = cpu_seconds()
    floor: FloorResponder | None = None
    app: Any = None
    if url is None:
        floor = FloorResponder(base_url)
        await floor.start()
    else:
        settings = load_settings(
            _env_file=None,
            database_url=url,
            send_rate_per_second=100_000.0,
            sweep_interval_seconds=60.0,
        )
        app = build_application(settings, token="1:BENCH", base_url=base_url)
        await start_polling(app)
    try:
        parent.send("go")
        result: dict[str, Any] = await asyncio.to_thread(parent.recv)
    finally:
        if floor is not None:
            await floor.stop()
        else:
            await stop_polling(app)
        parent.send("stop")
        driver.join(timeout=10)
        logging.getLogger().removeHandler(errors)
    result["cpu_s"] = cpu_seconds() - cpu_before
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["load"] = (load_before, os.getloadavg()[0])
    result["errors_logged"] = errors.count
    print(
        f"| {name} | {result['steps_per_s']:.0f} | {result['closed_p95_ms']:.1f} | "
        f"{result['open_p50_ms']:.1f} | {result['open_p95_ms']:.1f} | "
        f"{result['target_served_per_s']:.0f} | {result['target_p95_ms']:.1f} | "
        f"{result['failed_steps']} / {result['errors_logged']} | {result['cpu_s']:.1f} | "
        f"{result['rss_mb']:.0f} | {result['load'][0]:.1f}–{result['load'][1]:.1f} |",
        flush=True,
    )
    for reason in result["failures"]:
        print(f"  failed: {reason}", flush=True)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--designers", type=int, default=100, help="concurrent designers in the closed loop"
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-floor", action="store_true")
    parser.add_argument(
        "--per-step", action="store_true", help="also print each step's closed-loop latency"
    )
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {platform.processor() or 'cpu'}"
    )
    print(
        f"{args.designers} designers closed loop for {args.seconds:.0f} s; then 100 and "
        f"{TARGET_RATE:.0f} steps/s offered for {args.seconds:.0f} s each\n"
    )
    print(
        "| database | steps/s (closed loop) | p95 ms (closed loop) | p50 ms at 100/s "
        f"| p95 ms at 100/s | served at {TARGET_RATE:.0f}/s | p95 ms at {TARGET_RATE:.0f}/s "
        "| failed steps / errors logged | bot CPU s | peak RSS MB | load average |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results: dict[str, dict[str, Any]] = {}
    if not args.skip_floor:
        results["floor"] = await measure("floor (no bot)", None, args.seconds, args.designers)
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = await measure(
            "SQLite", f"sqlite+aiosqlite:///{folder}/bench.sqlite3", args.seconds, args.designers
        )
    if not args.skip_postgres:
        import asyncpg

        name = f"bottega_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            results["PostgreSQL"] = await measure(
                "PostgreSQL", POSTGRES.rsplit("/", 1)[0] + f"/{name}", args.seconds, args.designers
            )
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
    if args.per_step:
        print("\nClosed loop, reply latency per step (p50 / p95 ms):\n")
        print("| step | " + " | ".join(results) + " |")
        print("|---|" + "---:|" * len(results))
        for n, (kind, value) in enumerate(SCRIPT):
            cells = []
            for result in results.values():
                p50, p95 = result["per_step_ms"].get(n, (float("nan"), float("nan")))
                cells.append(f"{p50:.0f} / {p95:.0f}")
            label = value if kind == "text" else f"button {value}"
            print(f"| {n + 1}. {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    asyncio.run(main())
