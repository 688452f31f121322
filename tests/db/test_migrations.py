"""Every revision upgrades, downgrades and upgrades again, and the models match the migrations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from alembic import command
from bot.db import create_engine
from bot.db.base import Base
from bot.db.migrations import alembic_config
from tests.conftest import PostgresDatabases

REVISIONS = [
    rev.revision
    for rev in reversed(
        list(ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions())
    )
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'stairway.sqlite3'}"
    else:
        databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
        yield databases.create()


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


async def test_stairway_upgrade_downgrade_upgrade_each_revision(empty_database_url: str) -> None:
    engine = create_engine(empty_database_url)
    try:
        previous = "base"
        for revision in REVISIONS:
            async with engine.begin() as conn:
                await conn.run_sync(
                    lambda c, r=revision: command.upgrade(
                        alembic_config(empty_database_url, connection=c), r
                    )
                )
                after_upgrade = await conn.run_sync(_tables)
            async with engine.begin() as conn:
                await conn.run_sync(
                    lambda c, p=previous: command.downgrade(
                        alembic_config(empty_database_url, connection=c), p
                    )
                )
            async with engine.begin() as conn:
                await conn.run_sync(
                    lambda c, r=revision: command.upgrade(
                        alembic_config(empty_database_url, connection=c), r
                    )
                )
                assert await conn.run_sync(_tables) == after_upgrade
            previous = revision
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) == set(Base.metadata.tables)
        async with engine.begin() as conn:
            await conn.run_sync(
                lambda c: command.downgrade(
                    alembic_config(empty_database_url, connection=c), "base"
                )
            )
            assert await conn.run_sync(_tables) == set()
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(database_url: str) -> None:
    """The equivalent of `alembic check`: autogenerate finds nothing to do at head."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:

            def diff(c: Connection) -> list[object]:
                context = MigrationContext.configure(c, opts={"compare_type": True})
                return list(compare_metadata(context, Base.metadata))

            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()


def test_migration_history_is_linear() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


@pytest.fixture
def empty_postgres_url(postgres_databases: PostgresDatabases) -> str:
    return postgres_databases.create()


@pytest.mark.postgres
async def test_snapshot_parts_are_compressed_with_lz4_on_postgresql(
    empty_postgres_url: str,
) -> None:
    """pglz, PostgreSQL's default for a large bytea, costs an import about a second at 100 000
    ateliers; the migration asks for LZ4 and a downgrade gives the default back."""
    url = empty_postgres_url
    engine = create_engine(url)
    query = text(
        "SELECT attcompression::text, attstorage::text FROM pg_attribute "
        "WHERE attrelid = 'match_index_snapshots'::regclass AND attname = 'data'"
    )

    async def migrate(step: str, revision: str) -> tuple[str, str]:
        async with engine.begin() as conn:
            await conn.run_sync(
                lambda c: getattr(command, step)(alembic_config(url, connection=c), revision)
            )
            compression, storage = (await conn.execute(query)).one()
            return str(compression), str(storage)

    try:
        assert await migrate("upgrade", "0009") == ("", "x")
        assert await migrate("upgrade", "0010") == ("l", "x")
        assert await migrate("downgrade", "0009") == ("", "x")
    finally:
        await engine.dispose()
