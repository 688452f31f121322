"""`bottega orders export`: every order as one CSV row for the operator — what was ordered from
whom, at what price, where it stands, and when it moved. No contact and no person's name: the
designer is the brief's number, the atelier its registry ref and name."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Atelier, Order, Quote

COLUMNS = (
    "order_id",
    "brief_id",
    "atelier_ref",
    "atelier_name",
    "state",
    "split",
    "quote_version",
    "currency",
    "quantity",
    "unit_price",
    "extra_costs",
    "total",
    "sample_price",
    "sample_days",
    "sample_rounds",
    "lead_time_weeks",
    "ticket_pieces",
    "delivery_date",
    "cancelled_by",
    "created_at",
    "updated_at",
)
CHUNK = 1000


async def export_orders(session: AsyncSession, out: TextIO) -> int:
    """Write the header and one row per order (oldest first); returns the number of orders."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    last_id = 0
    while True:
        rows = (
            await session.execute(
                select(Order, Quote, Atelier.ref, Atelier.name)
                .join(Quote, Quote.id == Order.quote_id)
                .join(Atelier, Atelier.id == Order.atelier_id)
                .where(Order.id > last_id)
                .order_by(Order.id)
                .limit(CHUNK)
            )
        ).all()
        if not rows:
            return count
        for order, quote, ref, name in rows:
            extras = sum((Decimal(e["amount"]) for e in quote.extra_costs), Decimal(0))
            unit = Decimal(quote.unit_price)
            pieces = (order.ticket or {}).get("total", "")
            writer.writerow(
                (
                    order.id,
                    order.brief_id,
                    ref,
                    name,
                    order.state,
                    "true" if order.split else "false",
                    quote.version,
                    quote.currency,
                    quote.quantity,
                    f"{unit:.2f}",
                    f"{extras:.2f}",
                    f"{unit * quote.quantity + extras:.2f}",
                    f"{Decimal(quote.sample_price):.2f}",
                    quote.sample_days,
                    order.sample_round,
                    quote.lead_time_weeks,
                    pieces,
                    order.delivery_date.isoformat() if order.delivery_date else "",
                    order.cancelled_by or "",
                    order.created_at.isoformat(timespec="seconds"),
                    order.updated_at.isoformat(timespec="seconds"),
                )
            )
            count += 1
        last_id = rows[-1][0].id
