"""The match index's snapshot in the database, so that a process starts without understanding
every atelier again (matching.AtelierIndex.snapshot / from_snapshot).

It is a cache and only that: written after a full build, read at start when it was taken by
the same matching code (its fingerprint) at a change-log id the log still covers; the changes
since are then applied like any others. Anything else — no snapshot, another fingerprint,
damaged bytes — means building from the ateliers, as without it.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.db.models import MatchIndexSnapshot
from matching.index import LoadedSnapshot, SnapshotError, snapshot_fingerprint

log = logging.getLogger(__name__)

# Stored in parts and read back one part at a time into one buffer: reading a whole blob
# costs twice its size while the driver copies it out.
PART_BYTES = 1024 * 1024


async def stored_at(session: AsyncSession) -> int | None:
    """The change-log id of the stored snapshot, if there is one this code can read."""
    row = (
        await session.execute(
            select(MatchIndexSnapshot.watermark, MatchIndexSnapshot.fingerprint).where(
                MatchIndexSnapshot.part == 0
            )
        )
    ).first()
    if row is None or row.fingerprint != snapshot_fingerprint():
        return None
    return int(row.watermark)


async def read(session: AsyncSession) -> bytearray | None:
    """The stored snapshot's bytes, or None when there is none this code can read."""
    if await stored_at(session) is None:
        return None
    sizes = (
        await session.execute(
            select(MatchIndexSnapshot.part, func.length(MatchIndexSnapshot.data)).order_by(
                MatchIndexSnapshot.part
            )
        )
    ).all()
    data = bytearray(sum(int(size) for _, size in sizes))
    at = 0
    for part, size in sizes:
        chunk = await session.scalar(
            select(MatchIndexSnapshot.data).where(MatchIndexSnapshot.part == part)
        )
        if chunk is None or len(chunk) != size:
            return None  # replaced while being read: the next start reads the new one
        data[at : at + size] = chunk
        at += size
        del chunk
    return data


def load(data: bytes | bytearray, *, include_unverified: bool = False) -> LoadedSnapshot | None:
    """The index in `data` (CPU work: call it off the event loop); None if it cannot be read."""
    try:
        return matching.AtelierIndex.from_snapshot(data, include_unverified=include_unverified)
    except (SnapshotError, KeyError, ValueError):
        log.warning("the stored match index snapshot cannot be read; building the index")
        return None


async def write(session: AsyncSession, data: bytes | bytearray, watermark: int) -> None:
    """Replace the stored snapshot with `data`, taken at change-log id `watermark`."""
    fingerprint = snapshot_fingerprint()
    view = memoryview(data)
    await session.execute(delete(MatchIndexSnapshot))
    for part, start in enumerate(range(0, max(len(view), 1), PART_BYTES)):
        await session.execute(
            insert(MatchIndexSnapshot).values(
                part=part,
                watermark=watermark,
                fingerprint=fingerprint,
                data=bytes(view[start : start + PART_BYTES]),
            )
        )
    await session.commit()
