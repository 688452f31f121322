"""How an order reads: its state, its cutting ticket and the buttons of the reader's side; the
messages the outbox sends as it moves (to the other side), when a sample or a delivery is late."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.briefs.rendering import product_label
from bot.core.renderers import Outgoing, Rendering
from bot.db.models import Order, User
from bot.i18n import t
from bot.orders import lifecycle
from bot.orders import service as orders
from bot.orders.buttons import NewDate, OrderPress
from bot.orders.lifecycle import OrderState, Side, Ticket
from bot.orders.service import Parties
from bot.orders.stats import OrderStats
from bot.quotes.rendering import day

Rows = list[list[tuple[str, str]]]


def ticket_lines(ticket: Ticket, lang: str) -> list[str]:
    by_colour: dict[str, list[str]] = {}
    for line in ticket.lines:
        by_colour.setdefault(line.colourway, []).append(f"{line.size} {line.quantity}")
    lines = [
        t("orders.ticket_line", lang, colourway=colourway, sizes=", ".join(sizes))
        for colourway, sizes in by_colour.items()
    ]
    lines.append(t("orders.ticket_total", lang, total=ticket.total, day=day(ticket.delivery, lang)))
    return lines


def order_buttons(found: Parties, user: User, lang: str) -> Rows:
    side = found.side_of(user)
    if side is None:
        return []
    facts = orders.facts_of(found.order)
    rows: Rows = [
        [
            (
                t(f"orders.action_{action}", lang),
                OrderPress(found.order.id, action, found.order.state).encode(),
            )
        ]
        for action in lifecycle.actions_for(facts, side)
    ]
    return rows


def order_text(found: Parties, user: User, lang: str) -> str:
    order, brief = found.order, found.brief
    side = found.side_of(user)
    product = product_label(brief.product_text, brief.category, lang)
    lines = [
        t(
            "orders.head",
            lang,
            id=order.id,
            product=product,
            atelier=found.atelier.name,
            state=t(f"orders.state_{order.state}", lang),
        )
    ]
    if order.state in (OrderState.SAMPLING, OrderState.CHANGES_REQUESTED) and order.sample_due:
        lines.append(
            t("orders.sample_due", lang, round=order.sample_round, day=day(order.sample_due, lang))
        )
    ticket = orders.ticket_from_data(order.ticket)
    if ticket is not None:
        lines.append(t("orders.ticket_head", lang))
        lines += ticket_lines(ticket, lang)
        if order.state == OrderState.SAMPLE_APPROVED:
            waiting = [s for s in Side if s.value not in order.confirmed_by]
            if side is not None and side in waiting:
                lines.append(t("orders.ticket_confirm_hint", lang))
            elif waiting:
                lines.append(t("orders.ticket_waiting", lang))
    if order.delivery_date and order.state in (
        OrderState.PRODUCTION_CONFIRMED,
        OrderState.IN_PRODUCTION,
        OrderState.SHIPPED,
    ):
        lines.append(t("orders.delivery_on", lang, day=day(order.delivery_date, lang)))
    if order.state == OrderState.CANCELLED and order.cancel_reason:
        by = t(f"orders.side_{order.cancelled_by or 'designer'}", lang)
        lines.append(t("orders.cancelled_by", lang, side=by, reason=order.cancel_reason))
    if order.split:
        lines.append(t("orders.split_note", lang))
    return "\n".join(lines)


def order_message(found: Parties, user: User, lang: str) -> Outgoing:
    return Outgoing(order_text(found, user, lang), order_buttons(found, user, lang))


def _hours(value: timedelta | None, lang: str) -> str:
    if value is None:
        return "–"
    hours = value.total_seconds() / 3600
    if hours < 48:
        return t("orders.stats_hours", lang, hours=round(hours, 1))
    return t("orders.stats_days", lang, days=round(hours / 24, 1))


def order_stats_text(stats: OrderStats, lang: str) -> str:
    quotes = ", ".join(
        f"{t(f'quotes.state_{k}', lang)} {v}" for k, v in stats.quotes_by_state.items()
    )
    orders_by_state = ", ".join(
        f"{t(f'orders.state_short_{k}', lang)} {v}" for k, v in stats.orders_by_state.items()
    )
    return t(
        "orders.stats",
        lang,
        quotes=stats.quotes,
        quotes_by_state=quotes,
        orders=stats.orders,
        orders_by_state=orders_by_state,
        to_quote=_hours(stats.intro_to_quote, lang),
        to_order=_hours(stats.quote_to_order, lang),
    )


# --- renderers -----------------------------------------------------------------------------------


async def _parties(session: AsyncSession, order_id: int, user: User) -> Parties | None:
    found = await orders.parties(session, order_id)
    if found is None or found.side_of(user) is None:
        return None
    return found


async def render_update(
    session: AsyncSession, message: orders.OrderUpdate, user: User
) -> Outgoing | None:
    """To the other side: what was just done, then the order as it stands with their buttons."""
    found = await _parties(session, message.order_id, user)
    event = await orders.event(session, message.event_id)
    if found is None or event is None:
        return None
    lang = user.language
    head = t(
        f"orders.event_{event.action}",
        lang,
        id=found.order.id,
        atelier=found.atelier.name,
        note=event.note or "",
    )
    current = order_message(found, user, lang)
    return Outgoing(head + "\n\n" + current.text, current.buttons)


async def _late(
    session: AsyncSession,
    order_id: int,
    user: User,
    what: str,
    promised: Callable[[Order], date | None],
) -> Outgoing | None:
    """The sample or the delivery (`what`) is late: the atelier is asked for a new date, the
    designer told it is being chased; while `promised(order)` still gives the day it was due."""
    found = await _parties(session, order_id, user)
    due = None if found is None else promised(found.order)
    if found is None or due is None:
        return None
    lang = user.language
    order = found.order
    product = product_label(found.brief.product_text, found.brief.category, lang)
    when = day(due, lang)
    if found.side_of(user) is Side.ATELIER:
        text = t(f"orders.{what}_late_atelier", lang, id=order.id, product=product, day=when)
        return Outgoing(text, [[(t("orders.new_date_button", lang), NewDate(order.id).encode())]])
    atelier = found.atelier.name
    return Outgoing(
        t(f"orders.{what}_late_designer", lang, atelier=atelier, product=product, day=when)
    )


async def render_sample_late(
    session: AsyncSession, message: orders.SampleLate, user: User
) -> Outgoing | None:
    def promised(order: Order) -> date | None:
        awaited = order.state in (OrderState.SAMPLING, OrderState.CHANGES_REQUESTED)
        return order.sample_due if awaited and message.round == order.sample_round else None

    return await _late(session, message.order_id, user, "sample", promised)


async def render_delivery_late(
    session: AsyncSession, message: orders.DeliveryLate, user: User
) -> Outgoing | None:
    def promised(order: Order) -> date | None:
        awaited = order.state in (OrderState.PRODUCTION_CONFIRMED, OrderState.IN_PRODUCTION)
        return order.delivery_date if awaited else None

    return await _late(session, message.order_id, user, "delivery", promised)


RENDERERS: tuple[Rendering[Any], ...] = (
    Rendering(orders.OrderUpdate, render_update),
    Rendering(orders.SampleLate, render_sample_late),
    Rendering(orders.DeliveryLate, render_delivery_late),
)
