"""`bottega orders export` and the quote and order lines of `bottega stats`, on a database with
two quotes and one order in production."""

from __future__ import annotations

import asyncio
import csv
import io
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.db import create_engine, create_session_factory
from bot.orders import service as orders
from bot.orders.lifecycle import Action, Ticket, TicketLine
from bot.quotes import service as quotes
from tests.conftest import REPO_ROOT
from tests.orders.world import NOW, build_world, draft
from tests.test_cli import bottega


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'orders.sqlite3'}"
    env["PYTHONPATH"] = str(REPO_ROOT)
    return env


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            world = await build_world(session)
            later = NOW + timedelta(hours=5)
            first = await quotes.send(
                session,
                intro_id=world.intros[0].id,
                owner=world.owners[0],
                draft=draft(),
                now=later,
            )
            await quotes.send(
                session,
                intro_id=world.intros[1].id,
                owner=world.owners[1],
                draft=draft("50"),
                now=later,
            )
            order = await quotes.accept(
                session, quote_id=first.id, designer=world.designer, now=later + timedelta(days=1)
            )
            owner, designer = world.owners[0], world.designer
            for user, action in ((owner, Action.SEND_SAMPLE), (designer, Action.APPROVE_SAMPLE)):
                await orders.advance(session, order_id=order.id, user=user, action=action)
            ticket = Ticket(80, date.today() + timedelta(weeks=8), (TicketLine("navy", "M", 80),))
            await orders.advance(
                session,
                order_id=order.id,
                user=owner,
                action=Action.PROPOSE_TICKET,
                ticket=ticket,
            )
            await orders.advance(
                session, order_id=order.id, user=designer, action=Action.CONFIRM_TICKET
            )
            await session.commit()
    finally:
        await engine.dispose()


def test_orders_export_and_stats(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert bottega("db", "upgrade", env=cli_env, cwd=tmp_path).returncode == 0
    asyncio.run(_seed(cli_env["DATABASE_URL"]))

    out = tmp_path / "orders.csv"
    result = bottega("orders", "export", str(out), env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Exported 1 order to" in result.stdout
    [row] = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert (row["atelier_ref"], row["state"], row["quote_version"]) == (
        "A1",
        "production_confirmed",
        "1",
    )
    assert (row["unit_price"], row["total"], row["ticket_pieces"]) == ("42.00", "3360.00", "80")
    assert "@" not in out.read_text("utf-8")

    chart = tmp_path / "stats.png"
    stats = bottega("stats", "--chart", str(chart), env=cli_env, cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    rows = {
        " ".join(line.strip("│ ").split("│")[0].split()): line.split("│")[-2].strip()
        for line in stats.stdout.splitlines()
        if line.count("│") == 3
    }
    assert rows["Quotes open"] == "1" and rows["Quotes accepted"] == "1"
    assert rows["Orders production_confirmed"] == "1" and rows["Orders sampling"] == "0"
    assert rows["Median accepted introduction → first quote"] == "5.0 h"
    assert rows["Median first quote → order"] == "24.0 h"
    assert chart.read_bytes().startswith(b"\x89PNG")

    missing = bottega("orders", "export", str(tmp_path / "no" / "x.csv"), env=cli_env, cwd=tmp_path)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
