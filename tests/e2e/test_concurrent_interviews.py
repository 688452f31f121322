"""Many designers interviewed at once, their answers interleaved step by step: every one of them
reaches a stored brief and its matches, and no update fails on the way (on SQLite, a writer
waiting for another must wait its turn, not fail with "database is locked")."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.models import Brief
from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.harness import RunningBot, load_registry

REGISTRY = Path(__file__).resolve().parents[2] / "bot" / "data" / "demo_ateliers.csv"
DESIGNERS = 40
FIRST = 8_100_000
# Generous: every designer's step waits behind the other designers' same step.
REPLY_TIMEOUT = 90.0

# (what the designer does, what the bot answers), the whole interview from /brief on.
STEPS: list[tuple[str, str, str]] = [
    ("says", "/brief", "What is the product?"),
    ("says", "merino cardigans, hand finished", "I understood: knitwear"),
    ("presses", "Yes", "How many pieces per style?"),
    ("says", "80", "How many styles"),
    ("says", "3", "How many colourways"),
    ("says", "2", "Which sizes"),
    ("says", "XS-XL", "By when"),
    ("says", "in 12 weeks", "budget per piece"),
    ("says", "45 €", "Where should it be made?"),
    ("presses", "Italy", "certifications"),
    ("presses", "Done", "Send a tech pack"),
    ("presses", "Skip", "Your brief:"),
    ("presses", "Confirm", "Best matches"),
]


async def _step(api: LocalBotAPI, designer: int, last: SentMessage | None, n: int) -> SentMessage:
    kind, value, expect = STEPS[n]
    if kind == "says":
        await api.user_sends(designer, value, first_name=f"Designer {n}", language_code="en")
    else:
        assert last is not None
        await api.press(designer, last, value)
    return await api.wait_for(designer, contains=expect, timeout=REPLY_TIMEOUT)


async def test_designers_interviewed_at_once_all_reach_their_matches(
    bottega: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    await load_registry(bottega.session_factory, REGISTRY.read_text("utf-8"))
    bottega.app.bot_data["runtime"].match_index.invalidate()
    api = bottega.api
    designers = [FIRST + i for i in range(DESIGNERS)]
    last: dict[int, SentMessage | None] = dict.fromkeys(designers)
    caplog.set_level(logging.WARNING)

    for n in range(len(STEPS)):
        # Everyone's same step at once: the confirmations (the brief, its follow-up, the
        # designer's role) all want to write at the same moment.
        replies = await asyncio.gather(*(_step(api, d, last[d], n) for d in designers))
        last.update(zip(designers, replies, strict=True))

    for designer in designers:
        transcript = " | ".join(m.text or "" for m in api.sent(designer))
        assert "something went wrong" not in transcript.lower(), transcript
    async with bottega.session_factory() as session:
        owners = await session.scalars(select(Brief.designer_id).distinct())
        assert len(owners.all()) == DESIGNERS
        briefs = await session.scalar(select(func.count()).select_from(Brief))
    assert briefs == DESIGNERS
    failures = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR or "locked" in record.getMessage()
    ]
    assert failures == []
