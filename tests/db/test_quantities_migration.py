"""Migration 0007 keeps what existing briefs and ateliers meant, both ways, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from alembic import command
from bot.db import create_engine
from bot.db.migrations import alembic_config
from tests.conftest import PostgresDatabases


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'quantities.sqlite3'}"
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        yield databases.create()


async def _migrate(conn: AsyncConnection, url: str, revision: str, *, down: bool = False) -> None:
    step = command.downgrade if down else command.upgrade
    await conn.run_sync(lambda c: step(alembic_config(url, connection=c), revision))


ATELIER = (
    "INSERT INTO ateliers (ref, name, country, region, city, specialties, materials, techniques,"
    " moq, max_batch, monthly_capacity, lead_time_weeks, handwork_share, certifications,"
    " languages, contact, description, category_ids, source, verified, paused, listed,"
    " created_at, updated_at) VALUES ('A1', 'Maglificio', 'IT', '', '', '[]', '[]', '[]',"
    " 50, 500, 0, 4, 0, '[]', '[]', '', '', '[]', 'import', true, false, true,"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
BRIEF = (
    "INSERT INTO briefs (id, state, language, product_text, materials, quantity, quantity_high,"
    " styles, certifications, created_at, updated_at) VALUES"
    " ({id}, 'open', 'en', 'jumpers', '[]', {quantity}, {high}, 3, '[]',"
    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


async def test_existing_rows_keep_their_meaning_up_and_down(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await _migrate(conn, url, "0006")
            await conn.execute(text(ATELIER))
            # "150-250 per style" was stored as its midpoint 200; "80 per style" as 80.
            await conn.execute(text(BRIEF.format(id=1, quantity=200, high=250)))
            await conn.execute(text(BRIEF.format(id=2, quantity=80, high="NULL")))
        async with engine.begin() as conn:
            await _migrate(conn, url, "0007")
            atelier = (await conn.execute(text("SELECT moq, moq_per FROM ateliers"))).one()
            assert tuple(atelier) == (50, "style")
            briefs = (
                await conn.execute(
                    text(
                        "SELECT quantity, quantity_high, quantity_per, styles, colourways, sizes"
                        " FROM briefs ORDER BY id"
                    )
                )
            ).all()
            assert [tuple(b) for b in briefs] == [
                (150, 250, "style", 3, None, None),
                (80, None, "style", 3, None, None),
            ]
            with pytest.raises(Exception, match=r"(?i)check"):
                async with conn.begin_nested():
                    await conn.execute(text("UPDATE ateliers SET moq_per = 'pair'"))
        async with engine.begin() as conn:
            await _migrate(conn, url, "0006", down=True)
            briefs = (
                await conn.execute(text("SELECT quantity, quantity_high FROM briefs ORDER BY id"))
            ).all()
            assert [tuple(b) for b in briefs] == [(200, 250), (80, None)]
            count = await conn.scalar(text("SELECT count(*) FROM ateliers"))
            assert count == 1
    finally:
        await engine.dispose()
