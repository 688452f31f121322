"""`bottega db copy`: every row of every table of the schema from one database to another, e.g.
from the embedded SQLite file to PostgreSQL when a deployment grows.

The target must be migrated to the same revision as the source and empty; the copy is one
transaction on the target, so it is all or nothing. Tables are copied parents first, in
chunks, streamed from the source. The registry's change log is not copied: the target's own
triggers write it as the ateliers arrive (it only tells running processes what changed).
PostgreSQL's id sequences are moved past the copied ids, so new rows do not collide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Table, func, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.db import create_engine
from bot.db.base import Base

CHUNK = 1000
# Derived data: the change log is written by the target's triggers, and a snapshot of the
# match index names change-log ids of the source (the target builds its own).
NOT_COPIED = frozenset({"atelier_changes", "match_index_snapshots"})


class CopyRefused(ValueError):  # noqa: N818 - a refusal, with the reason for the operator
    """The copy cannot start; the message says what to do."""


@dataclass
class CopyReport:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copied_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_COPIED]


async def _revision(connection: AsyncConnection) -> str | None:
    exists = await connection.run_sync(lambda sync: inspect(sync).has_table("alembic_version"))
    if not exists:
        return None
    value = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    return None if value is None else str(value)


async def copy_database(
    source_url: str,
    target_url: str,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> CopyReport:
    source = create_engine(source_url)
    target = create_engine(target_url)
    try:
        return await _copy(source, target, progress)
    finally:
        await source.dispose()
        await target.dispose()


async def _copy(
    source: AsyncEngine, target: AsyncEngine, progress: Callable[[str, int], None] | None
) -> CopyReport:
    report = CopyReport()
    async with source.connect() as reading, target.begin() as writing:
        source_revision = await _revision(reading)
        target_revision = await _revision(writing)
        if source_revision is None:
            raise CopyRefused("The source database is not migrated (run `bottega db upgrade`).")
        if target_revision != source_revision:
            raise CopyRefused(
                f"The target database is at revision {target_revision or 'none'}, the source at "
                f"{source_revision}: migrate both to the same revision first "
                "(`DATABASE_URL=<target> bottega db upgrade`)."
            )
        for table in copied_tables():
            count = await writing.scalar(select(func.count()).select_from(table))
            if count:
                raise CopyRefused(
                    f"The target database is not empty ({count} rows in {table.name}); "
                    "copy only into a freshly migrated database."
                )
        for table in copied_tables():
            copied = 0
            order = list(table.primary_key.columns)
            rows = await reading.stream(select(table).order_by(*order))
            async for chunk in rows.mappings().partitions(CHUNK):
                await writing.execute(insert(table), [dict(row) for row in chunk])
                copied += len(chunk)
                if progress is not None:
                    progress(table.name, copied)
            report.rows[table.name] = copied
        if writing.dialect.name == "postgresql":
            await _move_sequences(writing)
    return report


async def _move_sequences(connection: AsyncConnection) -> None:
    for table in copied_tables():
        columns = list(table.primary_key.columns)
        if (
            len(columns) != 1
            or not columns[0].autoincrement
            or columns[0].type.python_type is not int
        ):
            continue
        column = columns[0].name
        await connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE((SELECT MAX("{column}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"table": table.name, "column": column},
        )
