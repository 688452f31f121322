"""Operators can preview a user's digest and queue this week's digest for everyone now."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from bot.db import create_engine, create_session_factory
from bot.db.base import utcnow
from bot.db.models import Delivery
from tests.scheduling.helpers import add_user, atelier, knitwear_brief


async def _seed(url: str) -> int:
    engine = create_engine(url)
    factory = create_session_factory(engine)
    try:
        owner = await add_user(factory, 7101, role="atelier")
        designer = await add_user(factory, 7102, role="designer")
        async with factory() as session:
            session.add(atelier("CLI1", name="Maglificio CLI", owner_id=owner.id))
            session.add(knitwear_brief(designer.id, utcnow() - timedelta(days=1)))
            await session.commit()
        return owner.id
    finally:
        await engine.dispose()


async def _digest_rows(url: str) -> list[Delivery]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.scalars(select(Delivery))).all())
    finally:
        await engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_preview_then_send_now(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)  # no stray .env
    owner_id = asyncio.run(_seed(database_url))
    runner = CliRunner()

    preview = runner.invoke(app, ["digest", "preview", str(owner_id)])
    assert preview.exit_code == 0, preview.output
    assert "New briefs this week that fit your workshop" in preview.output
    assert "[Interested in brief 1]" in preview.output
    assert asyncio.run(_digest_rows(database_url)) == []  # a preview records nothing

    missing = runner.invoke(app, ["digest", "preview", "999999"])
    assert missing.exit_code == 1

    sent = runner.invoke(app, ["digest", "send-now"])
    assert sent.exit_code == 0, sent.output
    # The atelier hears of the brief, the designer of the atelier that joined after it.
    assert "Digests queued: 2" in sent.output
    rows = asyncio.run(_digest_rows(database_url))
    assert {(r.kind, r.state) for r in rows} == {("digest", "pending")}
    assert owner_id in {r.recipient_id for r in rows}
    again = runner.invoke(app, ["digest", "send-now"])
    assert "Digests queued: 0" in again.output
