"""A `bottega run` process killed with SIGKILL right after any answer of an interview: the
restarted process asks the next question, once; nothing answered is forgotten or done twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db import create_engine, create_session_factory
from bot.db.models import Brief
from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.processes import BotProcess, bot_processes

DESIGNER = 7070
REPLY_TIMEOUT = 60.0

Step = Callable[[LocalBotAPI, SentMessage | None], Awaitable[object]]


def _says(text: str) -> Step:
    async def act(api: LocalBotAPI, last: SentMessage | None) -> object:
        return await api.user_sends(DESIGNER, text, first_name="Ada", language_code="en")

    act.__name__ = f"says {text!r}"
    return act


def _presses(label: str) -> Step:
    async def act(api: LocalBotAPI, last: SentMessage | None) -> object:
        assert last is not None
        return await api.press(DESIGNER, last, label)

    act.__name__ = f"presses {label!r}"
    return act


# Every step of the interview, each with the question (or answer) it leads to.
INTERVIEW: list[tuple[Step, str]] = [
    (_says("/start"), "Who are you?"),
    (_presses("I'm a designer"), "What is the product?"),
    (_says("cardigans"), "I understood: knitwear"),
    (_presses("Yes"), "Which materials?"),
    (_presses("Done"), "How many pieces per style?"),
    (_says("80"), "How many styles"),
    (_presses("3"), "How many colourways"),
    (_presses("2"), "Which sizes"),
    (_says("XS-XL"), "By when"),
    (_says("in 12 weeks"), "budget per piece"),
    (_says("45 €"), "Where should it be made?"),
    (_presses("Italy"), "minimum share of handwork"),
    (_presses("≥ 50 %"), "certifications"),
    (_presses("Done"), "Your brief:"),
    (_presses("Confirm"), "Brief saved"),
]


async def briefs_stored(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(Brief)) or 0)
    finally:
        await engine.dispose()


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
