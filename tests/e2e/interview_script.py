"""The designer interview as a script of steps, for tests that run `bottega run` as a process
and kill, stop or replace it between any two steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from bot.db import create_engine, create_session_factory
from bot.db.models import Brief
from localbotapi import LocalBotAPI, SentMessage

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
    (_presses("Done"), "Send a tech pack"),
    (_presses("Skip"), "Your brief:"),
    (_presses("Confirm"), "Brief saved"),
]


async def briefs_stored(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(Brief)) or 0)
    finally:
        await engine.dispose()
