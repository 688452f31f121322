"""Orders: one accepted quote carried through sampling, the cutting ticket and production to
delivery. Who may press what is bot/orders/lifecycle.py's decision; this module loads the order,
asks the state machine, and writes the new state, its event and the follow-ups in one go.

Follow-ups scheduled here (through the outbox, cancelled when the fact changes): a sample past
its promised day, a delivery past the confirmed date, and "How did it go?" a week after
delivery, which replaces the question 14 days after the introduction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox
from bot.core.errors import RefusedError
from bot.db.base import utcnow
from bot.db.models import Atelier, Brief, Order, OrderEvent, Quote, User
from bot.db.parties import brief_and_atelier
from bot.orders import lifecycle
from bot.orders.lifecycle import Action, OrderFacts, OrderState, Refusal, Side, Ticket, TicketLine
from bot.outbox.payloads import Payload
from bot.quotes.timing import TIMING, Timing
from bot.reliability import service as reliability


class OrderUpdate(Payload, kind="order_update"):
    """To the other side: what was just done (the event), with their buttons."""

    order_id: int
    event_id: int


class SampleLate(Payload, kind="order_sample_late"):
    """To both sides: the sample of this round is past its promised day."""

    order_id: int
    round: int


class DeliveryLate(Payload, kind="order_delivery_late"):
    """To both sides: production is past the confirmed delivery date."""

    order_id: int


class OrderError(RefusedError):
    """A press that changed nothing; `code` picks the message (a lifecycle Refusal, `not_found`
    or `stale`)."""


@dataclass(frozen=True, slots=True)
class Parties:
    order: Order
    brief: Brief
    atelier: Atelier
    quote: Quote

    @property
    def designer_id(self) -> int | None:
        return self.brief.designer_id

    @property
    def owner_id(self) -> int | None:
        return self.atelier.owner_id

    def side_of(self, user: User) -> Side | None:
        if self.brief.designer_id == user.id:
            return Side.DESIGNER
        if self.atelier.owner_id == user.id:
            return Side.ATELIER
        return None

    def recipient(self, side: Side) -> int | None:
        return self.designer_id if side is Side.DESIGNER else self.owner_id


def ticket_to_data(ticket: Ticket) -> dict[str, Any]:
    return {
        "total": ticket.total,
        "delivery": ticket.delivery.isoformat(),
        "lines": [
            {"colourway": line.colourway, "size": line.size, "quantity": line.quantity}
            for line in ticket.lines
        ],
    }


def ticket_from_data(data: dict[str, Any] | None) -> Ticket | None:
    if not data:
        return None
    try:
        return Ticket(
            total=int(data["total"]),
            delivery=date.fromisoformat(data["delivery"]),
            lines=tuple(
                TicketLine(str(line["colourway"]), str(line["size"]), int(line["quantity"]))
                for line in data["lines"]
            ),
        )
    except (KeyError, TypeError, ValueError):
        return None


def facts_of(order: Order) -> OrderFacts:
    return OrderFacts(
        state=OrderState(order.state),
        sample_round=order.sample_round,
        ticket=ticket_from_data(order.ticket),
        confirmed_by=frozenset(Side(s) for s in order.confirmed_by),
        cancelled_by=Side(order.cancelled_by) if order.cancelled_by else None,
    )


def _key(order_id: int, what: str) -> str:
    return f"order:{order_id}:{what}"


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


async def parties(session: AsyncSession, order_id: int) -> Parties | None:
    order = await session.get(Order, order_id)
    if order is None:
        return None
    found = await brief_and_atelier(session, order)
    quote = await session.get(Quote, order.quote_id)
    if found is None or quote is None:
        return None
    return Parties(order, *found, quote)


async def of_user(session: AsyncSession, user: User) -> list[Parties]:
    """Every order the user is a side of, newest first."""
    rows = await session.scalars(
        select(Order.id)
        .join(Brief, Brief.id == Order.brief_id)
        .join(Atelier, Atelier.id == Order.atelier_id)
        .where(or_(Brief.designer_id == user.id, Atelier.owner_id == user.id))
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    found = []
    for order_id in rows.all():
        item = await parties(session, order_id)
        if item is not None:
            found.append(item)
    return found


async def for_brief(session: AsyncSession, brief_id: int) -> list[Order]:
    rows = await session.scalars(select(Order).where(Order.brief_id == brief_id).order_by(Order.id))
    return list(rows.all())


async def _both(
    session: AsyncSession,
    found: Parties,
    payload: Payload,
    what: str,
    due_at: datetime,
) -> None:
    for side in Side:
        recipient = found.recipient(side)
        if recipient is not None:
            await outbox.schedule(
                session,
                payload,
                recipient_id=recipient,
                dedupe_key=_key(found.order.id, f"{what}:{side}"),
                due_at=due_at,
            )


async def on_order_started(
    session: AsyncSession, order: Order, quote: Quote, *, now: datetime, timing: Timing = TIMING
) -> None:
    """An order was created from an accepted quote: watch the sample's promised day, and stop
    the 14-day question about the introduction (the order asks a week after delivery)."""
    found = await parties(session, order.id)
    assert found is not None
    await _watch_sample(session, found, timing)
    for side in ("designer", "atelier"):
        await outbox.cancel(
            session,
            dedupe_key=outbox.intro_key(order.intro_id, f"feedback:{side}"),
            reason="the order asks after delivery",
        )


async def _watch_sample(session: AsyncSession, found: Parties, timing: Timing) -> None:
    order = found.order
    if order.sample_due is None:
        return
    await _both(
        session,
        found,
        SampleLate(order.id, order.sample_round),
        f"sample_late:{order.sample_round}:{order.sample_due.isoformat()}",
        _end_of(order.sample_due) + timing.late_after,
    )


async def advance(
    session: AsyncSession,
    *,
    order_id: int,
    user: User,
    action: Action,
    seen_state: str | None = None,
    ticket: Ticket | None = None,
    note: str | None = None,
    now: datetime | None = None,
    timing: Timing = TIMING,
) -> Parties:
    """`user` presses `action` on an order. `seen_state` is the state the button was shown in:
    a button from an older state is stale and changes nothing."""
    now = now or utcnow()
    found = await parties(session, order_id)
    if found is None:
        raise OrderError("not_found")
    side = found.side_of(user)
    if side is None:
        raise OrderError(Refusal.NOT_YOUR_SIDE)
    order = found.order
    if seen_state is not None and seen_state != order.state:
        raise OrderError("stale")
    before = facts_of(order)
    after = lifecycle.apply(before, side, action, ticket=ticket, reason=note, today=now.date())
    if isinstance(after, Refusal):
        raise OrderError(after)
    order.state = after.state
    order.sample_round = after.sample_round
    order.ticket = ticket_to_data(after.ticket) if after.ticket is not None else None
    order.confirmed_by = sorted(after.confirmed_by)
    order.updated_at = now
    if action is Action.CANCEL:
        order.cancelled_by = side
        order.cancel_reason = (note or "").strip()[: lifecycle.MAX_REASON]
    event = OrderEvent(
        order_id=order.id,
        action=action,
        actor=side,
        from_state=before.state,
        to_state=after.state,
        note=(note or "").strip()[: lifecycle.MAX_REASON] or None,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    await reliability.touch(session, order.atelier_id)
    await _follow_up(session, found, action, before, after, now, timing)
    other = Side.ATELIER if side is Side.DESIGNER else Side.DESIGNER
    recipient = found.recipient(other)
    if recipient is not None:
        await outbox.schedule(
            session,
            OrderUpdate(order.id, event.id),
            recipient_id=recipient,
            dedupe_key=_key(order.id, f"event:{event.id}"),
            due_at=now,
        )
    return found


async def _follow_up(
    session: AsyncSession,
    found: Parties,
    action: Action,
    before: OrderFacts,
    after: OrderFacts,
    now: datetime,
    timing: Timing,
) -> None:
    order = found.order
    if action is Action.SEND_SAMPLE:
        await outbox.cancel_matching(
            session,
            key_prefix=_key(order.id, f"sample_late:{before.sample_round}:"),
            reason="sample sent",
        )
    elif action is Action.REQUEST_CHANGES:
        order.sample_due = now.date() + timedelta(days=found.quote.sample_days)
        await _watch_sample(session, found, timing)
    elif after.state is OrderState.PRODUCTION_CONFIRMED and after.ticket is not None:
        order.delivery_date = after.ticket.delivery
        await _both(
            session,
            found,
            DeliveryLate(order.id),
            f"delivery_late:{after.ticket.delivery.isoformat()}",
            _end_of(after.ticket.delivery) + timing.late_after,
        )
    elif action is Action.CONFIRM_DELIVERY:
        from bot.intros.service import FeedbackRequest  # intros imports quotes, which imports us

        await outbox.cancel_matching(
            session, key_prefix=_key(order.id, "delivery_late:"), reason="delivered"
        )
        for side in Side:
            recipient = found.recipient(side)
            if recipient is not None:
                await outbox.schedule(
                    session,
                    FeedbackRequest(order.intro_id),
                    recipient_id=recipient,
                    dedupe_key=_key(order.id, f"feedback:{side}"),
                    due_at=now + timing.feedback_after_delivery,
                )
    elif action is Action.CANCEL:
        await outbox.cancel_matching(
            session, key_prefix=_key(order.id, "sample_late:"), reason="cancelled"
        )
        await outbox.cancel_matching(
            session, key_prefix=_key(order.id, "delivery_late:"), reason="cancelled"
        )


async def event(session: AsyncSession, event_id: int) -> OrderEvent | None:
    return await session.get(OrderEvent, event_id)


NEW_DATE_STATES = frozenset(
    {
        OrderState.SAMPLING,
        OrderState.CHANGES_REQUESTED,
        OrderState.PRODUCTION_CONFIRMED,
        OrderState.IN_PRODUCTION,
    }
)


async def new_date(
    session: AsyncSession,
    *,
    order_id: int,
    user: User,
    day: date,
    now: datetime | None = None,
    timing: Timing = TIMING,
) -> Parties:
    """The atelier names a new day for a late sample (or a late delivery); the designer is told
    and the late-check moves to the new day. The promise it broke stays in the log."""
    now = now or utcnow()
    found = await parties(session, order_id)
    if found is None:
        raise OrderError("not_found")
    if found.side_of(user) is not Side.ATELIER:
        raise OrderError(Refusal.NOT_YOUR_SIDE)
    order = found.order
    if order.state not in NEW_DATE_STATES:
        raise OrderError(Refusal.NOT_NOW)
    if day < now.date():
        raise OrderError("past")
    sampling = order.state in (OrderState.SAMPLING, OrderState.CHANGES_REQUESTED)
    if sampling:
        order.sample_due = day
        await outbox.cancel_matching(
            session,
            key_prefix=_key(order.id, f"sample_late:{order.sample_round}:"),
            reason="new date",
        )
        await _watch_sample(session, found, timing)
    else:
        order.delivery_date = day
        await outbox.cancel_matching(
            session, key_prefix=_key(order.id, "delivery_late:"), reason="new date"
        )
        await _both(
            session,
            found,
            DeliveryLate(order.id),
            f"delivery_late:{day.isoformat()}",
            _end_of(day) + timing.late_after,
        )
    event = OrderEvent(
        order_id=order.id,
        action="new_sample_date" if sampling else "new_delivery_date",
        actor=Side.ATELIER,
        from_state=order.state,
        to_state=order.state,
        note=day.isoformat(),
        created_at=now,
    )
    session.add(event)
    await session.flush()
    await reliability.touch(session, order.atelier_id)
    if found.designer_id is not None:
        await outbox.schedule(
            session,
            OrderUpdate(order.id, event.id),
            recipient_id=found.designer_id,
            dedupe_key=_key(order.id, f"event:{event.id}"),
            due_at=now,
        )
    return found


ERASED_REASON = "the other side deleted their data"


async def erase(
    session: AsyncSession,
    *,
    brief_ids: list[int],
    atelier_ids: list[int],
    side: Side,
    now: datetime | None = None,
) -> int:
    """/delete_me for quotes and orders: what the person wrote is removed, orders still running
    are cancelled (logged, so the other side's figures stay true) and open quotes withdrawn. The
    rows stay, so counts and the other side's reliability are unchanged. Returns orders touched."""
    from bot.db.models import Quote as QuoteRow
    from bot.db.models import QuoteState

    now = now or utcnow()
    mine = or_(Order.brief_id.in_(brief_ids), Order.atelier_id.in_(atelier_ids))
    found = list((await session.scalars(select(Order).where(mine))).all())
    for order in found:
        if order.state not in lifecycle.TERMINAL:
            session.add(
                OrderEvent(
                    order_id=order.id,
                    action=Action.CANCEL,
                    actor=side,
                    from_state=order.state,
                    to_state=OrderState.CANCELLED,
                    note=None,
                    created_at=now,
                )
            )
            order.state = OrderState.CANCELLED
            order.cancelled_by = side
            order.updated_at = now
            await outbox.cancel_matching(
                session, key_prefix=_key(order.id, ""), reason=ERASED_REASON
            )
        if order.cancelled_by == side:
            order.cancel_reason = None
    if found:
        events = await session.scalars(
            select(OrderEvent).where(
                OrderEvent.order_id.in_([o.id for o in found]), OrderEvent.actor == side
            )
        )
        for event in events.all():
            event.note = None
    quotes_of = or_(QuoteRow.brief_id.in_(brief_ids), QuoteRow.atelier_id.in_(atelier_ids))
    for quote in (await session.scalars(select(QuoteRow).where(quotes_of))).all():
        if quote.state == QuoteState.OPEN:
            quote.state = QuoteState.WITHDRAWN
            quote.decided_at = now
            await outbox.cancel_matching(
                session, key_prefix=outbox.quote_key(quote.id), reason=ERASED_REASON
            )
        if side is Side.ATELIER and quote.atelier_id in atelier_ids:
            quote.note = None
    return len(found)
