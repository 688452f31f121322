"""The match index a process keeps, updated in place from the registry's change log, ranks like
an index built afresh from the database, after any sequence of changes made through the
database (imports, verification, pause, capacity, ratings, deletions), on SQLite and PostgreSQL;
so does the index of a process that starts from the stored snapshot and the changes since."""

from __future__ import annotations

import asyncio
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import matching
from bot.db.models import Atelier, Brief, Feedback, IntroRequest
from bot.registry.importing import CSV_COLUMNS, import_registry
from bot.registry.index_cache import MatchIndexCache
from bot.registry.profiles import load_registry

HEADER = ",".join(CSV_COLUMNS) + ",verified"
REFS = ("A1", "A2", "A3", "A4", "A5", "A6")
SPECIALTIES = ("knitwear", "maglieria;accessori in maglia", "shirts", "camicie;knitwear", "borse")
BRIEFS = (
    matching.BriefQuery("Q1", "80 merino sweaters", quantity=80, deadline_weeks=10),
    matching.BriefQuery("Q2", "camicie in cotone, 40 pezzi", quantity=40),
    matching.BriefQuery("Q3", "leather bags", quantity=300, deadline_weeks=4),
)


def _row(ref: str, specialty: str, moq: int, verified: bool) -> str:
    return (
        f"{ref},Atelier {ref},IT,Toscana,Prato,{specialty},merino;cotone,hand linking,{moq},"
        f"500,900,6,70,,it,{ref.lower()}@example.com,Workshop {ref}.,{str(verified).lower()}"
    )


_IMPORT = st.tuples(
    st.just("import"),
    st.lists(
        st.tuples(
            st.sampled_from(REFS),
            st.sampled_from(SPECIALTIES),
            st.sampled_from((10, 30, 60, 100)),
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda row: row[0],
    ),
)
_CHANGE = st.one_of(
    _IMPORT,
    st.tuples(st.just("pause"), st.sampled_from(REFS), st.booleans()),
    st.tuples(st.just("verify"), st.sampled_from(REFS), st.booleans()),
    st.tuples(st.just("capacity"), st.sampled_from(REFS), st.sampled_from((None, 0, 50, 500))),
    st.tuples(st.just("rate"), st.sampled_from(REFS), st.integers(1, 5)),
    st.tuples(st.just("delete"), st.sampled_from(REFS), st.none()),
)


async def _apply(factory: async_sessionmaker[AsyncSession], change: tuple[object, ...]) -> None:
    kind, target, value = (*change, None)[:3]
    if kind == "import":
        rows = [_row(*row) for row in target]  # type: ignore[attr-defined]
        async with factory() as session:
            report = await import_registry(session, io.StringIO("\n".join([HEADER, *rows]) + "\n"))
        assert report.ok, report.errors
        return
    async with factory() as session:
        by_ref = Atelier.ref == target
        if kind == "pause":
            await session.execute(update(Atelier).where(by_ref).values(paused=value))
        elif kind == "verify":
            await session.execute(update(Atelier).where(by_ref).values(verified=value))
        elif kind == "capacity":
            await session.execute(update(Atelier).where(by_ref).values(available_capacity=value))
        elif kind == "delete":
            await session.execute(delete(Atelier).where(by_ref))
        elif kind == "rate":
            atelier = await session.scalar(select(Atelier.id).where(by_ref))
            if atelier is None:
                return
            brief = Brief(state="open", product_text="sweaters")
            session.add(brief)
            await session.flush()
            intro = IntroRequest(brief_id=brief.id, atelier_id=atelier)
            session.add(intro)
            await session.flush()
            session.add(Feedback(intro_id=intro.id, atelier_id=atelier, stars=value))
        await session.commit()


async def _wipe(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory() as session:
        for model in (Feedback, IntroRequest, Brief, Atelier):
            await session.execute(delete(model))
        await session.commit()


def _ranking(index: matching.AtelierIndex) -> list[object]:
    out: list[object] = []
    for brief in BRIEFS:
        result = index.match(brief, top=10, near_misses=10)
        out.append([(m.ref, m.score, m.reasons, m.atelier) for m in result.matches])
        out.append([(n.ref, n.score, n.failures) for n in result.near_misses])
    return out


async def _fresh(factory: async_sessionmaker[AsyncSession]) -> matching.AtelierIndex:
    async with factory() as session:
        registry = await load_registry(session)
    return matching.AtelierIndex.build(profile for _, profile in registry)


async def test_the_index_updated_in_place_ranks_like_a_fresh_build(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    loop = asyncio.get_running_loop()

    async def example(initial: tuple[object, ...], changes: list[tuple[object, ...]]) -> None:
        await _wipe(session_factory)
        await _apply(session_factory, initial)
        cache = MatchIndexCache(session_factory, check_every=0.0)
        followed = await cache.get()
        await cache.saved()
        for change in changes:
            await _apply(session_factory, change)
            assert await cache.get() is followed, "a few changes never rebuild the index"
            fresh = _ranking(await _fresh(session_factory))
            assert _ranking(followed) == fresh, change
            # A process starting now reads the stored snapshot and the changes made since.
            started = MatchIndexCache(session_factory, check_every=0.0)
            assert _ranking(await started.get()) == fresh, change
            assert started.from_snapshot

    # Hypothesis drives synchronous tests: it runs in a thread and hands each example to the
    # loop the database connections live on.
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(initial=_IMPORT, changes=st.lists(_CHANGE, min_size=1, max_size=8))
    def follow(initial: tuple[object, ...], changes: list[tuple[object, ...]]) -> None:
        asyncio.run_coroutine_threadsafe(example(initial, changes), loop).result(timeout=120)

    await asyncio.to_thread(follow)
