"""The registry's change log and the match index that follows it: every change is logged by
the database itself, and a cache applies it in place, whoever made it."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import matching
from bot.db import create_engine, create_session_factory
from bot.db.base import utcnow
from bot.db.models import Atelier, AtelierChange, Brief, Feedback, IntroRequest
from bot.registry import changes, index_cache
from bot.registry.changes import LogBounds
from bot.registry.importing import CSV_COLUMNS, import_registry
from bot.registry.index_cache import MatchIndexCache

HEADER = ",".join(CSV_COLUMNS)


def _row(ref: str, name: str, moq: int = 30) -> str:
    return (
        f"{ref},{name},IT,Toscana,Prato,knitwear,merino,hand linking,{moq},400,900,6,70,,it,"
        f"{ref.lower()}@example.com,Knitwear workshop."
    )


BRIEF = matching.BriefQuery("Q1", "80 merino sweaters", quantity=80, deadline_weeks=10)


async def _import(factory: async_sessionmaker[AsyncSession], *rows: str) -> None:
    async with factory() as session:
        report = await import_registry(session, io.StringIO("\n".join([HEADER, *rows]) + "\n"))
    assert report.ok, report.errors


async def _logged(factory: async_sessionmaker[AsyncSession]) -> list[int]:
    async with factory() as session:
        rows = await session.scalars(select(AtelierChange.atelier_id).order_by(AtelierChange.id))
        return list(rows.all())


async def _id_of(factory: async_sessionmaker[AsyncSession], ref: str) -> int:
    async with factory() as session:
        found = await session.scalar(select(Atelier.id).where(Atelier.ref == ref))
    assert found is not None
    return found


def _refs(index: matching.AtelierIndex) -> list[str]:
    return [m.ref for m in index.match(BRIEF, top=10).matches]


async def test_the_database_logs_every_atelier_and_feedback_change(
    session_factory: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    await _import(session_factory, _row("A1", "Alfa"), _row("A2", "Beta"))
    a1, a2 = await _id_of(session_factory, "A1"), await _id_of(session_factory, "A2")
    assert sorted(await _logged(session_factory)) == sorted([a1, a2])

    # Another connection writing plain SQL is logged as well: nobody has to announce a change.
    other = create_engine(database_url)
    try:
        async with other.begin() as connection:
            await connection.execute(text("UPDATE ateliers SET paused = true WHERE ref = 'A1'"))
            await connection.execute(delete(Atelier).where(Atelier.ref == "A2"))
    finally:
        await other.dispose()
    assert (await _logged(session_factory))[-2:] == [a1, a2]

    async with session_factory() as session:
        brief = Brief(state="open", product_text="sweaters")
        session.add(brief)
        await session.flush()
        intro = IntroRequest(brief_id=brief.id, atelier_id=a1)
        session.add(intro)
        await session.flush()
        session.add(Feedback(intro_id=intro.id, atelier_id=a1, stars=4))
        await session.commit()
    assert (await _logged(session_factory))[-1] == a1


async def test_a_change_is_applied_in_place_and_reaches_matches(
    session_factory: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    await _import(session_factory, _row("A1", "Alfa"), _row("A2", "Beta"), _row("A3", "Gamma"))
    cache = MatchIndexCache(session_factory, check_every=0.0)
    index = await cache.get()
    assert sorted(_refs(index)) == ["A1", "A2", "A3"]

    # A second engine stands for a second process.
    other = create_engine(database_url)
    try:
        async with create_session_factory(other)() as session:
            await session.execute(update(Atelier).where(Atelier.ref == "A1").values(paused=True))
            await session.execute(update(Atelier).where(Atelier.ref == "A2").values(moq=100))
            await session.execute(delete(Atelier).where(Atelier.ref == "A3"))
            await session.commit()
    finally:
        await other.dispose()
    await _import(session_factory, _row("A4", "Delta"))

    fresh = await cache.get()
    assert fresh is index, "a few changes update the index in place, no rebuild"
    assert _refs(fresh) == ["A4"]
    assert [n.ref for n in fresh.match(BRIEF).near_misses] == ["A2"]
    assert "A3" not in fresh and "A1" in fresh
    async with session_factory() as session:
        newest = await session.scalar(select(func.max(AtelierChange.id)))
    assert cache.watermark == newest


async def test_a_rating_change_reaches_the_index(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _import(session_factory, _row("A1", "Alfa"))
    cache = MatchIndexCache(session_factory, check_every=0.0)
    assert (await cache.get()).profile("A1").rating is None  # type: ignore[union-attr]
    a1 = await _id_of(session_factory, "A1")
    async with session_factory() as session:
        brief = Brief(state="open", product_text="sweaters")
        session.add(brief)
        await session.flush()
        intro = IntroRequest(brief_id=brief.id, atelier_id=a1)
        session.add(intro)
        await session.flush()
        session.add(Feedback(intro_id=intro.id, atelier_id=a1, stars=4))
        await session.commit()
    assert (await cache.get()).profile("A1").rating == 4.0  # type: ignore[union-attr]


async def test_many_changes_are_rebuilt_aside_while_the_old_index_serves(
    session_factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await _import(session_factory, _row("A1", "Alfa"))
    cache = MatchIndexCache(session_factory, check_every=0.0)
    before = await cache.get()
    monkeypatch.setattr(index_cache, "_REBUILD_OVER", 2)
    await _import(session_factory, *(_row(f"B{n}", f"Bottega {n}") for n in range(5)))

    assert await cache.get() is before, "matching goes on with the current index"
    await cache.rebuilt()
    after = await cache.get()
    assert after is not before
    assert sorted(_refs(after)) == ["A1", "B0", "B1", "B2", "B3", "B4"]


async def test_a_log_pruned_past_the_watermark_means_a_rebuild(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await _import(session_factory, _row("A1", "Alfa"))
    cache = MatchIndexCache(session_factory, check_every=0.0)
    before = await cache.get()
    await _import(session_factory, _row("A2", "Beta"), _row("A3", "Gamma"))
    async with session_factory() as session:
        await session.execute(
            update(AtelierChange).values(changed_at=utcnow() - changes.RETENTION - timedelta(1))
        )
        await session.commit()
    await _import(session_factory, _row("A3", "Gamma", moq=40))
    async with session_factory() as session:
        assert await changes.prune(session) == 3
    await cache.get()
    await cache.rebuilt()
    after = await cache.get()
    assert after is not before
    assert sorted(_refs(after)) == ["A1", "A2", "A3"]


@pytest.mark.parametrize(
    ("bounds", "watermark", "covered"),
    [
        (LogBounds(0, 0), 0, True),
        (LogBounds(1, 10), 0, True),
        (LogBounds(1, 10), 10, True),
        (LogBounds(5, 10), 3, False),  # changes 4 and maybe more were pruned
        (LogBounds(1, 10), 12, False),  # the log is behind us: another database
        (LogBounds(0, 0), 7, False),  # everything was pruned
    ],
)
def test_the_log_covers_a_watermark_only_when_nothing_after_it_is_gone(
    bounds: LogBounds, watermark: int, covered: bool
) -> None:
    assert bounds.covers(watermark) is covered


async def test_pruning_the_log_never_holds_up_matching_behind_a_writer(
    session_factory: async_sessionmaker[AsyncSession], database_url: str
) -> None:
    await _import(session_factory, _row("A1", "Alfa"), _row("A2", "Beta"))
    async with session_factory() as session:
        await session.execute(
            update(AtelierChange).values(changed_at=utcnow() - changes.RETENTION - timedelta(1))
        )
        await session.commit()
    cache = MatchIndexCache(session_factory, check_every=0.0, prune_every=0.0)
    await cache.get()

    # Another process is in the middle of a write (on SQLite: the database's one write lock,
    # which a delete would wait for up to the busy timeout, ten seconds).
    other = create_engine(database_url)
    try:
        async with other.connect() as writer:
            await writer.execute(Brief.__table__.insert().values(state="open", product_text="x"))
            # Matching answers while the write is still open; the prune waits aside.
            index = await asyncio.wait_for(cache.get(), timeout=5)
            assert sorted(_refs(index)) == ["A1", "A2"]
            await writer.commit()
    finally:
        await other.dispose()
    await cache.pruned()
    assert await _logged(session_factory) == []
