"""Quotes and orders on a real database: versions, decisions, the order's way to delivery, and
the follow-ups each fact schedules or cancels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Delivery, DeliveryState, IntroState, OrderEvent, Quote, QuoteState
from bot.intros import service as intros
from bot.orders import service as orders
from bot.orders.lifecycle import Action, OrderState, Ticket, TicketLine
from bot.quotes import service as quotes
from bot.quotes.service import QuoteError
from tests.orders.world import NOW, build_world, draft


async def _pending(session: AsyncSession) -> dict[str, str]:
    rows = await session.scalars(select(Delivery).order_by(Delivery.id))
    return {d.dedupe_key or "": d.state for d in rows.all()}


async def test_a_requote_supersedes_and_keeps_the_old_version(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build_world(session)
        intro = world.intros[0]
        first = await quotes.send(
            session, intro_id=intro.id, owner=world.owners[0], draft=draft("42"), now=NOW
        )
        keys = await _pending(session)
        assert keys[f"intro:{intro.id}:quote_nudge"] == DeliveryState.CANCELLED
        assert keys[f"quote:{first.id}:expiry"] == DeliveryState.PENDING
        second = await quotes.send(
            session, intro_id=intro.id, owner=world.owners[0], draft=draft("39.50"), now=NOW
        )
        assert (first.state, second.state, second.version) == ("superseded", "open", 2)
        keys = await _pending(session)
        assert keys[f"quote:{first.id}:expiry"] == DeliveryState.CANCELLED
        assert keys[f"quote:{second.id}:expiry"] == DeliveryState.PENDING
        current = await quotes.for_brief(session, world.brief.id)
        assert [q.id for q in current] == [second.id]
        stored = (await session.scalars(select(Quote.version).order_by(Quote.version))).all()
        assert list(stored) == [1, 2]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"valid_until": NOW.date() - timedelta(days=1)}, "validity_past"),
        ({"sample_days": 0}, "bad_days"),
    ],
)
async def test_a_bad_quote_is_refused_and_nothing_is_written(
    session_factory: async_sessionmaker[AsyncSession], change: dict[str, object], code: str
) -> None:
    async with session_factory() as session:
        world = await build_world(session, ateliers=1)
        bad = draft()
        for name, value in change.items():
            setattr(bad, name, value)
        with pytest.raises(QuoteError) as refused:
            await quotes.send(
                session, intro_id=world.intros[0].id, owner=world.owners[0], draft=bad, now=NOW
            )
        assert refused.value.code == code
        assert (await session.scalars(select(Quote))).all() == []


async def test_no_quote_for_a_withdrawn_or_unanswered_introduction(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build_world(session, ateliers=2, accept=False)
        with pytest.raises(QuoteError) as refused:
            await quotes.send(
                session, intro_id=world.intros[0].id, owner=world.owners[0], draft=draft(), now=NOW
            )
        assert refused.value.code == "not_accepted"
        world.intros[1].state = IntroState.CANCELLED
        with pytest.raises(QuoteError) as refused:
            await quotes.send(
                session, intro_id=world.intros[1].id, owner=world.owners[1], draft=draft(), now=NOW
            )
        assert refused.value.code == "withdrawn"
        with pytest.raises(QuoteError) as refused:  # someone else's introduction
            await quotes.send(
                session, intro_id=world.intros[0].id, owner=world.owners[1], draft=draft(), now=NOW
            )
        assert refused.value.code == "not_your_atelier"


async def test_accepting_twice_and_a_second_quote_only_as_a_split_order(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build_world(session)
        a = await quotes.send(
            session, intro_id=world.intros[0].id, owner=world.owners[0], draft=draft(), now=NOW
        )
        b = await quotes.send(
            session, intro_id=world.intros[1].id, owner=world.owners[1], draft=draft(), now=NOW
        )
        starred = await quotes.toggle_shortlist(session, quote_id=b.id, designer=world.designer)
        assert starred.shortlisted
        with pytest.raises(QuoteError):  # only the brief's designer shortlists
            await quotes.toggle_shortlist(session, quote_id=b.id, designer=world.owners[1])
        order = await quotes.accept(session, quote_id=a.id, designer=world.designer, now=NOW)
        assert order.state == OrderState.SAMPLING
        with pytest.raises(QuoteError) as decided:
            await quotes.toggle_shortlist(session, quote_id=a.id, designer=world.designer)
        assert decided.value.code == "already_decided"
        assert order.sample_due == NOW.date() + timedelta(days=10)
        with pytest.raises(QuoteError) as twice:
            await quotes.accept(session, quote_id=a.id, designer=world.designer, now=NOW)
        assert twice.value.code == "already_decided"
        with pytest.raises(QuoteError) as second:
            await quotes.accept(session, quote_id=b.id, designer=world.designer, now=NOW)
        assert second.value.code == "needs_split"
        split = await quotes.accept(
            session, quote_id=b.id, designer=world.designer, split=True, now=NOW
        )
        assert split.split
        with pytest.raises(QuoteError):
            await quotes.accept(session, quote_id=b.id, designer=world.owners[0], now=NOW)
        keys = await _pending(session)
        intro_id = world.intros[0].id
        assert keys[f"intro:{intro_id}:feedback:designer"] == DeliveryState.CANCELLED
        assert keys[f"quote:{a.id}:accepted"] == DeliveryState.PENDING


async def test_an_order_from_sample_to_delivery_with_its_log_and_follow_ups(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        world = await build_world(session, ateliers=1)
        designer, owner = world.designer, world.owners[0]
        quote = await quotes.send(
            session, intro_id=world.intros[0].id, owner=owner, draft=draft(), now=NOW
        )
        order = await quotes.accept(session, quote_id=quote.id, designer=designer, now=NOW)

        async def press(user: object, action: Action, **extra: object) -> None:
            await orders.advance(
                session,
                order_id=order.id,
                user=user,
                action=action,
                now=NOW,
                **extra,  # type: ignore[arg-type]
            )

        with pytest.raises(orders.OrderError) as wrong:
            await press(designer, Action.SEND_SAMPLE)
        assert wrong.value.code == "not_your_side"
        await press(owner, Action.SEND_SAMPLE)
        with pytest.raises(orders.OrderError) as stale:
            await orders.advance(
                session,
                order_id=order.id,
                user=owner,
                action=Action.SEND_SAMPLE,
                seen_state="sampling",
                now=NOW,
            )
        assert stale.value.code == "stale"
        await press(designer, Action.REQUEST_CHANGES, note="longer sleeves")
        assert (order.state, order.sample_round) == (OrderState.CHANGES_REQUESTED, 2)
        await press(owner, Action.SEND_SAMPLE)
        await press(designer, Action.APPROVE_SAMPLE)
        bad = Ticket(80, date(2027, 3, 1), (TicketLine("navy", "M", 50),))
        with pytest.raises(orders.OrderError) as sums:
            await press(owner, Action.PROPOSE_TICKET, ticket=bad)
        assert sums.value.code == "bad_ticket"
        good = Ticket(
            80, date(2027, 3, 1), (TicketLine("navy", "M", 50), TicketLine("navy", "L", 30))
        )
        await press(owner, Action.PROPOSE_TICKET, ticket=good)
        await press(designer, Action.CONFIRM_TICKET)
        assert order.state == OrderState.PRODUCTION_CONFIRMED
        assert order.delivery_date == date(2027, 3, 1)
        await press(owner, Action.START_PRODUCTION)
        await press(owner, Action.SHIP)
        await press(designer, Action.CONFIRM_DELIVERY)
        assert order.state == OrderState.DELIVERED

        log = (
            await session.scalars(
                select(OrderEvent.to_state)
                .where(OrderEvent.order_id == order.id)
                .order_by(OrderEvent.id)
            )
        ).all()
        assert list(log) == [
            "sampling",
            "sample_sent",
            "changes_requested",
            "sample_sent",
            "sample_approved",
            "sample_approved",
            "production_confirmed",
            "in_production",
            "shipped",
            "delivered",
        ]
        keys = await _pending(session)
        late = {k: v for k, v in keys.items() if "late" in k}
        assert late and set(late.values()) == {DeliveryState.CANCELLED}
        assert keys[f"order:{order.id}:feedback:designer"] == DeliveryState.PENDING
        assert keys[f"order:{order.id}:feedback:atelier"] == DeliveryState.PENDING
        assert (await intros.open_count(session, world.brief.id)) == 0
        assert quote.state == QuoteState.ACCEPTED


async def test_delete_me_anonymises_quotes_and_orders_but_keeps_the_counts(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    from sqlalchemy import func

    from bot.account.privacy import erase_user
    from bot.db.models import Order
    from bot.reliability.service import figures

    async with session_factory() as session:
        world = await build_world(session, ateliers=2)
        noted = draft()
        noted.note = "We spin our own yarn"
        first = await quotes.send(
            session, intro_id=world.intros[0].id, owner=world.owners[0], draft=noted, now=NOW
        )
        other = await quotes.send(
            session, intro_id=world.intros[1].id, owner=world.owners[1], draft=draft(), now=NOW
        )
        order = await quotes.accept(session, quote_id=first.id, designer=world.designer, now=NOW)
        await orders.advance(
            session, order_id=order.id, user=world.owners[0], action=Action.SEND_SAMPLE, now=NOW
        )
        await orders.advance(
            session,
            order_id=order.id,
            user=world.designer,
            action=Action.REQUEST_CHANGES,
            note="Ada's private notes",
            now=NOW,
        )
        atelier_id = world.ateliers[0].id
        before = (await figures(session, [atelier_id]))[atelier_id]
        await session.commit()

    async with session_factory() as session:
        await erase_user(session, 5001)  # the designer
        await session.commit()
    async with session_factory() as session:
        stored = await session.get(Order, order.id)
        assert stored is not None and stored.state == OrderState.CANCELLED
        notes = (await session.scalars(select(OrderEvent.note))).all()
        assert "Ada's private notes" not in notes
        assert (await session.scalar(select(func.count()).select_from(Quote))) == 2
        assert (await session.get(Quote, other.id)).state == QuoteState.WITHDRAWN  # type: ignore[union-attr]
        after = (await figures(session, [atelier_id]))[atelier_id]
        assert after.on_time == before.on_time and after.answered == before.answered
        pending = (
            await session.scalars(
                select(Delivery.dedupe_key).where(Delivery.state == DeliveryState.PENDING)
            )
        ).all()
        assert not [k for k in pending if k and k.startswith(f"order:{order.id}:")]

        await erase_user(session, 6001)  # the first atelier's owner
        await session.commit()
    async with session_factory() as session:
        kept = await session.get(Quote, first.id)
        assert kept is not None and kept.note is None and kept.state == QuoteState.ACCEPTED
