"""Numbers about quotes and orders for the operator: quotes and orders by state, and the median
time from an accepted introduction to its first quote and from that quote to an order."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import IntroRequest, Order, Quote, QuoteState
from bot.orders.lifecycle import OrderState

SAMPLE = 10_000


@dataclass(frozen=True, slots=True)
class OrderStats:
    quotes_by_state: dict[str, int] = field(default_factory=dict)
    orders_by_state: dict[str, int] = field(default_factory=dict)
    intro_to_quote: timedelta | None = None
    quote_to_order: timedelta | None = None

    @property
    def quotes(self) -> int:
        return sum(self.quotes_by_state.values())

    @property
    def orders(self) -> int:
        return sum(self.orders_by_state.values())


def _median(values: list[float]) -> timedelta | None:
    return timedelta(seconds=statistics.median(values)) if values else None


async def collect(session: AsyncSession) -> OrderStats:
    quotes = dict.fromkeys((s.value for s in QuoteState), 0)
    for state, count in (
        await session.execute(select(Quote.state, func.count()).group_by(Quote.state))
    ).all():
        quotes[state] = int(count)
    orders = dict.fromkeys((s.value for s in OrderState), 0)
    for state, count in (
        await session.execute(select(Order.state, func.count()).group_by(Order.state))
    ).all():
        orders[state] = int(count)
    first_quote = (
        select(Quote.intro_id, func.min(Quote.created_at).label("quoted_at"))
        .group_by(Quote.intro_id)
        .subquery()
    )
    rows = await session.execute(
        select(IntroRequest.answered_at, first_quote.c.quoted_at)
        .join(first_quote, first_quote.c.intro_id == IntroRequest.id)
        .where(IntroRequest.answered_at.is_not(None))
        .order_by(IntroRequest.id.desc())
        .limit(SAMPLE)
    )
    to_quote = [
        (quoted - answered).total_seconds()
        for answered, quoted in rows.all()
        if answered is not None and quoted is not None
    ]
    rows = await session.execute(
        select(first_quote.c.quoted_at, Order.created_at)
        .join(first_quote, first_quote.c.intro_id == Order.intro_id)
        .order_by(Order.id.desc())
        .limit(SAMPLE)
    )
    to_order = [(ordered - quoted).total_seconds() for quoted, ordered in rows.all()]
    return OrderStats(quotes, orders, _median(to_quote), _median(to_order))
