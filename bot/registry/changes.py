"""The registry's change log as the match indexes read it: a watermark, and what moved past it.

Database triggers (migration 0003) append an atelier's id to `atelier_changes` in the same
transaction as any change to the atelier or its feedback, whoever makes it. Ids grow in
commit order — SQLite has one writer at a time, and on PostgreSQL the triggers take one
transaction-level advisory lock — so a reader that has applied everything up to id W only
ever needs the rows after W.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import AtelierChange

# A process that has not looked at the log for this long rebuilds its index instead.
RETENTION = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class LogBounds:
    """The oldest and newest change ids kept (0 and 0 for an empty log)."""

    oldest: int
    newest: int

    def covers(self, watermark: int) -> bool:
        """Whether every change after `watermark` is still in the log."""
        return self.newest >= watermark and (self.oldest <= watermark + 1 or self.newest == 0)


async def bounds(session: AsyncSession) -> LogBounds:
    """Two primary-key lookups: cheap enough to run before every match."""
    row = (
        await session.execute(select(func.min(AtelierChange.id), func.max(AtelierChange.id)))
    ).one()
    return LogBounds(int(row[0] or 0), int(row[1] or 0))


async def changed_since(session: AsyncSession, watermark: int, newest: int) -> set[int]:
    """Ids of the ateliers changed after `watermark`, up to and including `newest`."""
    rows = await session.scalars(
        select(AtelierChange.atelier_id)
        .where(AtelierChange.id > watermark, AtelierChange.id <= newest)
        .distinct()
    )
    return set(rows.all())


async def prune(session: AsyncSession) -> int:
    """Forget changes older than RETENTION; returns how many were removed."""
    result = await session.execute(
        delete(AtelierChange).where(AtelierChange.changed_at < utcnow() - RETENTION)
    )
    await session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
