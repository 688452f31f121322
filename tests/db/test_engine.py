"""The engine's promises: UTC-aware timestamps everywhere, SQLite in WAL mode with foreign keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import create_engine
from bot.db.models import Brief, User


async def test_timestamps_come_back_timezone_aware_utc(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    rome_noon = datetime(2027, 3, 28, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    async with session_factory() as session:
        session.add(User(telegram_id=1, last_seen_at=rome_noon))
        await session.commit()
    async with session_factory() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 1))
        assert user is not None and user.last_seen_at is not None
        assert user.last_seen_at.tzinfo is not None
        assert user.last_seen_at == datetime(2027, 3, 28, 10, 0, tzinfo=UTC)
        assert user.created_at.utcoffset() == timedelta(0)


async def test_naive_timestamps_are_refused(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        session.add(User(telegram_id=2, last_seen_at=datetime(2027, 1, 1, 9, 0)))
        with pytest.raises(StatementError):
            await session.commit()


async def test_foreign_keys_are_enforced(session_factory: async_sessionmaker[AsyncSession]) -> None:
    async with session_factory() as session:
        session.add(Brief(designer_id=999_999))
        with pytest.raises(IntegrityError):
            await session.commit()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'nested' / 'bottega.sqlite3'}")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()
    assert (tmp_path / "nested").is_dir(), "the data directory is created on first use"


async def test_concurrent_read_then_write_transactions_all_succeed(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Many people arriving at once: each transaction reads, then writes. On SQLite a
    deferred transaction would fail with "database is locked"; none may fail."""
    import asyncio

    async def arrive(telegram_id: int) -> None:
        async with session_factory() as session:
            assert await session.scalar(select(User).where(User.telegram_id == telegram_id)) is None
            await asyncio.sleep(0.01)  # others write meanwhile
            session.add(User(telegram_id=telegram_id))
            await session.commit()

    await asyncio.gather(*(arrive(10_000 + n) for n in range(60)))
    async with session_factory() as session:
        count = len((await session.scalars(select(User.id))).all())
    assert count == 60
