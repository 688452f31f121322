"""The Bot API client: real requests against the local server, errors mapped the way PTB expects."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.request import AiohttpRequest
from localbotapi import LocalBotAPI


async def test_texts_and_uploads_reach_the_server() -> None:
    async with LocalBotAPI() as api:
        bot = Bot(
            "1:TEST",
            base_url=api.base_url,
            request=AiohttpRequest(),
            get_updates_request=AiohttpRequest(),
        )
        async with bot:
            await bot.send_message(7, "ciao, è tutto ok?")
            await bot.send_photo(7, b"\x89PNG\r\n\x1a\nfake", caption="chart")
        sent = api.sent(7)
        assert [m.kind for m in sent] == ["text", "photo"]
        assert sent[0].text == "ciao, è tutto ok?"
        assert sent[1].text == "chart" and sent[1].file_size == 12


async def test_a_slow_server_times_out() -> None:
    async with LocalBotAPI(latency=1.0) as api:
        request = AiohttpRequest(read_timeout=0.2, write_timeout=0.0)
        bot = Bot(
            "1:TEST", base_url=api.base_url, request=request, get_updates_request=AiohttpRequest()
        )
        await request.initialize()
        try:
            with pytest.raises(TimedOut):
                await bot.send_message(7, "hello")
        finally:
            await request.shutdown()


async def test_an_unreachable_server_is_a_network_error() -> None:
    async with LocalBotAPI() as api:
        base_url = api.base_url
    request = AiohttpRequest()
    bot = Bot("1:TEST", base_url=base_url, request=request, get_updates_request=AiohttpRequest())
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await bot.send_message(7, "hello")
    finally:
        await request.shutdown()
