"""Engine and session factory; SQLite gets WAL mode, foreign keys, a busy timeout, and writes
that take their turn in this process instead of in SQLite's busy handler."""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

# How long SQLite itself waits for another process's write (the CLI, `bottega outbox deliver`),
# and how long a write waits for its turn in this process before it asks SQLite regardless.
BUSY_TIMEOUT_SECONDS = 10.0
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    path = _sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A unit of work that holds the write may open a second connection to read (the match
        # index catching up): connections queued behind the write must never use up the pool,
        # or the writer waits for them while they wait for it. And enough of them stay open
        # for the updates handled at once: each new one is a thread and a file to open.
        kwargs.setdefault("max_overflow", -1)
        kwargs.setdefault("pool_size", 32)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, str(path.resolve()) if path is not None else None)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


# This process's turn to write, per database file and event loop, shared by every engine on it.
_GATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _gate(database: str) -> asyncio.Lock:
    gates = _GATES.setdefault(asyncio.get_running_loop(), {})
    gate = gates.get(database)
    if gate is None:
        gate = gates[database] = asyncio.Lock()
    return gate


def _configure_sqlite(engine: AsyncEngine, database: str | None) -> None:
    """SQLite admits one writer at a time. The driver's own transactions begin (deferred) just
    before the first INSERT, UPDATE or DELETE, and a writer that finds the write lock taken
    sleeps in SQLite's busy handler — in steps of up to 100 ms, in no order, holding its pool
    connection, and failing with "database is locked" after the busy timeout, however close
    its turn was. Here the driver begins nothing (SQLAlchemy's documented recipe for taking
    over SQLite's transaction control: `isolation_level = None`), reads run outside any
    transaction as before, and the first write of a transaction first waits for this process's
    other writers in order (an asyncio lock), then takes SQLite's write lock with `BEGIN
    IMMEDIATE`, before reading anything it could later have to upgrade. The turn passes on
    right after COMMIT or ROLLBACK. Other processes still meet at SQLite's busy handler."""
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect
    # The DBAPI connections (by id) in a write, with the turn each holds.
    writing: dict[int, asyncio.Lock | None] = {}

    def take_turn(dbapi_connection: Any) -> None:
        gate = _gate(database) if database is not None else None  # in memory: one connection
        if gate is not None:
            try:
                await_only(asyncio.wait_for(gate.acquire(), BUSY_TIMEOUT_SECONDS))
            except TimeoutError:
                # Only a writer waiting for itself gets here (a unit of work that writes through
                # a second session before committing the first): SQLite's busy timeout decides.
                gate = None
        writing[id(dbapi_connection)] = gate

    def end_turn(dbapi_connection: Any) -> None:
        # SQLAlchemy hands commit and rollback the pool's proxy, close the connection itself.
        raw = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        gate = writing.pop(id(raw), None)
        if gate is not None:
            gate.release()

    @event.listens_for(sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "before_cursor_execute", named=True)
    def _begin_writing(conn: Connection, cursor: Any, statement: str, **_: Any) -> None:
        dbapi_connection = conn.connection.dbapi_connection
        if id(dbapi_connection) in writing or not _is_write(statement):
            return
        take_turn(dbapi_connection)
        if _autocommit(conn):
            return  # one statement, committed by itself: the turn ends after it
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except BaseException:
            end_turn(dbapi_connection)
            raise

    @event.listens_for(sync_engine, "after_cursor_execute", named=True)
    def _after_autocommit(conn: Connection, **_: Any) -> None:
        if _autocommit(conn):
            end_turn(conn.connection.dbapi_connection)

    @event.listens_for(sync_engine, "handle_error")
    def _after_failed_autocommit(context: Any) -> None:
        connection = context.connection
        if connection is not None and _autocommit(connection):
            end_turn(connection.connection.dbapi_connection)

    # SQLAlchemy ends every transaction through these (the pool's reset on return included);
    # the turn passes on once SQLite has ended it. A COMMIT that fails leaves the transaction
    # open: the turn is kept until its rollback.
    do_commit = dialect.do_commit

    def commit(dbapi_connection: Any) -> None:
        do_commit(dbapi_connection)
        end_turn(dbapi_connection)

    def ending(name: str) -> None:
        original = getattr(dialect, name)

        def ended(dbapi_connection: Any) -> None:
            try:
                original(dbapi_connection)
            finally:
                end_turn(dbapi_connection)

        setattr(dialect, name, ended)  # this engine's dialect only

    setattr(dialect, "do_commit", commit)  # noqa: B010
    for name in ("do_rollback", "do_close", "do_terminate"):
        ending(name)


def _autocommit(connection: Connection) -> bool:
    return bool(connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT")


def _is_write(statement: str) -> bool:
    """Whether a statement writes, as the sqlite3 driver tells: by its first word."""
    return statement.lstrip().upper().startswith(_WRITES)
