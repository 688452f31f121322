"""The match index's snapshot in the database, so that a process starts without understanding
every atelier again (matching.AtelierIndex.snapshot_parts / from_snapshot).

It is a cache and only that: written after a full build, read at start when it was taken by
the same matching code (its fingerprint) at a change-log id the log still covers; the changes
since are then applied like any others. Anything else — no snapshot, another fingerprint,
damaged bytes — means building from the ateliers, as without it.

The bytes are stored in parts of about 1 MiB, each row written as the index makes it (the
snapshot is never whole in memory), under part numbers no stored snapshot uses. Row 0 is the
directory: the watermark and fingerprint of the snapshot in use and the range of parts that
hold it. It is replaced last, in the short transaction that also deletes the previous parts,
so that a process stopped at any moment — even killed while storing — leaves either the
previous snapshot or the new one, whole; parts that no directory names are left-overs of
such a stop and are deleted by the next store.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import matching
from bot.db.models import MatchIndexSnapshot
from matching.index import SNAPSHOT_PART_BYTES, LoadedSnapshot, SnapshotError, snapshot_fingerprint

log = logging.getLogger(__name__)

# Read back one part at a time into one buffer: reading a whole blob costs twice its size
# while the driver copies it out.
PART_BYTES = SNAPSHOT_PART_BYTES
_DIRECTORY = 0
# Parts are committed a few at a time: on SQLite each commit lets other writers in.
_PARTS_PER_COMMIT = 2


@dataclass(frozen=True, slots=True)
class _Directory:
    watermark: int
    fingerprint: str
    first: int  # the parts first .. first + count - 1, in order
    count: int
    size: int  # their bytes in all

    @property
    def parts(self) -> range:
        return range(self.first, self.first + self.count)


async def _directory(session: AsyncSession, *, lock: bool = False) -> _Directory | None:
    """The directory row; with `lock`, held until the transaction ends (PostgreSQL: stores
    take turns at it; SQLite has one writer at a time anyway)."""
    statement = select(
        MatchIndexSnapshot.watermark, MatchIndexSnapshot.fingerprint, MatchIndexSnapshot.data
    ).where(MatchIndexSnapshot.part == _DIRECTORY)
    row = (await session.execute(statement.with_for_update() if lock else statement)).first()
    if row is None:
        return None
    try:
        named = json.loads(row.data)
        first, count, size = int(named["first"]), int(named["count"]), int(named["bytes"])
    except (ValueError, TypeError, KeyError):
        return None  # not a directory this code wrote
    return _Directory(int(row.watermark), row.fingerprint, first, count, size)


async def stored_at(session: AsyncSession) -> int | None:
    """The change-log id of the stored snapshot, if there is one this code can read."""
    directory = await _directory(session)
    if directory is None or directory.fingerprint != snapshot_fingerprint():
        return None
    return directory.watermark


async def read(session: AsyncSession) -> bytearray | None:
    """The stored snapshot's bytes, or None when there is none this code can read."""
    directory = await _directory(session)
    if directory is None or directory.fingerprint != snapshot_fingerprint():
        return None
    data = bytearray(directory.size)
    at = 0
    for part in directory.parts:
        row = (
            await session.execute(
                select(MatchIndexSnapshot.watermark, MatchIndexSnapshot.data).where(
                    MatchIndexSnapshot.part == part
                )
            )
        ).first()
        # A part gone, or not of this snapshot: another one replaced it while it was being
        # read, and the next start reads that one.
        if row is None or row.watermark != directory.watermark:
            return None
        size = len(row.data)
        if at + size > directory.size:
            return None
        data[at : at + size] = row.data
        at += size
        del row
    return data if at == directory.size else None


def load(data: bytes | bytearray, *, include_unverified: bool = False) -> LoadedSnapshot | None:
    """The index in `data` (CPU work: call it off the event loop); None if it cannot be read."""
    try:
        return matching.AtelierIndex.from_snapshot(data, include_unverified=include_unverified)
    except (SnapshotError, KeyError, ValueError):
        log.warning("the stored match index snapshot cannot be read; building the index")
        return None


