"""Replicas of a container all run `bottega db upgrade` as they start: on PostgreSQL each one
waits for the migration lock, so they migrate one after another and all succeed."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import make_url

from bot.db.migrations import MIGRATION_LOCK_KEY
from tests.conftest import REPO_ROOT, PostgresDatabases


async def _connect(url: str) -> asyncpg.Connection:
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database=parsed.database,
    )


async def _upgrade(url: str, workdir: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "db",
        "upgrade",
        cwd=workdir,
        env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO_ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def _waiting_for_the_lock(holder: asyncpg.Connection) -> int:
    return int(
        await holder.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND objid = $1",
            MIGRATION_LOCK_KEY,
        )
    )


async def _scenario(url: str, workdir: Path) -> None:
    holder = await _connect(url)
    try:
        # Another replica is migrating: it holds the lock.
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        replicas = [await _upgrade(url, workdir) for _ in range(2)]
        async with asyncio.timeout(120):
            while await _waiting_for_the_lock(holder) < 2:
                finished = [p for p in replicas if p.returncode is not None]
                assert not finished, "a replica migrated while another one held the lock"
                await asyncio.sleep(0.1)
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        for replica in replicas:
            output, _ = await asyncio.wait_for(replica.communicate(), 120)
            assert replica.returncode == 0, output.decode()
        assert await holder.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await holder.close()


@pytest.mark.postgres
def test_replicas_migrating_at_once_wait_for_each_other_and_all_succeed(
    tmp_path: Path, postgres_databases: PostgresDatabases
) -> None:
    asyncio.run(_scenario(postgres_databases.create(), tmp_path))
