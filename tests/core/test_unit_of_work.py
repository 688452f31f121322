"""The unit of work: one commit at the end, hooks only for committed facts, nothing kept from a
failure."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.unit_of_work import Person, UnitOfWork
from bot.db.models import User

Factory = async_sessionmaker[AsyncSession]


async def _people(factory: Factory) -> list[int | None]:
    async with factory() as session:
        return list(await session.scalars(select(User.telegram_id).order_by(User.telegram_id)))


async def test_what_a_unit_writes_is_committed_once_at_the_end_then_the_hooks_run(
    session_factory: Factory,
) -> None:
    seen: list[tuple[str, list[int | None]]] = []

    async def refresh() -> None:
        seen.append(("index", await _people(session_factory)))

    uow = UnitOfWork(session_factory, person=Person(11, "it", "Giulia"), refresh_index=refresh)
    async with uow:
        user = await uow.user()
        assert await uow.user() is user  # the current user is loaded once
        uow.registry_changed()
        uow.registry_changed()  # the same hook twice runs once
        assert await _people(session_factory) == []  # nothing is visible before the commit
    assert seen == [("index", [11])]
    assert user.language == "it"


async def test_a_failure_keeps_nothing_and_runs_no_hook(session_factory: Factory) -> None:
    ran: list[str] = []
    uow = UnitOfWork(session_factory, person=Person(12), kick_outbox=lambda: ran.append("kick"))
    with pytest.raises(RuntimeError):
        async with uow:
            await uow.user()
            uow.deliveries_added()
            raise RuntimeError("the handler failed")
    assert await _people(session_factory) == []
    assert ran == []


async def test_a_refusal_discards_the_partial_write_and_the_rest_is_kept(
    session_factory: Factory,
) -> None:
    async with UnitOfWork(session_factory, person=Person(13)) as uow:
        await uow.user()
        await uow.discard()  # e.g. a service refused after writing
        uow.session.add(User(telegram_id=14, language="en"))
    assert await _people(session_factory) == [14]


async def test_what_follows_the_commit_sees_the_facts_and_its_failure_is_reported(
    session_factory: Factory,
) -> None:
    reported: list[Exception] = []
    uow = UnitOfWork(session_factory, person=Person(15))
    await uow.user()

    async def tell() -> None:
        assert await _people(session_factory) == [15]
        raise ValueError("the reply failed")

    async def report(exc: Exception) -> None:
        reported.append(exc)

    uow.then(tell)
    await uow.finish(report)
    await uow.close()
    assert [str(e) for e in reported] == ["the reply failed"]
    assert await _people(session_factory) == [15]
