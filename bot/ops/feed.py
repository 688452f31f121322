"""Updates into the application, each one awaited until it is handled (committed and replied).

`UpdateFeed.handle` is what both ways of receiving updates call: long polling (`Poller`, below)
confirms an update's offset to Telegram only once `handle` returned for it, and the webhook
(`bot.ops.webhook`) answers 200 only then. An update taken but not finished when the process
dies is therefore delivered again, and the application recognises one it already committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram._utils.types import JSONDict
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.runtime import BotApplication

log = logging.getLogger(__name__)

# A long poll may take this much longer than its own timeout before it counts as timed out.
_READ_GRACE = 5.0
# After a poll that brought back updates still in flight, the next one waits this long for
# each of them (reading them again is the cost), within these bounds.
_SETTLE_PER_UPDATE = 0.0005
_SETTLE_AT_LEAST = 0.002
_SETTLE_AT_MOST = 0.05


class UpdateFeed:
    """Hands updates to the application's update processor (one chat in order, chats
    concurrently) and keeps track of those in flight, for a bounded graceful stop."""

    def __init__(self, application: BotApplication) -> None:
        self.application = application
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self.accepting = True

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    async def handle(self, update: Update) -> None:
        """Process `update` and return once it is handled. A second call for an update still
        in flight waits for the first."""
        running = self._in_flight.get(update.update_id)
        if running is None:
            running = asyncio.create_task(self._process(update))
            self._in_flight[update.update_id] = running
            running.add_done_callback(lambda _: self._in_flight.pop(update.update_id, None))
        await asyncio.shield(running)

    async def _process(self, update: Update) -> None:
        application = self.application
        await application.update_processor.process_update(
            update, application.process_update(update)
        )

    async def drain(self, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait up to `timeout` seconds for the updates in flight; False if some did not end."""
        self.accepting = False
        tasks = list(self._in_flight.values())
        if not tasks:
            return True
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            log.warning(
                "%d updates still running at the stop were abandoned; Telegram delivers them again",
                len(pending),
            )
            await asyncio.gather(*pending, return_exceptions=True)
        return not pending


class Poller:
    """Long polling that confirms an update only after it is handled.

    Telegram forgets the updates below the offset of the next getUpdates call. PTB's own
    updater moves the offset on as soon as updates are fetched, so a kill loses what was
    fetched and not finished; here the offset stays at the oldest update still in flight,
    and the updates above it that were already handled are recognised and not handed over
    again.
    """

    def __init__(
        self,
        feed: UpdateFeed,
        *,
        timeout: int = 10,
        allowed_updates: Sequence[str] = Update.ALL_TYPES,
    ) -> None:
        self.feed = feed
        self.timeout = timeout
        self.allowed_updates = list(allowed_updates)
        self._offset: int | None = None
        self._highest: int | None = None
        self._in_flight: set[int] = set()
        self._done: set[int] = set()
        self._stopping = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._poll: asyncio.Task[Any] | None = None

    async def run(self) -> None:
        """Poll until `stop` (then drain the feed and `confirm`)."""
        delay = 0.25
        while not self._stopping.is_set():
            self._poll = asyncio.create_task(self._get_updates())
            try:
                received: list[JSONDict] = await self._poll
                delay = 0.25
            except asyncio.CancelledError:
                if self._stopping.is_set():
                    break
                raise
            except InvalidToken:
                raise
            except RetryAfter as exc:
                after = exc._retry_after
                await self._pause(
                    after.total_seconds() if isinstance(after, dt.timedelta) else float(after)
                )
                continue
            except Conflict as exc:
                log.warning("getUpdates refused (%s); trying again", exc.message)
                await self._pause(delay)
                delay = min(delay * 2, 30.0)
                continue
            except TimedOut:
                # A long poll that outlived its read timeout (a busy loop, a slow network) is
                # not an outage: ask again at once.
                log.debug("getUpdates timed out; asking again")
                continue
            except NetworkError as exc:
                log.warning("getUpdates failed (%s); trying again", exc.__class__.__name__)
                await self._pause(delay)
                delay = min(delay * 2, 30.0)
                continue
            finally:
                self._poll = None
            ids = [int(item["update_id"]) for item in received]
            fresh = [
                item
                for item in received
                if item["update_id"] not in self._in_flight and item["update_id"] not in self._done
            ]
            for item in fresh:
                self._start(self._parse(item))
            self._advance(ids)
            again = len(received) - len(fresh)
            if again:
                # Telegram answers at once while updates in flight are above the offset, new
                # or not: a short pause, longer the more came back again, lets the next poll
                # gather what arrives meanwhile instead of reading the same updates again and
                # again (and picks up a new update within 2 to 50 ms).
                await self._pause(
                    min(_SETTLE_AT_MOST, max(_SETTLE_AT_LEAST, again * _SETTLE_PER_UPDATE))
                )

    async def _get_updates(self) -> list[JSONDict]:
        """getUpdates as Telegram's JSON. Under load most of what comes back is still in flight
        (the offset stays at the oldest one) and reading an update into python-telegram-bot's
        objects costs more than the rest of its handling, so only new ones are read (`_parse`)."""
        bot = self.feed.application.bot
        data: JSONDict = {"timeout": self.timeout, "allowed_updates": self.allowed_updates}
        if self._offset is not None:
            data["offset"] = self._offset
        received: list[JSONDict] = await bot._post(  # what Bot.get_updates sends, unparsed
            "getUpdates", data, read_timeout=self.timeout + _READ_GRACE
        )
        return received

    def _parse(self, item: JSONDict) -> Update:
        bot = self.feed.application.bot
        update = Update.de_json(item, bot)
        bot.insert_callback_data(update)  # as ExtBot.get_updates does
        return update

    def _start(self, update: Update) -> None:
        self._in_flight.add(update.update_id)
        task = asyncio.create_task(self._handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update) -> None:
        try:
            await self.feed.handle(update)
        except Exception:
            log.exception("update %d could not be handled; it will come again", update.update_id)
            self._in_flight.discard(update.update_id)
            return
        self._in_flight.discard(update.update_id)
        self._done.add(update.update_id)

    def _advance(self, ids: Sequence[int]) -> None:
        for update_id in ids:
            if self._highest is None or update_id > self._highest:
                self._highest = update_id
        if self._in_flight:
            self._offset = min(self._in_flight)
        elif self._highest is not None:
            self._offset = self._highest + 1
        if self._offset is not None:
            self._done = {i for i in self._done if i >= self._offset}

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def confirm(self) -> None:
        """Tell Telegram which updates are handled, so a restart does not fetch them again."""
        self._advance(())
        if self._offset is None:
            return
        with contextlib.suppress(Exception):
            await self.feed.application.bot.get_updates(
                offset=self._offset, timeout=0, limit=1, allowed_updates=self.allowed_updates
            )

    def stop(self) -> None:
        """Stop taking updates (a long poll under way is abandoned: what it would have
        returned stays on Telegram's side)."""
        self._stopping.set()
        if self._poll is not None:
            self._poll.cancel()
