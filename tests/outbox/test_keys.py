"""The keys shared between features keep the spelling of rows already in the outbox: a delivery
scheduled before an upgrade is still found, and cancelled, by the key the code builds now."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import outbox
from bot.db.models import Delivery, DeliveryState, User
from tests.scheduling.helpers import T0, Ping

Factory = async_sessionmaker[AsyncSession]

# As the rows of an introduction and a quote were written before their keys had one home.
STORED = (
    "intro:7:reminder",
    "intro:7:expire",
    "intro:7:feedback:designer",
    "intro:7:quote_nudge",
    "intro:8:reminder",
    "intro:71:reminder",
    "quote:7:expiry",
    "quote:7:received",
)


async def _states(factory: Factory) -> dict[str, DeliveryState]:
    async with factory() as session:
        rows = await session.execute(select(Delivery.dedupe_key, Delivery.state))
        return {str(key): state for key, state in rows.tuples()}


async def test_rows_stored_under_an_intros_and_a_quotes_keys_are_cancelled_by_them(
    session_factory: Factory,
) -> None:
    async with session_factory() as session:
        user_id = (
            await session.execute(insert(User).values(telegram_id=778).returning(User.id))
        ).scalar_one()
        for key in STORED:
            await outbox.schedule(session, Ping(), recipient_id=user_id, due_at=T0, dedupe_key=key)
        await session.commit()

    async with session_factory() as session:
        assert await outbox.cancel(session, dedupe_key=outbox.intro_key(8, "reminder"), reason="x")
        assert (
            await outbox.cancel_matching(session, key_prefix=outbox.intro_key(7), reason="x") == 4
        )
        assert await outbox.cancel(session, dedupe_key=outbox.quote_key(7, "received"), reason="x")
        assert (
            await outbox.cancel_matching(session, key_prefix=outbox.quote_key(7), reason="x") == 1
        )
        await session.commit()

    states = await _states(session_factory)
    assert {key for key, state in states.items() if state == DeliveryState.PENDING} == {
        "intro:71:reminder"
    }
