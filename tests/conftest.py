"""Shared fixtures: real SQLite files and a real PostgreSQL database per test run (per worker
process when the suite runs in parallel: `make test` runs it with pytest-xdist)."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import install_renderers
from bot.db import create_engine, create_session_factory
from bot.db.base import Base
from bot.db.migrations import upgrade_async

REPO_ROOT = Path(__file__).resolve().parents[1]
DEV_DATA = REPO_ROOT.parent / "shared" / "data" / "dev"
POSTGRES_URL = os.environ.get(
    "BOTTEGA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# pytest-xdist names its worker processes gw0, gw1, ...; a run without it is one process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(autouse=True, scope="session")
def _renderers() -> None:
    """Tests that sweep the outbox without an application need what bot.app registers."""
    install_renderers()


def _admin_url(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


async def _pg_exec(statement: str, url: str = POSTGRES_URL) -> None:
    """Run SQL (one statement or several separated by semicolons) on its own connection."""
    import asyncpg

    parsed = make_url(url)
    conn = await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
        timeout=5,
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def require_postgres() -> None:
    """Skip (locally) or fail (under CI) when PostgreSQL is not reachable."""
    try:
        asyncio.run(_pg_exec("SELECT 1"))
    except Exception as exc:
        reason = f"PostgreSQL not reachable at {make_url(POSTGRES_URL).host}: {exc!r}"
        if IN_CI:
            pytest.fail(reason + " (required under CI=true)")
        pytest.skip(reason)


class PostgresDatabases:
    """Creates throw-away databases and drops every one of them at the end of the run. The
    names carry the worker's, so parallel workers never share a database."""

    def __init__(self) -> None:
        self.created: list[str] = []

    def create(self) -> str:
        name = f"bottega_test_{WORKER}_{uuid.uuid4().hex[:12]}"
        asyncio.run(_pg_exec(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return _admin_url(POSTGRES_URL, name)

    def drop_all(self) -> None:
        for name in self.created:
            asyncio.run(_pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    require_postgres()
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_databases: PostgresDatabases) -> str:
    url = postgres_databases.create()

    async def migrate() -> None:
        engine = create_engine(url)
        try:
            await upgrade_async(engine)
        finally:
            await engine.dispose()

    asyncio.run(migrate())
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "bottega.sqlite3"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade_async(engine)
        finally:
            # Closing the last connection checkpoints the WAL into the file we copy.
            await engine.dispose()

    asyncio.run(migrate())
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def postgres_url(migrated_postgres_url: str) -> Iterator[str]:
    """The run's migrated PostgreSQL database, emptied again when the test is over."""
    yield migrated_postgres_url
    asyncio.run(_pg_exec(EMPTY_ALL_TABLES, migrated_postgres_url))


# What TRUNCATE ... RESTART IDENTITY CASCADE of every table did, at a fraction of its cost on
# tables this small: TRUNCATE replaces and syncs each table's files (about 0.3 s a test),
# DELETE only marks the few rows a test wrote. Children first, so no foreign key objects; each
# sequence starts again where it was created to. Nothing is kept after a crash of the server,
# and nothing needs to be: it is the end of a test.
EMPTY_ALL_TABLES = ";\n".join(
    [
        "BEGIN",
        "SET LOCAL synchronous_commit = off",
        *(f'DELETE FROM "{table.name}"' for table in reversed(Base.metadata.sorted_tables)),
        "SELECT setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s",
        "COMMIT",
    ]
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A migrated, empty database: a fresh SQLite file, or the run's PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "bottega.sqlite3"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
def dev_ateliers_csv() -> Path:
    path = DEV_DATA / "ateliers.csv"
    if not path.exists():
        pytest.skip(f"development set not found at {DEV_DATA}")
    return path
