"""One active `bottega run` among several: on PostgreSQL the others stand by and one takes over
when the active one is killed; on SQLite a second one refuses to start."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.interview_script import DESIGNER, INTERVIEW, REPLY_TIMEOUT, briefs_stored
from tests.e2e.processes import BotProcess, bot_processes, free_port, get

TAKEOVER = 5.0  # seconds from the active process's death to the next answer's reply


@pytest.mark.postgres
@pytest.mark.slow
async def test_a_standby_takes_over_mid_interview_within_five_seconds(
    postgres_url: str, tmp_path: Path
) -> None:
    database_url = postgres_url
    async with LocalBotAPI() as api:
        first = BotProcess(api, database_url, tmp_path, "first")
        health = free_port()
        second = BotProcess(api, database_url, tmp_path, "second", HEALTH_PORT=str(health))
        async with bot_processes(first, second):
            await first.start()
            await first.wait_log("this process is the active one")
            await second.start()
            await second.wait_log("standing by")
            status, body = await get(health, "/readyz")
            assert (status, json.loads(body)) == (200, {"database": "ok", "role": "standby"})
            assert "bottega_standby 1.0" in (await get(health, "/metrics"))[1]
            last: SentMessage | None = None
            steps = iter(INTERVIEW)
            for act, expected in steps:
                await act(api, last)
                last = await api.wait_for(DESIGNER, contains=expected, timeout=REPLY_TIMEOUT)
                if expected == "How many styles":
                    break
            assert "this process is the active one" not in second.log
            loop = asyncio.get_running_loop()
            await first.kill()
            died = loop.time()
            act, expected = next(steps)
            await act(api, last)
            last = await api.wait_for(DESIGNER, contains=expected, timeout=REPLY_TIMEOUT)
            took = loop.time() - died
            assert took <= TAKEOVER, f"the standby answered {took:.1f} s after the kill"
            assert "this process is the active one" in second.log
            assert json.loads((await get(health, "/readyz"))[1])["role"] == "active"
            for act, expected in steps:
                await act(api, last)
                last = await api.wait_for(DESIGNER, contains=expected, timeout=REPLY_TIMEOUT)
            await api.wait_idle(timeout=REPLY_TIMEOUT)
            assert await second.terminate() == 0
    assert await briefs_stored(database_url) == 1
    # Counted at the server: every answer was replied to exactly once, none lost, none twice.
    texts = [m.plain_text for m in api.sent(DESIGNER)]
    for _, expected in INTERVIEW[:-2]:
        assert sum(expected in text for text in texts) == 1, (expected, texts)


async def test_a_second_process_on_sqlite_refuses_to_start(
    tmp_path: Path, sqlite_template: Path
) -> None:
    import shutil

    path = tmp_path / "bottega.sqlite3"
    shutil.copyfile(sqlite_template, path)
    database_url = f"sqlite+aiosqlite:///{path}"
    async with LocalBotAPI() as api:
        first = BotProcess(api, database_url, tmp_path, "first")
        second = BotProcess(api, database_url, tmp_path, "second")
        async with bot_processes(first, second):
            await first.start()
            await first.wait_log("this process is the active one")
            await second.start()
            assert await second.wait(timeout=REPLY_TIMEOUT) == 2
            assert "Another `bottega run` is already using" in second.log
            assert "use PostgreSQL" in second.log
            assert first.running
            assert await first.terminate() == 0
            # Once the first has stopped, the lock is free again.
            await second.start()
            await second.wait_log("this process is the active one")
            assert await second.terminate() == 0
