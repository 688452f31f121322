"""`bottega run`: stand by until this process is the active one, take updates (long polling or
a webhook) until SIGTERM/SIGINT, then stop within a bound: stop taking updates, finish those
in flight, flush, release the lock, exit 0.

The application is built before waiting (imports and the registry's code paths are warm), but
initialised only once active, so the conversation states it loads are the ones the previous
active process committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field

from prometheus_client import Gauge
from telegram import Update

from bot.config import Settings
from bot.ops.feed import Poller, UpdateFeed
from bot.ops.lock import ActiveLock, active_lock
from bot.runtime import BotApplication

log = logging.getLogger(__name__)

ACTIVE = Gauge("bottega_active", "1 while this process is the active one (takes updates), else 0.")
STANDBY = Gauge("bottega_standby", "1 while this process stands by for the active one, else 0.")


@dataclass
class Role:
    """What this process is doing now: starting, standby, active or stopping."""

    name: str = "starting"
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def set(self, name: str) -> None:
        self.name = name
        ACTIVE.set(1 if name == "active" else 0)
        STANDBY.set(1 if name == "standby" else 0)
        self.changed.set()


class ServiceError(RuntimeError):
    """A reason not to run, meant for the operator."""


async def serve(settings: Settings, *, webhook: bool = False) -> int:
    """Run until stopped; the exit code (0 after a graceful stop, 1 when the lock was lost)."""
    from bot.app import build_application
    from bot.ops.health import HealthServer

    if webhook and not settings.webhook_url:
        raise ServiceError(
            "--webhook needs WEBHOOK_URL (the public https:// URL Telegram posts updates to)"
        )
    if webhook and not settings.webhook_secret_value:
        raise ServiceError(
            "--webhook needs WEBHOOK_SECRET (letters, digits, _ and -), checked on every request"
        )
    role = Role()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, _stop_on, stop, signum)
    application = build_application(settings)
    health = HealthServer(settings, role, application)
    await health.start()
    lock = active_lock(settings.database_url, poll_seconds=settings.standby_poll_seconds)
    try:
        role.set("standby")
        if not await lock.acquire(stop):
            return 0
        role.set("active")
        log.info("this process is the active one")
        return await _run_active(settings, application, lock, stop, role, webhook=webhook)
    finally:
        role.set("stopping")
        await lock.release()
        await health.stop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        log.info("stopped")


def _stop_on(stop: asyncio.Event, signum: int) -> None:
    if not stop.is_set():
        log.info("%s received: stopping", signal.Signals(signum).name)
    stop.set()


async def _run_active(
    settings: Settings,
    application: BotApplication,
    lock: ActiveLock,
    stop: asyncio.Event,
    role: Role,
    *,
    webhook: bool,
) -> int:
    from bot.app import start_application, stop_application

    await start_application(application)
    feed = UpdateFeed(application)
    poller: Poller | None = None
    receiver = None
    if webhook:
        from bot.ops.webhook import WebhookReceiver

        receiver = WebhookReceiver(settings, feed)
        await receiver.start()
        await application.bot.set_webhook(
            settings.webhook_url or "",
            secret_token=settings.webhook_secret_value,
            allowed_updates=Update.ALL_TYPES,
            max_connections=settings.webhook_max_connections,
        )
        taking: asyncio.Task[object] = asyncio.create_task(stop.wait())
    else:
        # Long polling and a webhook exclude each other: a webhook left by an earlier run
        # would make every getUpdates fail. Its pending updates stay on Telegram's side.
        await application.bot.delete_webhook(drop_pending_updates=False)
        poller = Poller(feed)
        taking = asyncio.create_task(poller.run())
    watch = asyncio.create_task(_watch_lock(lock, stop))
    code = 0
    try:
        done, _ = await asyncio.wait(
            {taking, watch, asyncio.create_task(stop.wait())},
            return_when=asyncio.FIRST_COMPLETED,
        )
        if watch in done and watch.result() is False:
            log.error(
                "the active lock's database connection was lost: stopping so a standby takes over"
            )
            code = 1
        if taking in done and taking.exception() is not None:
            log.error("taking updates failed: %r", taking.exception())
            code = 1
    finally:
        role.set("stopping")
        log.info("stopped taking updates; finishing the %d in flight", feed.in_flight)
        # 1. Stop taking updates.
        if poller is not None:
            poller.stop()
        if receiver is not None:
            receiver.stop_accepting()
        # 2. Finish those in flight, within the bound.
        await feed.drain(settings.stop_timeout_seconds)
        if poller is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await taking
            await poller.confirm()
        if receiver is not None:
            await receiver.stop()
        for task in (taking, watch):
            task.cancel()
        await asyncio.gather(taking, watch, return_exceptions=True)
        # 3. Flush and close.
        await stop_application(application)
    return code


async def _watch_lock(lock: ActiveLock, stop: asyncio.Event) -> bool:
    """Check every few seconds that the lock is still held; False as soon as it is not."""
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 2.0)
        if not stop.is_set() and not await lock.held():
            return False
    return True
