"""The operator's view of a running `bottega run`: `/healthz`, `/readyz` and Prometheus
`/metrics` on the health port, and JSON log lines that never carry the token or a contact."""

from __future__ import annotations

import json
from pathlib import Path

from localbotapi import LocalBotAPI
from tests.e2e.harness import TOKEN
from tests.e2e.interview_script import REPLY_TIMEOUT
from tests.e2e.processes import BotProcess, bot_processes, free_port, get

USER = 6161


async def test_health_readiness_and_metrics_of_a_running_bot(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    async with LocalBotAPI() as api:
        bot = BotProcess(api, database_url, tmp_path, HEALTH_PORT=str(port), LOG_FORMAT="json")
        async with bot_processes(bot):
            await bot.start()
            await bot.wait_log("this process is the active one")
            assert await get(port, "/healthz") == (200, '{"status": "ok", "role": "active"}')
            status, body = await get(port, "/readyz")
            assert (status, json.loads(body)) == (200, {"database": "ok", "role": "active"})

            await api.user_sends(USER, "/start", first_name="Ida", language_code="en")
            await api.wait_for(USER, contains="Who are you?", timeout=REPLY_TIMEOUT)
            await api.user_sends(USER, "my e-mail is ida@example.com, call +39 055 123 4567")
            await api.wait_for(USER, timeout=REPLY_TIMEOUT)
            status, metrics = await get(port, "/metrics")
            assert status == 200
            assert 'bottega_updates_total{kind="message",outcome="handled"} 2.0' in metrics
            assert "bottega_update_handling_seconds_count 2.0" in metrics
            assert "bottega_active 1.0" in metrics and "bottega_standby 0.0" in metrics
            assert await bot.terminate() == 0
    lines = [line for line in bot.log.splitlines() if line and not line.startswith("--- run")]
    assert lines
    entries = [json.loads(line) for line in lines]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert TOKEN not in bot.log and TOKEN.split(":")[1] not in bot.log
    assert "ida@example.com" not in bot.log and "123 4567" not in bot.log
