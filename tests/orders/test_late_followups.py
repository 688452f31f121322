"""Late deliveries through the real outbox sweeper: both sides hear once, the atelier is asked
for a new date, a new date moves the check, and shipping in time sends nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Order, User
from bot.orders import service as orders
from bot.orders.lifecycle import Action, Ticket, TicketLine
from bot.outbox.sweeper import sweep
from bot.quotes import service as quotes
from tests.orders.world import NOW, build_world, draft
from tests.scheduling.helpers import FakeBot

Factory = async_sessionmaker[AsyncSession]
DELIVERY = date(2027, 3, 1)


async def _in_production(factory: Factory) -> tuple[int, int]:
    async with factory() as session:
        world = await build_world(session, ateliers=1)
        owner, designer = world.owners[0], world.designer
        quote = await quotes.send(
            session, intro_id=world.intros[0].id, owner=owner, draft=draft(), now=NOW
        )
        order = await quotes.accept(session, quote_id=quote.id, designer=designer, now=NOW)
        ticket = Ticket(80, DELIVERY, (TicketLine("navy", "M", 80),))
        for user, action in (
            (owner, Action.SEND_SAMPLE),
            (designer, Action.APPROVE_SAMPLE),
            (owner, Action.PROPOSE_TICKET),
            (designer, Action.CONFIRM_TICKET),
            (owner, Action.START_PRODUCTION),
        ):
            await orders.advance(
                session, order_id=order.id, user=user, action=action, ticket=ticket, now=NOW
            )
        await session.commit()
        return order.id, owner.id


async def _sweep(factory: Factory, bot: FakeBot, at: datetime) -> list[tuple[int, str]]:
    bot.sent.clear()
    await sweep(bot, factory, now=at)  # type: ignore[arg-type]
    return list(bot.sent)


def _late(sent: list[tuple[int, str]]) -> list[int]:
    return sorted(chat for chat, text in sent if "was due" in text)


async def test_a_late_delivery_asks_for_a_new_date_once_and_the_new_date_moves_the_check(
    session_factory: Factory,
) -> None:
    order_id, owner_id = await _in_production(session_factory)
    bot = FakeBot()
    day_after = datetime(2027, 3, 2, 9, 0, tzinfo=NOW.tzinfo)
    await _sweep(session_factory, bot, NOW + timedelta(minutes=1))  # what was due at NOW
    assert _late(await _sweep(session_factory, bot, day_after - timedelta(days=2))) == []
    assert _late(await _sweep(session_factory, bot, day_after)) == [5001, 6001]
    assert _late(await _sweep(session_factory, bot, day_after + timedelta(hours=1))) == []

    async with session_factory() as session:
        owner = await session.get(User, owner_id)
        assert owner is not None
        await orders.new_date(
            session, order_id=order_id, user=owner, day=date(2027, 3, 10), now=day_after
        )
        await session.commit()
    told = await _sweep(session_factory, bot, day_after + timedelta(hours=2))
    assert [chat for chat, text in told if "2027-03-10" in text] == [5001]
    assert _late(
        await _sweep(session_factory, bot, datetime(2027, 3, 11, 9, 0, tzinfo=NOW.tzinfo))
    ) == [
        5001,
        6001,
    ]


async def test_shipping_in_time_sends_no_late_message(session_factory: Factory) -> None:
    order_id, owner_id = await _in_production(session_factory)
    async with session_factory() as session:
        owner = await session.get(User, owner_id)
        assert owner is not None
        await orders.advance(
            session, order_id=order_id, user=owner, action=Action.SHIP, now=NOW + timedelta(days=30)
        )
        await session.commit()
    bot = FakeBot()
    sent = await _sweep(session_factory, bot, datetime(2027, 3, 5, tzinfo=NOW.tzinfo))
    assert _late(sent) == []
    async with session_factory() as session:
        stored = await session.get(Order, order_id)
        assert stored is not None and stored.state == "shipped"
