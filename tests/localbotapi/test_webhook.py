"""Webhook delivery of the local Bot API server, seen from a bot's webhook endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import BadRequest, Conflict
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from localbotapi import LocalBotAPI
from localbotapi.webhook import SECRET_HEADER

TOKEN = "123:TEST"
SECRET = "s3cret_Token-1"

Answer = Callable[[dict[str, Any]], Awaitable[int]]


class Receiver:
    """A bot's webhook endpoint: records every POST and answers as the test says."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.accepted: list[dict[str, Any]] = []
        self.active = 0
        self.peak = 0
        self.answer: Answer = _accept
        self.arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        app.router.add_post("/elsewhere", self._handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append((dict(request.headers), body))
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            status = await self.answer(body)
        finally:
            self.active -= 1
        if 200 <= status < 300:
            self.accepted.append(body)
        self.arrived.set()
        if status in {301, 302, 307}:
            raise web.HTTPTemporaryRedirect(self.url.replace("/hook", "/elsewhere"))
        return web.Response(status=status)

    async def wait_accepted(self, count: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while len(self.accepted) < count:
                self.arrived.clear()
                await self.arrived.wait()


async def _accept(update: dict[str, Any]) -> int:
    return 200


async def _eventually(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(3):
        while not condition():  # noqa: ASYNC110 - server counters, no event to wait on
            await asyncio.sleep(0.01)


def _text(update: dict[str, Any]) -> str:
    return str(update["message"]["text"])


@pytest.fixture
async def api() -> AsyncIterator[LocalBotAPI]:
    server = LocalBotAPI(webhook_timeout=0.3, webhook_retry_delay=0.02, webhook_retry_max_delay=0.1)
    async with server:
        yield server


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    endpoint = Receiver()
    await endpoint.start()
    yield endpoint
    await endpoint.stop()


@pytest.fixture
async def bot(api: LocalBotAPI) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=api.base_url) as client:
        yield client


async def test_updates_are_posted_with_the_secret_and_polling_conflicts(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    assert await bot.set_webhook(
        receiver.url,
        secret_token=SECRET,
        allowed_updates=["message", "callback_query"],
        max_connections=3,
    )
    await api.user_sends(42, "hello")
    await api.user_sends(42, "again")
    await receiver.wait_accepted(2)
    await api.wait_idle()

    headers, body = receiver.requests[0]
    assert headers[SECRET_HEADER] == SECRET
    assert headers["Content-Type"].startswith("application/json")
    update = Update.de_json(body, bot)
    assert update.message is not None and update.message.text == "hello"
    assert update.message.chat.id == 42
    assert [_text(b) for b in receiver.accepted] == ["hello", "again"]
    assert api.webhook_delivered == [b["update_id"] for b in receiver.accepted]

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    assert info.max_connections == 3
    assert set(info.allowed_updates or ()) == {"message", "callback_query"}
    assert info.pending_update_count == 0
    assert info.last_error_date is None


async def test_a_long_poll_in_progress_gets_the_conflict(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    await bot.set_webhook(receiver.url)
    with pytest.raises(Conflict):
        await asyncio.wait_for(poll, 1.0)


async def test_a_refused_update_is_redelivered_and_the_error_reported(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    refusals = 2

    async def answer(update: dict[str, Any]) -> int:
        nonlocal refusals
        if refusals:
            refusals -= 1
            return 500
        return 200

    receiver.answer = answer
    await bot.set_webhook(receiver.url)
    await api.user_sends(42, "my brief")
    await receiver.wait_accepted(1)
    await api.wait_idle()

    ids = [body["update_id"] for _, body in receiver.requests]
    assert len(ids) == 3 and len(set(ids)) == 1
    assert api.webhook_attempts == 3 and api.webhook_failures == 2
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"
    assert info.last_error_date is not None


async def test_pending_count_while_the_bot_is_down(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    url = receiver.url
    await receiver.stop()  # nothing listens there any more
    await bot.set_webhook(url)
    await api.user_sends(42, "one")
    await api.user_sends(43, "two")
    await _eventually(lambda: api.webhook_failures >= 2)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 2
    assert info.last_error_message == "Connection refused"

    # The bot comes back on the same port: everything pending arrives.
    revived = web.Application()
    got: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        got.append(_text(await request.json()))
        return web.Response()

    revived.router.add_post("/hook", handle)
    runner = web.AppRunner(revived, access_log=None)
    await runner.setup()
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await api.wait_idle(timeout=3)
        assert sorted(got) == ["one", "two"]
    finally:
        await runner.cleanup()


async def test_a_timeout_counts_as_a_failure_and_is_redelivered(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    slow = True

    async def answer(update: dict[str, Any]) -> int:
        nonlocal slow
        if slow:
            slow = False
            await asyncio.sleep(1.0)  # longer than the server's 0.3 s webhook timeout
        return 200

    receiver.answer = answer
    await bot.set_webhook(receiver.url)
    await api.user_sends(42, "hello")
    await receiver.wait_accepted(1)
    assert len(receiver.requests) == 2
    assert (await bot.get_webhook_info()).last_error_message == "Read timeout expired"


async def test_a_stuck_chat_keeps_its_order_and_holds_up_no_other_chat(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    refusals = 3

    async def answer(update: dict[str, Any]) -> int:
        nonlocal refusals
        if _text(update) == "a1" and refusals:
            refusals -= 1
            return 503
        return 200

    receiver.answer = answer
    await bot.set_webhook(receiver.url)
    for chat, text in [(1, "a1"), (1, "a2"), (2, "b1"), (2, "b2"), (1, "a3")]:
        await api.user_sends(chat, text)
    await receiver.wait_accepted(5)

    order = [_text(body) for body in receiver.accepted]
    assert [t for t in order if t.startswith("a")] == ["a1", "a2", "a3"]
    assert [t for t in order if t.startswith("b")] == ["b1", "b2"]
    assert order.index("b2") < order.index("a1")  # chat 2 did not wait for chat 1
    a2_attempts = [body for _, body in receiver.requests if _text(body) == "a2"]
    assert len(a2_attempts) == 1  # a2 was only sent once a1 had been accepted


async def test_max_connections_bounds_simultaneous_requests(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    async def answer(update: dict[str, Any]) -> int:
        await asyncio.sleep(0.03)
        return 200

    receiver.answer = answer
    await bot.set_webhook(receiver.url, max_connections=2)
    for chat in range(1, 9):
        await api.user_sends(chat, f"hi {chat}")
    await receiver.wait_accepted(8)
    assert receiver.peak == 2


async def test_only_loopback_urls_are_accepted(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    for url in [
        "https://example.com/hook",
        "http://10.0.0.1:8443/hook",
        "http://[2001:db8::1]/hook",
        "http://127.0.0.1.nip.io/hook",
        "ftp://127.0.0.1/hook",
    ]:
        with pytest.raises(BadRequest, match=r"(?i)bad webhook"):
            await bot.set_webhook(url)
    assert (await bot.get_webhook_info()).url == ""
    await api.user_sends(42, "still polling")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["still polling"]
    assert api.webhook_attempts == 0

    for url in ["http://localhost:1/hook", "http://[::1]:1/hook", "http://127.0.0.2:1/x"]:
        assert await bot.set_webhook(url)
        assert (await bot.get_webhook_info()).url == url


async def test_redirects_are_not_followed(api: LocalBotAPI, receiver: Receiver, bot: Bot) -> None:
    redirect = True

    async def answer(update: dict[str, Any]) -> int:
        nonlocal redirect
        if redirect:
            redirect = False
            return 307
        return 200

    receiver.answer = answer
    await bot.set_webhook(receiver.url)
    await api.user_sends(42, "hello")
    await receiver.wait_accepted(1)
    assert len(receiver.requests) == 2  # the 307 counted as a failure, then a retry to /hook
    info = await bot.get_webhook_info()
    assert info.last_error_message is not None
    assert info.last_error_message.startswith("Wrong response from the webhook: 307")


async def test_settings_are_checked(api: LocalBotAPI, receiver: Receiver, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)secret token"):
        await bot.set_webhook(receiver.url, secret_token="has spaces")
    with pytest.raises(BadRequest, match="max_connections"):
        await bot.set_webhook(receiver.url, max_connections=101)
    assert (await bot.get_webhook_info()).url == ""


async def test_allowed_updates_filter_what_is_delivered(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    await bot.set_webhook(receiver.url, allowed_updates=["message"])
    await api.user_presses(42, 1, "role:designer")
    await api.user_sends(42, "after the press")
    await receiver.wait_accepted(1)
    await api.wait_idle()
    assert [body.get("message", {}).get("text") for _, body in receiver.requests] == [
        "after the press"
    ]


async def test_deleting_the_webhook_returns_pending_updates_to_polling(
    api: LocalBotAPI, receiver: Receiver, bot: Bot
) -> None:
    url = receiver.url
    await receiver.stop()
    await bot.set_webhook(url)
    await api.user_sends(42, "kept")
    await _eventually(lambda: api.webhook_failures > 0)
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["kept"]


async def test_drop_pending_updates(api: LocalBotAPI, receiver: Receiver, bot: Bot) -> None:
    await api.user_sends(42, "old news")
    await bot.set_webhook(receiver.url, drop_pending_updates=True)
    await api.user_sends(42, "fresh")
    await receiver.wait_accepted(1)
    assert [_text(body) for _, body in receiver.requests] == ["fresh"]


async def test_a_bot_answers_through_its_webhook(api: LocalBotAPI, receiver: Receiver) -> None:
    """The whole loop: updates pushed to the bot's endpoint, replies sent back to the server."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    app = Application.builder().token(TOKEN).base_url(api.base_url).updater(None).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))

    async def answer(body: dict[str, Any]) -> int:
        await app.update_queue.put(Update.de_json(body, app.bot))
        return 200

    receiver.answer = answer
    async with app:
        await app.start()
        try:
            await app.bot.set_webhook(receiver.url, secret_token=SECRET)
            await api.user_sends(42, "ciao")
            reply = await api.wait_for(42, contains="echo: ciao")
            assert reply.chat_id == 42
        finally:
            await app.stop()
