"""`bottega db copy`: the operator's data moves from SQLite to PostgreSQL whole — ateliers,
people, briefs, introductions, deliveries, feedback, conversations in progress — and the new
database keeps working (new rows get new ids, the registry's change log is its own)."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from bot.cli import app
from bot.db import create_engine, create_session_factory
from bot.db.base import Base
from bot.db.models import (
    AtelierChange,
    ConversationState,
    Delivery,
    Feedback,
    IntroRequest,
    User,
)
from bot.ops.copy import copied_tables
from tests.conftest import PostgresDatabases
from tests.scheduling.helpers import atelier, knitwear_brief

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            designer = User(telegram_id=111, language="it", role="designer", display_name="Ada")
            owner = User(telegram_id=222, language="en", role="atelier", contact="+39 055 1")
            session.add_all([designer, owner])
            await session.flush()
            rossi = atelier("K001", owner_id=owner.id, verified=True)
            bianchi = atelier("K002", name="Maglieria Bianchi", paused=True)
            session.add_all([rossi, bianchi])
            brief = knitwear_brief(
                designer.id, T0, budget_amount=Decimal("45.50"), budget_currency="EUR"
            )
            session.add(brief)
            await session.flush()
            intro = IntroRequest(brief_id=brief.id, atelier_id=rossi.id, state="accepted")
            session.add(intro)
            await session.flush()
            session.add_all(
                [
                    Feedback(
                        intro_id=intro.id,
                        from_user_id=designer.id,
                        atelier_id=rossi.id,
                        stars=5,
                        note="ottimo",
                    ),
                    Delivery(
                        kind="followup_nudge",
                        recipient_id=designer.id,
                        payload={"brief_id": brief.id},
                        dedupe_key=f"nudge:{brief.id}",
                        due_at=T0 + timedelta(days=1),
                    ),
                    ConversationState(
                        name="designer_interview", key="[111, 111]", state={"state": "QUANTITY"}
                    ),
                    ConversationState(name="__user_data__", key="111", state={"brief": {"q": 80}}),
                ]
            )
            await session.commit()
    finally:
        await engine.dispose()


async def _rows(engine: AsyncEngine) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    async with engine.connect() as connection:
        for table in copied_tables():
            order = list(table.primary_key.columns)
            result = await connection.execute(table.select().order_by(*order))
            found[table.name] = [dict(row) for row in result.mappings()]
    return found


async def _compare(source_url: str, target_url: str) -> None:
    source, target = create_engine(source_url), create_engine(target_url)
    try:
        assert await _rows(source) == await _rows(target)
        async with create_session_factory(target)() as session:
            # New rows continue after the copied ids instead of colliding with them.
            newcomer = User(telegram_id=333)
            session.add(newcomer)
            await session.flush()
            assert newcomer.id == 3
            # The target's triggers logged the copied ateliers for its match indexes.
            changes = await session.scalar(select(func.count()).select_from(AtelierChange))
            assert (changes or 0) >= 2
            await session.rollback()
    finally:
        await source.dispose()
        await target.dispose()


@pytest.mark.postgres
def test_copy_from_sqlite_to_postgresql_takes_everything(
    tmp_path: Path,
    sqlite_template: Path,
    postgres_databases: PostgresDatabases,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "bottega.sqlite3"
    shutil.copyfile(sqlite_template, path)
    source_url = f"sqlite+aiosqlite:///{path}"
    target_url = postgres_databases.create()
    asyncio.run(_seed(source_url))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", target_url)
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    monkeypatch.setenv("DATABASE_URL", source_url)

    result = runner.invoke(app, ["db", "copy", target_url])
    assert result.exit_code == 0, result.output
    assert "ateliers: 2" in result.output and "briefs: 1" in result.output
    assert "intro_requests: 1" in result.output and "deliveries: 1" in result.output
    assert "conversation_states: 2" in result.output
    # Every table of the schema is part of the copy, except the derived change log and the
    # match index's snapshot (it names the source's change-log ids).
    assert {t.name for t in copied_tables()} == {t.name for t in Base.metadata.sorted_tables} - {
        "atelier_changes",
        "match_index_snapshots",
    }
    asyncio.run(_compare(source_url, target_url))

    again = runner.invoke(app, ["db", "copy", target_url])
    assert again.exit_code == 1
    assert "not empty" in again.output


def test_copy_refuses_a_target_that_is_not_migrated(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bottega.sqlite3"
    shutil.copyfile(sqlite_template, path)
    asyncio.run(_seed(f"sqlite+aiosqlite:///{path}"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    target = tmp_path / "empty.sqlite3"
    result = CliRunner().invoke(app, ["db", "copy", f"sqlite+aiosqlite:///{target}"])
    assert result.exit_code == 1
    assert "migrate both to the same revision" in result.output
