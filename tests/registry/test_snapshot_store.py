"""The match index's snapshot stored part by part as it is made: read back byte for byte, and a
store stopped at any point — an error, a process killed outright, another process storing at
the same time — leaves the previous snapshot whole and readable, never part of the new one."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import matching
from bot.db.models import MatchIndexSnapshot
from bot.registry import snapshots
from tests.matching.conftest import read_ateliers

ROOT = Path(__file__).resolve().parents[2]


def _parts(tag: bytes, count: int, size: int = 700) -> list[bytes]:
    return [tag + bytes([number]) * (size - len(tag)) for number in range(count)]


async def _read(factory: async_sessionmaker[AsyncSession]) -> bytearray | None:
    async with factory() as session:
        return await snapshots.read(session)


async def _store(
    factory: async_sessionmaker[AsyncSession], parts: Iterator[bytes], watermark: int
) -> int:
    async with factory() as session:
        return await snapshots.write(session, parts, watermark)


async def _rows(factory: async_sessionmaker[AsyncSession]) -> int:
    async with factory() as session:
        return int(await session.scalar(select(func.count()).select_from(MatchIndexSnapshot)) or 0)


async def test_a_snapshot_stored_part_by_part_reads_back_identical(
    session_factory: async_sessionmaker[AsyncSession], dev_ateliers_csv: Path
) -> None:
    index = matching.AtelierIndex.build(read_ateliers(dev_ateliers_csv))
    whole = index.snapshot(version=12)
    size = await _store(session_factory, index.snapshot_parts(version=12, part_bytes=5000), 12)
    assert size == len(whole) > 10 * 5000
    assert await _read(session_factory) == whole
    async with session_factory() as session:
        assert await snapshots.stored_at(session) == 12
    loaded = snapshots.load(whole)
    assert loaded is not None and loaded.version == 12 and len(loaded.index) == len(index)

    # Stored again: the new one replaces the old, and nothing of the old one is left.
    index.remove(next(iter(read_ateliers(dev_ateliers_csv))).ref)
    again = index.snapshot(version=13)
    await _store(session_factory, index.snapshot_parts(version=13, part_bytes=5000), 13)
    assert await _read(session_factory) == again
    assert await _rows(session_factory) == 1 + -(-len(again) // 5000)


async def test_a_store_that_fails_half_way_leaves_the_previous_snapshot(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    old = _parts(b"old", 5)
    await _store(session_factory, iter(old), 1)

    def failing() -> Iterator[bytes]:
        yield from _parts(b"new", 3)
        raise OSError("no space left on device")

    with pytest.raises(OSError):
        await _store(session_factory, failing(), 2)
    assert await _read(session_factory) == b"".join(old)
    async with session_factory() as session:
        assert await snapshots.stored_at(session) == 1

    # The next store clears what the failed one left.
    new = _parts(b"new", 4)
    await _store(session_factory, iter(new), 3)
    assert await _read(session_factory) == b"".join(new)
    assert await _rows(session_factory) == 1 + 4


@pytest.mark.parametrize(
    "after_parts", [1, 2], ids=["while-its-parts-are-written", "before-its-switch"]
)
async def test_another_store_meanwhile_stands_and_this_one_is_abandoned(
    session_factory: async_sessionmaker[AsyncSession], after_parts: int
) -> None:
    loop = asyncio.get_running_loop()
    await _store(session_factory, iter(_parts(b"old", 3)), 1)
    theirs = _parts(b"theirs", 4)

    def mine() -> Iterator[bytes]:
        yield from _parts(b"mine", after_parts)
        # Another process stores its snapshot while this one is being stored (the parts are
        # made off the loop, so the loop is free to run it): after this store's first part,
        # or once all its parts are written and only the switch is left.
        asyncio.run_coroutine_threadsafe(_store(session_factory, iter(theirs), 2), loop).result(
            timeout=60
        )
        if after_parts == 1:
            yield from _parts(b"mine", 2)

    with pytest.raises(snapshots.StoreAbandonedError):
        await _store(session_factory, mine(), 3)
    assert await _read(session_factory) == b"".join(theirs)
    assert await _rows(session_factory) == 1 + 4


# A process that stores a snapshot of `count` parts, handing over each part only when told to
# on its standard input, so that the test can kill it at a chosen point.
_STORING_PROCESS = textwrap.dedent(
    """
    import asyncio, sys
    from bot.db import create_engine, create_session_factory
    from bot.registry import snapshots

    url, count = sys.argv[1], int(sys.argv[2])

    def parts():
        for number in range(count):
            print(f"part {number}", flush=True)
            sys.stdin.readline()
            yield b"new" + bytes([number]) * 997
        print("all parts", flush=True)
        sys.stdin.readline()

    async def main():
        engine = create_engine(url)
        async with create_session_factory(engine)() as session:
            await snapshots.write(session, parts(), 2)
        await engine.dispose()
        print("stored", flush=True)

    asyncio.run(main())
    """
)


async def test_a_store_killed_at_any_point_leaves_the_previous_snapshot_whole(
    session_factory: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    old = b"".join(_parts(b"old", 5))
    await _store(session_factory, iter(_parts(b"old", 5)), 1)
    count = 6
    for kill_after in range(count + 1):  # handed over that many parts, then killed
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _STORING_PROCESS,
            database_url,
            str(count),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert process.stdin is not None and process.stdout is not None
        for _ in range(kill_after):
            assert (await process.stdout.readline()).startswith(b"part")
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        # It has made the parts asked for and waits for the next go-ahead (after the last
        # part: waits before switching the directory to its parts).
        expected = b"all parts" if kill_after == count else f"part {kill_after}".encode()
        assert (await process.stdout.readline()).strip() == expected
        process.send_signal(signal.SIGKILL)
        assert await process.wait() == -signal.SIGKILL
        assert await _read(session_factory) == old, kill_after
        async with session_factory() as session:
            assert await snapshots.stored_at(session) == 1

    new = b"".join(_parts(b"new", 3))
    await _store(session_factory, iter(_parts(b"new", 3)), 3)
    assert await _read(session_factory) == new
    assert await _rows(session_factory) == 1 + 3
