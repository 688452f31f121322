"""Sending the outbox from a process of its own, without the application: `bottega outbox deliver`
(once, or watching until SIGTERM/SIGINT) and `bottega digest send-now --deliver`.

The same sweeper as the bot's JobQueue, with the same limits: the bot's overall rate through
python-telegram-bot's AIORateLimiter, the per-chat rate through a `ChatPacer`, and the same
settings for sends in flight. The caller installs the renderers first (`bot.app.install_renderers`).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import AIORateLimiter, ExtBot

import matching
from bot.config import Settings
from bot.core.renderers import using_match_index
from bot.outbox.pacing import PAID_KINDS, ChatPacer, PaidBroadcast
from bot.outbox.sweeper import WORKER_ID, SweepReport, sweep
from bot.registry.index_cache import MatchIndexCache
from bot.request import AiohttpRequest

# Claim about a second's worth of sending at a time, as the bot's sweeper does.
SECONDS_PER_BATCH = 1.0


def _bot(settings: Settings) -> ExtBot[None]:
    return ExtBot(
        settings.token or "",
        base_url=settings.telegram_api_base_url,
        request=AiohttpRequest(connection_limit=8),
        rate_limiter=AIORateLimiter(  # type: ignore[arg-type]
            overall_max_rate=settings.send_rate_per_second, max_retries=3
        ),
    )


def batch_for(settings: Settings) -> int:
    return max(20, min(1000, int(settings.send_rate_per_second * SECONDS_PER_BATCH)))


async def deliver(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    *,
    watch: bool = False,
    on_sweep: Callable[[SweepReport], None] | None = None,
    on_ready: Callable[[], None] | None = None,
    worker: str = WORKER_ID,
) -> SweepReport:
    """Sweep once (or, with `watch`, every `SWEEP_INTERVAL_SECONDS` until SIGTERM or SIGINT);
    returns the totals. A signal stops claiming, lets the send in flight finish and gives back
    what was claimed but not sent. `on_ready` is called once everything is loaded, before the
    first sweep."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    total = SweepReport()
    pacer = ChatPacer(settings.send_rate_per_chat_per_second)
    paid = (
        PaidBroadcast(PAID_KINDS, settings.paid_broadcast_rate_per_second)
        if settings.paid_broadcast
        else None
    )
    index = MatchIndexCache(session_factory)
    try:
        async with _bot(settings) as bot:
            # Renderers label categories with the taxonomy, which is parsed on first use (seconds
            # of CPU): load it, and the index, before holding any row.
            await asyncio.to_thread(matching.taxonomy_ids, "category")
            await index.get()
            if on_ready is not None:
                on_ready()
            while not stop.is_set():
                # Renderers label and rank with the index (and the taxonomy it is built on):
                # built or brought up to date here, off the event loop, before any row is held.
                await index.get()
                with using_match_index(index.get):
                    report = await sweep(
                        bot,
                        session_factory,
                        batch=batch_for(settings),
                        in_flight=settings.outbox_sends_in_flight,
                        worker=worker,
                        pacer=pacer,
                        keep_going=lambda: not stop.is_set(),
                        paid=paid,
                    )
                total += report
                if on_sweep is not None:
                    on_sweep(report)
                if not watch:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), settings.sweep_interval_seconds)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)
    return total
