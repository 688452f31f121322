"""An atelier's reliability is computed from the events themselves and moves with each one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.intros import service as intros
from bot.orders import service as orders
from bot.orders.lifecycle import Action, Ticket, TicketLine
from bot.quotes import service as quotes
from bot.reliability.service import Reliability, figures
from tests.orders.world import NOW, build_world, draft


async def test_the_figures_follow_every_event(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build_world(session, ateliers=1, accept=False)
        atelier, owner, designer = world.ateliers[0], world.owners[0], world.designer
        intro = world.intros[0]

        async def now_figures() -> Reliability:
            await session.flush()
            return (await figures(session, [atelier.id]))[atelier.id]

        assert await now_figures() == Reliability()
        assert (await now_figures()).reasons("en") == []

        clock = NOW + timedelta(hours=2)
        await intros.accept(session, intro_id=intro.id, owner=owner, now=clock)
        measured = await now_figures()
        assert (measured.answered, measured.asked, measured.response_rate) == (1, 1, 1.0)
        assert measured.median_response == timedelta(hours=2)
        assert (measured.quoted, measured.accepted, measured.quote_rate) == (0, 1, 0.0)
        assert measured.reasons("en") == ["answers in 2 h"]

        quote = await quotes.send(
            session, intro_id=intro.id, owner=owner, draft=draft(sample_days=5), now=clock
        )
        assert (await now_figures()).quote_rate == 1.0
        order = await quotes.accept(session, quote_id=quote.id, designer=designer, now=clock)

        async def press(user: object, action: Action, **extra: object) -> None:
            await orders.advance(
                session,
                order_id=order.id,
                user=user,  # type: ignore[arg-type]
                action=action,
                **extra,  # type: ignore[arg-type]
            )

        clock += timedelta(days=4)
        await press(owner, Action.SEND_SAMPLE, now=clock)
        assert (await now_figures()).on_time == (1, 1)
        await press(designer, Action.REQUEST_CHANGES, note="shorter", now=clock)
        clock += timedelta(days=9)  # four days past the five promised
        await press(owner, Action.SEND_SAMPLE, now=clock)
        measured = await now_figures()
        assert (measured.samples_on_time, measured.samples) == (1, 2)
        assert measured.reasons("it") == ["risponde in 2 h", "1 su 2 puntuali"]

        await press(designer, Action.APPROVE_SAMPLE, now=clock)
        delivery = clock.date() + timedelta(weeks=6)
        ticket = Ticket(80, delivery, (TicketLine("navy", "M", 80),))
        await press(owner, Action.PROPOSE_TICKET, ticket=ticket, now=clock)
        await press(designer, Action.CONFIRM_TICKET, now=clock)
        await press(owner, Action.START_PRODUCTION, now=clock)
        await press(owner, Action.SHIP, now=clock + timedelta(weeks=5))
        assert (await now_figures()).completed == 0
        await press(designer, Action.CONFIRM_DELIVERY, now=clock + timedelta(weeks=6))
        measured = await now_figures()
        assert (measured.deliveries_on_time, measured.deliveries, measured.completed) == (1, 1, 1)
        assert measured.on_time == (2, 3)
        assert measured.reasons("en") == [
            "answers in 2 h",
            "2 of 3 on time",
            "orders completed: 1",
        ]
        score = measured.score()
        assert score is not None and 0.0 < score < 1.0


async def test_silence_and_late_deliveries_lower_the_figures(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build_world(session, ateliers=2, accept=False)
        quiet = world.ateliers[1]
        await intros.expire(session, intro_id=world.intros[1].id, now=NOW + timedelta(days=7))
        await session.flush()
        measured = (await figures(session, [quiet.id]))[quiet.id]
        assert (measured.answered, measured.asked, measured.response_rate) == (0, 1, 0.0)
        assert measured.score() == 0.0


async def test_a_measured_record_shows_in_match_reasons_and_lifts_the_ranking(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    from sqlalchemy import func, select

    import matching
    from bot.briefs import service as brief_service
    from bot.db.models import AtelierChange
    from bot.registry.profiles import load_registry, profiles_by_id

    async with session_factory() as session:
        world = await build_world(session, ateliers=2, accept=False)
        first, second = world.ateliers
        before = await profiles_by_id(session, [first.id, second.id])
        index = matching.AtelierIndex.build([p for _, p in await load_registry(session)])
        query = brief_service.query_for(world.brief)
        plain = {m.ref: m.score for m in index.match(query, top=5, lang="en").matches}
        assert plain["A1"] == plain["A2"]  # twins until something happens
        assert before[first.id].reliability is None

        changes = await session.scalar(select(func.count()).select_from(AtelierChange))
        # The second atelier answers within the hour and keeps its promise; the first is silent.
        clock = NOW + timedelta(minutes=40)
        await intros.accept(session, intro_id=world.intros[1].id, owner=world.owners[1], now=clock)
        await intros.expire(session, intro_id=world.intros[0].id, now=NOW + timedelta(days=7))
        quote = await quotes.send(
            session, intro_id=world.intros[1].id, owner=world.owners[1], draft=draft(), now=clock
        )
        order = await quotes.accept(session, quote_id=quote.id, designer=world.designer, now=clock)
        await orders.advance(
            session,
            order_id=order.id,
            user=world.owners[1],
            action=Action.SEND_SAMPLE,
            now=clock + timedelta(days=3),
        )
        await session.flush()
        logged = await session.scalar(select(func.count()).select_from(AtelierChange))
        assert logged is not None and changes is not None and logged > changes  # indexes reload

        after = await profiles_by_id(session, [first.id, second.id])
        assert after[second.id].on_time == (1, 1) and after[first.id].reliability == 0.0
        index = matching.AtelierIndex.build([p for _, p in await load_registry(session)])
        ranked = index.match(query, top=5, lang="en").matches
        assert [m.ref for m in ranked] == ["A2", "A1"]
        scores = {m.ref: m.score for m in ranked}
        assert scores["A2"] > plain["A2"] > scores["A1"]
        reasons = " · ".join(ranked[0].reasons)
        assert "answers in 1 h" in reasons and "1 of 1 on time" in reasons
        italian = index.match(query, top=5, lang="it").matches[0].reasons
        assert "risponde in 1 h" in italian and "1 su 1 puntuali" in italian
