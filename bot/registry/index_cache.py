"""The match index a process shares between its handlers and jobs, kept fresh by itself.

Before handing the index out, the cache reads the registry's change log (two primary-key
lookups, at most every `check_every` seconds) and applies what moved past its watermark in
place: only the changed ateliers are read and re-indexed, so an update costs the same at 100
or 100 000 ateliers, and a change made by any process — this one, the CLI, another bot —
reaches this process's matches within `check_every` seconds. Callers never need to announce
a change; `invalidate()` only makes the next `get()` look at the log at once.

A full rebuild (the first load, a big import, a log pruned past the watermark) is built
aside and swapped in; matching carries on with the previous index meanwhile.

Each full build is stored as a snapshot in the database (bot/registry/snapshots.py), aside:
a process that starts reads it back in a fraction of a second instead of understanding every
atelier again, when the change log still covers it and it is at most `_REBUILD_OVER` changes
behind, and applies those changes before its first match.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import matching
from bot.registry import changes, snapshots
from bot.registry.profiles import load_registry, profiles_by_id

log = logging.getLogger(__name__)

# More changed ateliers than this (or than a tenth of the index) are cheaper to rebuild.
_REBUILD_OVER = 5000


def _build(
    registry: list[tuple[int, matching.AtelierProfile]], include_unverified: bool, watermark: int
) -> tuple[matching.AtelierIndex, Iterator[bytes]]:
    """The index, and its snapshot's parts: what they hold is taken here, before anything can
    change the index; they are made as they are stored."""
    index = matching.AtelierIndex.build(
        (profile for _, profile in registry), include_unverified=include_unverified
    )
    parts = index.snapshot_parts(
        version=watermark, ids={profile.ref: atelier_id for atelier_id, profile in registry}
    )
    return index, parts


async def _snapshot_serves(session: AsyncSession) -> bool:
    """Whether a process may start from the stored snapshot: one this code reads, taken at a
    change-log id the log still covers and at most _REBUILD_OVER changes back."""
    log_bounds = await changes.bounds(session)
    at = await snapshots.stored_at(session)
    return at is not None and log_bounds.covers(at) and log_bounds.newest - at <= _REBUILD_OVER


async def store_if_stale(session_factory: async_sessionmaker[AsyncSession]) -> int | None:
    """Build the index and store its snapshot if a process starting now could not start from
    the stored one (none, taken by other matching code, or too far behind the change log):
    after a large import, so that the next start reads it. The ateliers it holds, or None
    when the stored one serves (or another process stored one meanwhile). The index itself is
    not kept: only its snapshot is wanted."""
    async with session_factory() as session:
        if await _snapshot_serves(session):
            return None
        watermark = (await changes.bounds(session)).newest
        registry = await load_registry(session)
    index, parts = await asyncio.to_thread(_build, registry, False, watermark)
    ateliers = len(index)
    del index, registry  # what the snapshot's parts need, they hold
    try:
        async with session_factory() as session:
            await snapshots.write(session, parts, watermark)
    except snapshots.StoreAbandonedError:
        return None
    return ateliers


@dataclass
class MatchIndexCache:
    """The registry's match index, updated in place from the change log."""

    session_factory: async_sessionmaker[AsyncSession]
    check_every: float = 0.5
    prune_every: float = 3600.0
    include_unverified: bool = False
    # Read the stored snapshot at the first load, and store one after each full build.
    use_snapshots: bool = True
    _index: matching.AtelierIndex | None = None
    _watermark: int = 0
    _ref_of: dict[int, str] = field(default_factory=dict)
    _checked_at: float = float("-inf")
    _pruned_at: float = field(default_factory=time.monotonic)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _rebuild: asyncio.Task[None] | None = None
    _prune: asyncio.Task[None] | None = None
    _save: asyncio.Task[None] | None = None
    # Whether the index was read from the stored snapshot rather than built (tests, logs).
    from_snapshot: bool = field(default=False, init=False)

    @property
    def watermark(self) -> int:
        """The last change-log id applied to the index."""
        return self._watermark

    def invalidate(self) -> None:
        """Something changed here: read the change log on the next `get()`, not later."""
        self._checked_at = float("-inf")

    async def get(self) -> matching.AtelierIndex:
        """The index, with every committed registry change applied."""
        index = self._index
        if index is not None and time.monotonic() - self._checked_at < self.check_every:
            return index
        async with self._lock:
            if self._index is None:
                if await self._read_snapshot():
                    await self._catch_up()
                else:
                    await self._rebuild_now()
            elif time.monotonic() - self._checked_at >= self.check_every:
                await self._catch_up()
            assert self._index is not None
            return self._index

    async def rebuilt(self) -> None:
        """Wait for a rebuild in progress, if any (tests and benchmarks)."""
        if self._rebuild is not None:
            await asyncio.shield(self._rebuild)

    async def saved(self) -> None:
        """Wait for the snapshot being stored, if any (the CLI before it exits, tests)."""
        if self._save is not None:
            await asyncio.shield(self._save)

    async def pruned(self) -> None:
        """Wait for a prune of the change log in progress, if any (tests)."""
        if self._prune is not None:
            await asyncio.shield(self._prune)

    async def _read_snapshot(self) -> bool:
        """Load the stored snapshot if it is recent enough to catch up from; whether it was."""
        if not self.use_snapshots:
            return False
        async with self.session_factory() as session:
            if not await _snapshot_serves(session):
                return False
            data = await snapshots.read(session)
        if data is None:
            return False
        loaded = await asyncio.to_thread(
            snapshots.load, data, include_unverified=self.include_unverified
        )
        del data
        if loaded is None:
            return False
        self._index = loaded.index
        self._ref_of = loaded.ids
        self._watermark = loaded.version
        self._checked_at = float("-inf")
        self.from_snapshot = True
        log.info(
            "match index read from its snapshot: %d ateliers, change log at %d",
            len(loaded.index),
            loaded.version,
        )
        return True

    async def _rebuild_now(self) -> None:
        async with self.session_factory() as session:
            watermark = (await changes.bounds(session)).newest
            registry = await load_registry(session)
        # Building is CPU work: off the event loop, so other updates keep being answered.
        index, parts = await asyncio.to_thread(_build, registry, self.include_unverified, watermark)
        self._index = index
        self._ref_of = {atelier_id: profile.ref for atelier_id, profile in registry}
        del registry  # the profiles live on in the index; while it is stored, not the list
        self._watermark = watermark
        self._checked_at = float("-inf")
        log.info("match index built: %d ateliers, change log at %d", len(index), watermark)
        if self.use_snapshots and self._save is None:
            self._save = asyncio.create_task(self._save_aside(parts, watermark))

    async def _save_aside(self, parts: Iterator[bytes], watermark: int) -> None:
        try:
            async with self.session_factory() as session:
                size = await snapshots.write(session, parts, watermark)
        except snapshots.StoreAbandonedError:
            log.info("match index snapshot: another process stored one meanwhile")
        except Exception:  # the database is busy or the disk is full: the next build stores
            log.warning("storing the match index snapshot failed", exc_info=True)
        else:
            log.info("match index snapshot stored: %d bytes, change log at %d", size, watermark)
        finally:
            self._save = None

    async def _rebuild_aside(self) -> None:
        try:
            await self._rebuild_now()
        except Exception:  # pragma: no cover - logged; the next get() tries again
            log.exception("rebuilding the match index failed")
        finally:
            self._rebuild = None
            self._checked_at = float("-inf")

    async def _catch_up(self) -> None:
        if self._rebuild is not None:
            return  # the rebuild brings everything; serve the current index until then
        now = time.monotonic()
        index = self._index
        assert index is not None
        async with self.session_factory() as session:
            log_bounds = await changes.bounds(session)
            if log_bounds.newest == self._watermark:
                self._checked_at = now
                self._maybe_prune(now)
                return
            covered = log_bounds.covers(self._watermark)
            changed: Collection[int] = (
                await changes.changed_since(session, self._watermark, log_bounds.newest)
                if covered
                else ()
            )
            if not covered or len(changed) > max(_REBUILD_OVER, len(index) // 10):
                self._rebuild = asyncio.create_task(self._rebuild_aside())
                return
            profiles = await profiles_by_id(session, changed)
        for atelier_id in changed:
            previous = self._ref_of.pop(atelier_id, None)
            profile = profiles.get(atelier_id)
            if previous is not None and (profile is None or profile.ref != previous):
                index.remove(previous)
            if profile is not None:
                index.upsert(profile)
                self._ref_of[atelier_id] = profile.ref
        self._watermark = log_bounds.newest
        self._checked_at = now

    def _maybe_prune(self, now: float) -> None:
        """Forget old changes now and then, aside: the delete waits for any writer (on SQLite,
        up to the busy timeout while a handler holds a write), and matching must not."""
        if now - self._pruned_at < self.prune_every or self._prune is not None:
            return
        self._pruned_at = now
        self._prune = asyncio.create_task(self._prune_aside())

    async def _prune_aside(self) -> None:
        try:
            async with self.session_factory() as session:
                removed = await changes.prune(session)
        except Exception:  # pragma: no cover - another writer held the database; next time
            log.warning("pruning the registry change log failed", exc_info=True)
        else:
            if removed:
                log.info("registry change log: %d old changes pruned", removed)
        finally:
            self._prune = None
