"""SIGTERM in the middle of a burst of updates: the process stops taking updates, finishes the
ones it took, exits 0 within 10 s, and the restarted process handles the rest: every update
handled once, none lost, none twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from localbotapi import LocalBotAPI
from tests.e2e.interview_script import REPLY_TIMEOUT
from tests.e2e.processes import BotProcess, bot_processes

BURST = 200
FIRST_USER = 810_000
STOP_BOUND = 10.0


def _welcomed(api: LocalBotAPI, user: int) -> int:
    return sum("Who are you?" in m.plain_text for m in api.sent(user))


@pytest.mark.slow
async def test_sigterm_during_a_burst_loses_nothing_and_repeats_nothing(
    database_url: str, tmp_path: Path
) -> None:
    users = range(FIRST_USER, FIRST_USER + BURST)
    async with LocalBotAPI() as api:
        bot = BotProcess(api, database_url, tmp_path)
        async with bot_processes(bot):
            await bot.start()
            await bot.wait_log("this process is the active one")
            for user in users:
                await api.user_sends(user, "/start", first_name="Ugo", language_code="en")
            async with asyncio.timeout(REPLY_TIMEOUT):
                while sum(_welcomed(api, user) for user in users) < 10:  # noqa: ASYNC110 - server counters
                    await asyncio.sleep(0.01)
            loop = asyncio.get_running_loop()
            signalled = loop.time()
            assert await bot.terminate(timeout=REPLY_TIMEOUT) == 0, bot.log
            took = loop.time() - signalled
            assert took <= STOP_BOUND, f"stopping took {took:.1f} s"
            handled_before_restart = sum(_welcomed(api, user) for user in users)
            await bot.start()
            async with asyncio.timeout(REPLY_TIMEOUT * 2):
                while sum(_welcomed(api, user) > 0 for user in users) < BURST:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            await api.wait_idle(timeout=REPLY_TIMEOUT)
            assert await bot.terminate(timeout=REPLY_TIMEOUT) == 0
    assert handled_before_restart >= 10, "the stop came in the middle of the burst"
    assert [user for user in users if _welcomed(api, user) != 1] == []
