"""A running bot sees registry changes made by other processes within two seconds, through a
designer's match list: an atelier verified by the CLI, one paused by another process writing to
the database, one imported by the CLI. The bot keeps running (and answering) while they do."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from localbotapi import LocalBotAPI, SentMessage
from tests.e2e.harness import RunningBot, load_registry, running_bot
from tests.e2e.test_designer_flow import DESIGNER, _interview_until_summary

HEADER = (
    "ref,name,country,region,city,specialties,materials,techniques,moq,max_batch,"
    "monthly_capacity,lead_time_weeks,handwork_share,certifications,languages,contact,"
    "description,verified"
)
REGISTRY = f"""{HEADER}
K001,Maglificio Rossi,IT,Emilia-Romagna,Carpi,knitwear,merino;wool,hand linking,20,500,800,5,75,,it,rossi@example.com,Knitwear since 1970.,true
K002,Maglieria Bianchi,IT,Veneto,Treviso,maglieria,lana;merino,rimagliatura a mano,30,400,600,6,60,,it,bianchi@example.com,Maglieria artigianale.,false
"""
LATE_ARRIVAL = f"""{HEADER}
K003,Maglificio Neri,IT,Marche,Fermo,knitwear,merino,hand finishing,10,300,500,4,80,,it,neri@example.com,Knitwear.,true
"""
# The promise: a change anywhere reaches every running process's matches within this.
FRESH_WITHIN = 2.0


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with running_bot(database_url) as running:
        yield running


async def _process(*argv: str, env: dict[str, str] | None = None) -> None:
    """Run a program in a process of its own while the bot goes on serving."""
    process = await asyncio.create_subprocess_exec(
        *argv,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, errors.decode()


async def _cli(database_url: str, *args: str) -> None:
    """Run `bottega` as an operator would."""
    await _process(sys.executable, "-m", "bot", *args, env={"DATABASE_URL": database_url})


PAUSE = """
import asyncio, sys
from sqlalchemy import update
from bot.db import create_engine
from bot.db.models import Atelier

async def main() -> None:
    engine = create_engine(sys.argv[1])
    async with engine.begin() as connection:
        await connection.execute(
            update(Atelier).where(Atelier.ref == sys.argv[2]).values(paused=sys.argv[3] == "true")
        )
    await engine.dispose()

asyncio.run(main())
"""


async def _python(database_url: str, code: str, *args: str) -> None:
    """Run a piece of Python against the database in a process of its own."""
    await _process(sys.executable, "-c", code, database_url, *args)


async def _match_list(api: LocalBotAPI) -> str:
    await api.user_sends(DESIGNER, "/briefs")
    listing = await api.wait_for(DESIGNER, contains="Your briefs:")
    await api.press(DESIGNER, listing, "Matches #")
    found: SentMessage = await api.wait_for(
        DESIGNER,
        lambda m: "Best matches" in (m.text or "") or "No atelier" in (m.text or ""),
    )
    return (found.text or "").split("Close, but")[0]


async def _until(api: LocalBotAPI, wanted: str, *, present: bool) -> float:
    """Seconds until the designer's match list does (or no longer does) name `wanted`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while True:
        shown = await _match_list(api)
        elapsed = loop.time() - started
        if (wanted in shown) == present:
            return elapsed
        assert elapsed < FRESH_WITHIN, f"{wanted!r} still {'missing' if present else 'shown'}"
        await asyncio.sleep(0.1)


async def test_changes_by_other_processes_reach_the_designers_match_list(
    bottega: RunningBot, database_url: str, tmp_path: Path
) -> None:
    await load_registry(bottega.session_factory, REGISTRY)
    api = bottega.api
    summary = await _interview_until_summary(api)
    await api.press(DESIGNER, summary, "Confirm")
    first = await api.wait_for(DESIGNER, contains="Best matches")
    assert "Maglificio Rossi" in (first.text or "")
    assert "Maglieria Bianchi" not in (first.text or ""), "unverified ateliers are not matched"

    await _cli(database_url, "ateliers", "verify", "K002")
    assert await _until(api, "Maglieria Bianchi", present=True) < FRESH_WITHIN

    # Paused by another process writing to the database (as a second bot process would),
    # and no longer matched: a paused atelier is a hard constraint.
    await _python(database_url, PAUSE, "K001", "true")
    assert await _until(api, "Maglificio Rossi", present=False) < FRESH_WITHIN

    late = tmp_path / "late.csv"
    late.write_text(LATE_ARRIVAL, encoding="utf-8")
    await _cli(database_url, "ateliers", "import", str(late))
    assert await _until(api, "Maglificio Neri", present=True) < FRESH_WITHIN
    shown = await _match_list(api)
    assert "Maglieria Bianchi" in shown and "Maglificio Rossi" not in shown
