"""`bottega chat` drives the real bot from a terminal: messages, numbered buttons, typing."""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console

from bot.chat import run_chat
from tests.e2e.harness import load_registry, make_settings
from tests.e2e.test_designer_flow import OWNED_ATELIER_CSV


def _script(lines: list[str]) -> Iterator[str]:
    yield from lines


async def test_terminal_chat_plays_an_interview(database_url: str) -> None:
    settings = make_settings(database_url)
    from bot.db import create_engine, create_session_factory

    engine = create_engine(database_url)
    await load_registry(create_session_factory(engine), OWNED_ATELIER_CSV)
    await engine.dispose()

    typed = _script(["1", "jumpers", "1", "/quit"])

    def read_line(prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    buffer = io.StringIO()
    await run_chat(
        settings,
        user_id=77,
        language="en",
        console=Console(file=buffer, width=120),
        read_line=read_line,
    )
    output = buffer.getvalue()
    assert "Welcome to Bottega" in output
    assert "[1] I'm a designer" in output
    assert "What is the product?" in output
    assert "I understood: knitwear" in output
    assert "Which materials?" in output
    assert output.rstrip().endswith("Bye!")