class StoreAbandonedError(Exception):
    """Another process stored a snapshot at the same time; its store stands, not this one."""


async def write(session: AsyncSession, parts: Iterator[bytes], watermark: int) -> int:
    """Store the snapshot whose bytes `parts` makes (matching.AtelierIndex.snapshot_parts),
    taken at change-log id `watermark`, in place of the stored one; its size in bytes.

    Parts are made off the event loop and written a few at a time as they come. Raises
    StoreAbandonedError when another process stored a snapshot meanwhile (that one stands)."""
    fingerprint = snapshot_fingerprint()
    previous = await _directory(session, lock=True)
    keep = previous.parts if previous is not None else range(0)
    # Parts no directory names were left by a store that was stopped half-way.
    leftovers = delete(MatchIndexSnapshot).where(MatchIndexSnapshot.part != _DIRECTORY)
    if keep:
        leftovers = leftovers.where(~MatchIndexSnapshot.part.between(keep[0], keep[-1]))
    await session.execute(leftovers)
    first = int(await session.scalar(select(func.max(MatchIndexSnapshot.part))) or 0) + 1
    await session.commit()

    count = size = 0
    batch: list[bytes] = []
    while True:
        # Made before the transaction that writes them: a writer holds SQLite's one write
        # lock only while it writes.
        chunk = await asyncio.to_thread(next, parts, None)
        if chunk is not None:
            batch.append(chunk)
        if batch and (chunk is None or len(batch) == _PARTS_PER_COMMIT):
            try:
                for data in batch:
                    await session.execute(
                        insert(MatchIndexSnapshot).values(
                            part=first + count,
                            watermark=watermark,
                            fingerprint=fingerprint,
                            data=data,
                        )
                    )
                    count += 1
                    size += len(data)
                await session.commit()
            except IntegrityError as exc:  # a part number another store has taken since
                await session.rollback()
                raise StoreAbandonedError(
                    "another process is storing the match index snapshot"
                ) from exc
            batch.clear()
        if chunk is None:
            break
        del chunk

    # The switch: the directory names the new parts and the previous ones go, at once.
    current = await _directory(session, lock=True)
    written = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(func.length(MatchIndexSnapshot.data)), 0))
            .where(MatchIndexSnapshot.part.between(first, first + count - 1))
            .where(MatchIndexSnapshot.watermark == watermark)
        )
    ).one()
    if current != previous or tuple(written) != (count, size):
        await session.rollback()
        # This store's parts, but those the other store's directory names (it may have
        # taken the same numbers after deleting these as left-overs).
        mine = delete(MatchIndexSnapshot).where(
            MatchIndexSnapshot.part.between(first, first + count - 1)
        )
        if current is not None:
            mine = mine.where(
                ~MatchIndexSnapshot.part.between(current.first, current.first + current.count - 1)
            )
        await session.execute(mine)
        await session.commit()
        raise StoreAbandonedError("another process stored the match index snapshot meanwhile")
    named = json.dumps({"first": first, "count": count, "bytes": size}).encode()
    values = {"watermark": watermark, "fingerprint": fingerprint, "data": named}
    if current is None:  # none yet, or a row this code did not write
        await session.execute(delete(MatchIndexSnapshot).where(MatchIndexSnapshot.part == 0))
        await session.execute(insert(MatchIndexSnapshot).values(part=_DIRECTORY, **values))
    else:
        await session.execute(
            update(MatchIndexSnapshot).where(MatchIndexSnapshot.part == _DIRECTORY).values(values)
        )
    if keep:
        await session.execute(
            delete(MatchIndexSnapshot).where(MatchIndexSnapshot.part.between(keep[0], keep[-1]))
        )
    await session.commit()
    return size
