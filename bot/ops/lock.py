"""One active process: on PostgreSQL the one holding a session-level advisory lock on its own
connection, the others standing by until it is released; on SQLite the one holding an
exclusive lock on a file beside the database, the others refusing to start.

The operating system and PostgreSQL release these locks when the holder dies, however it dies
(kill -9 included): PostgreSQL ends the session as soon as the connection closes, and a
standby polling with `pg_try_advisory_lock` takes over within its poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import zlib
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

# The advisory lock's key: a stable number derived from the name (crc32 fits a bigint).
LOCK_KEY = zlib.crc32(b"bottega:active-process")


class AnotherProcessError(RuntimeError):
    """Another process is running and this one cannot stand by (SQLite)."""


class ActiveLock(Protocol):
    async def acquire(self, stop: asyncio.Event) -> bool:
        """Wait until this process is the active one; False if `stop` was set first."""

    async def held(self) -> bool:
        """Whether the lock is still ours (its connection is alive)."""

    async def release(self) -> None: ...


class PostgresLock:
    def __init__(self, database_url: str, *, poll_seconds: float = 1.0) -> None:
        url = make_url(database_url)
        self._connect: dict[str, Any] = {
            "host": url.host,
            "port": url.port or 5432,
            "user": url.username,
            "password": url.password,
            "database": url.database,
        }
        self.poll_seconds = poll_seconds
        self._connection: Any = None

    async def _open(self) -> Any:
        import asyncpg  # type: ignore[import-untyped]

        return await asyncpg.connect(
            **self._connect, timeout=10, server_settings={"application_name": "bottega-active-lock"}
        )

    async def acquire(self, stop: asyncio.Event) -> bool:
        waiting_said = False
        while not stop.is_set():
            try:
                if self._connection is None or self._connection.is_closed():
                    self._connection = await self._open()
                if await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
                    return True
                if not waiting_said:
                    log.info("another process is active; standing by")
                    waiting_said = True
            except Exception as exc:
                log.warning("cannot reach the database for the active lock: %s", type(exc).__name__)
                await self._close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll_seconds)
        return False

    async def held(self) -> bool:
        if self._connection is None or self._connection.is_closed():
            return False
        try:
            await asyncio.wait_for(self._connection.fetchval("SELECT 1"), 5.0)
        except Exception:
            return False
        return True

    async def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close(timeout=2)

    async def release(self) -> None:
        if self._connection is not None and not self._connection.is_closed():
            with contextlib.suppress(Exception):
                await self._connection.fetchval("SELECT pg_advisory_unlock($1)", LOCK_KEY)
        await self._close()


class FileLock:
    """An exclusive `flock` on `<database>.run.lock`."""

    def __init__(self, database_url: str) -> None:
        database = make_url(database_url).database or ""
        self.database = database
        self.path = Path(database + ".run.lock") if database and database != ":memory:" else None
        self._fd: int | None = None

    async def acquire(self, stop: asyncio.Event) -> bool:
        if self.path is None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AnotherProcessError(
                f"Another `bottega run` is already using {self.database}."
                " On SQLite only one process can run; stop the other one, or use PostgreSQL "
                "(DATABASE_URL=postgresql://…) to keep a second process on standby."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    async def held(self) -> bool:
        return True

    async def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def active_lock(database_url: str, *, poll_seconds: float = 1.0) -> ActiveLock:
    if database_url.startswith("postgresql"):
        return PostgresLock(database_url, poll_seconds=poll_seconds)
    return FileLock(database_url)
