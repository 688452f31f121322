"""A `bottega run` process killed with SIGKILL right after any answer of an interview: the
restarted process asks the next question, once; nothing answered is forgotten or done twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.interview_script import DESIGNER, INTERVIEW, REPLY_TIMEOUT, briefs_stored
from tests.e2e.processes import BotProcess, bot_processes


@pytest.mark.slow
async def test_a_kill_after_any_answer_resumes_at_the_next_question(
    database_url: str, tmp_path: Path
) -> None:
    async with LocalBotAPI() as api:
        bot = BotProcess(api, database_url, tmp_path)
        async with bot_processes(bot):
            last: SentMessage | None = None
            for act, expected in INTERVIEW:
                await bot.start()
                before = len(api.sent(DESIGNER))
                await act(api, last)
                try:
                    last = await api.wait_for(DESIGNER, contains=expected, timeout=REPLY_TIMEOUT)
                except AssertionError as exc:
                    raise AssertionError(f"after {act.__name__}: {exc}\n{bot.log}") from None
                await bot.kill()
                replies = api.sent(DESIGNER)[before:]
                assert len(replies) == 1 or expected == "Brief saved", (
                    f"after {act.__name__}: {[m.text for m in replies]}"
                )
            # The restarted process sees the last update again and knows it was handled.
            await bot.start()
            await bot.wait_log("was handled before", timeout=REPLY_TIMEOUT)
            await bot.kill()
    assert await briefs_stored(database_url) == 1, "the confirmed brief was stored once"
    transcript = [m.plain_text for m in api.sent(DESIGNER)]
    # (The summary itself becomes "Brief saved" when it is confirmed.)
    for _, expected in INTERVIEW[:-2]:
        assert sum(expected in text for text in transcript) == 1, (expected, transcript)
