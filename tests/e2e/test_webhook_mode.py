"""`bottega run --webhook`: the local Bot API server posts updates to the bot's endpoint, which
checks the secret token on every request and answers 200 only once an update is handled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from localbotapi import LocalBotAPI, SentMessage
from localbotapi.webhook import SECRET_HEADER
from tests.e2e.interview_script import DESIGNER, INTERVIEW, REPLY_TIMEOUT, briefs_stored
from tests.e2e.processes import BotProcess, bot_processes, free_port

SECRET = "Webhook_secret-42"


def _webhook_bot(api: LocalBotAPI, database_url: str, workdir: Path) -> tuple[BotProcess, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/updates"
    bot = BotProcess(
        api,
        database_url,
        workdir,
        args=("--webhook",),
        WEBHOOK_URL=url,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_MAX_CONNECTIONS="5",
    )
    return bot, url


async def _post(url: str, body: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=json.dumps(body), headers=headers) as response,
    ):
        return response.status


@pytest.mark.slow
async def test_an_interview_over_webhook_delivery(database_url: str, tmp_path: Path) -> None:
    async with LocalBotAPI(webhook_timeout=REPLY_TIMEOUT) as api:
        bot, url = _webhook_bot(api, database_url, tmp_path)
        async with bot_processes(bot):
            await bot.start()
            await bot.wait_log("webhook listening")
            polls_before = api.call_counts["getUpdates"]
            last: SentMessage | None = None
            for act, expected in INTERVIEW:
                await act(api, last)
                last = await api.wait_for(DESIGNER, contains=expected, timeout=REPLY_TIMEOUT)
            await api.wait_idle(timeout=REPLY_TIMEOUT)
            info = await _webhook_info(api)
            assert info["url"] == url and info["max_connections"] == 5
            assert "callback_query" in info["allowed_updates"]
            assert "message" in info["allowed_updates"]
            assert len(api.webhook_delivered) == len(INTERVIEW)
            assert api.call_counts["getUpdates"] == polls_before
            assert await bot.terminate() == 0
    assert await briefs_stored(database_url) == 1


async def _webhook_info(api: LocalBotAPI) -> dict[str, Any]:
    info = await api._get_webhook_info({})
    return dict(info)


async def test_the_secret_is_checked_on_every_request(database_url: str, tmp_path: Path) -> None:
    async with LocalBotAPI(webhook_timeout=REPLY_TIMEOUT) as api:
        bot, url = _webhook_bot(api, database_url, tmp_path)
        async with bot_processes(bot):
            await bot.start()
            await bot.wait_log("webhook listening")
            api.set_user(5150, first_name="Eve", language_code="en")
            update = {
                "update_id": 900_001,
                "message": {
                    "message_id": 1,
                    "date": 1_700_000_000,
                    "chat": {"id": 5150, "type": "private", "first_name": "Eve"},
                    "from": {
                        "id": 5150,
                        "is_bot": False,
                        "first_name": "Eve",
                        "language_code": "en",
                    },
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
            assert await _post(url, update, None) == 403
            assert await _post(url, update, "not-the-secret") == 403
            assert api.sent(5150) == [], "a refused request is not handled"
            assert await _post(url, update, SECRET) == 200
            # 200 means handled: the reply is already at the server.
            assert any("Who are you?" in m.plain_text for m in api.sent(5150))
            # The same update again (a retry) is recognised and not handled twice.
            assert await _post(url, update, SECRET) == 200
            assert sum("Who are you?" in m.plain_text for m in api.sent(5150)) == 1
            assert await bot.terminate() == 0
    log = bot.log
    assert "webhook request refused: missing secret token" in log
    assert "webhook request refused: wrong secret token" in log
    assert "not-the-secret" not in log and SECRET not in log
