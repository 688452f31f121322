"""Orders in the chat: `/orders`, the step buttons of each side (changes with notes, the cutting
ticket, cancel with a reason) and a new date for a late sample or delivery.

Each button carries the order, the step and the state it was shown in; bot/orders/service.py
(with the pure lifecycle) decides whether the presser may take that step now, so a forged or
stale button changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

import parsing
from bot.core.conversations import conversation, typed_step, typed_text
from bot.core.replies import (
    drop_buttons,
    lang_of,
    on_button,
    press_of,
    refuse,
    say,
    undo_and_refuse,
)
from bot.db.base import utcnow
from bot.i18n import t
from bot.orders import lifecycle
from bot.orders import service as orders
from bot.orders.buttons import NewDate, OrderPress
from bot.orders.lifecycle import Action, Ticket
from bot.orders.rendering import order_message
from bot.orders.service import OrderError
from bot.orders.ticket import parse_ticket_lines
from bot.runtime import BotContext

NOTE = "order:note"
TICKET = "order:ticket"
TICKET_DATE = "order:ticket_date"
NEW_DATE = "order:new_date"
TIMEOUT_SECONDS = 24 * 60 * 60
_KEY = "order"
# Steps that need words first: the changes wanted, or why the order is cancelled.
WITH_NOTE = frozenset({Action.REQUEST_CHANGES, Action.CANCEL})
MAX_DELIVERY_WEEKS = 104


def _data(context: BotContext) -> dict[Any, Any]:
    assert context.user_data is not None
    return context.user_data


async def list_orders(update: Update, context: BotContext) -> None:
    lang = lang_of(context, update)
    user = await context.uow.user()
    found = await orders.of_user(context.uow.session, user)
    if not found:
        await say(update, context, t("orders.none", lang))
        return
    await say(update, context, t("orders.list_header", lang, count=len(found)))
    for item in found:
        message = order_message(item, user, lang)
        await say(update, context, message.text, message.buttons)


async def _advance(
    update: Update,
    context: BotContext,
    order_id: int,
    action: Action,
    *,
    seen: str | None,
    ticket: Ticket | None = None,
    note: str | None = None,
) -> bool:
    lang = lang_of(context, update)
    user = await context.uow.user()
    try:
        found = await orders.advance(
            context.uow.session,
            order_id=order_id,
            user=user,
            action=action,
            seen_state=seen,
            ticket=ticket,
            note=note,
        )
    except OrderError as exc:
        await undo_and_refuse(update, context, f"orders.error_{exc.code}")
        return False
    if update.callback_query is not None:
        await update.callback_query.answer()
        await drop_buttons(update.callback_query)
    context.uow.deliveries_added()
    message = order_message(found, user, lang)
    await say(
        update,
        context,
        t(f"orders.done_{action}", lang) + "\n\n" + message.text,
        message.buttons,
    )
    return True


async def pressed(update: Update, context: BotContext, button: OrderPress) -> str | int:
    query = update.callback_query
    assert query is not None
    lang = lang_of(context, update)
    action = Action(button.action)
    if action in WITH_NOTE or action is Action.PROPOSE_TICKET:
        # Ask for the words first; the press is checked now and again when they arrive.
        user = await context.uow.user()
        found = await orders.parties(context.uow.session, button.order_id)
        if found is None or found.side_of(user) is None:
            await refuse(update, context, "orders.error_not_your_side")
            return ConversationHandler.END
        side = found.side_of(user)
        assert side is not None
        facts = orders.facts_of(found.order)
        if found.order.state != button.seen:
            await refuse(update, context, "orders.error_stale")
            return ConversationHandler.END
        if action not in lifecycle.actions_for(facts, side):
            await refuse(update, context, "orders.error_not_your_side")
            return ConversationHandler.END
        await query.answer()
        _data(context)[_KEY] = {
            "order_id": button.order_id,
            "action": action.value,
            "seen": button.seen,
            "total": found.quote.quantity,
        }
        if action is Action.PROPOSE_TICKET:
            await say(update, context, t("orders.ask_ticket", lang, total=found.quote.quantity))
            return TICKET
        await say(update, context, t(f"orders.ask_note_{action}", lang))
        return NOTE
    await _advance(update, context, button.order_id, action, seen=button.seen)
    return ConversationHandler.END


def _pending(context: BotContext) -> dict[str, Any] | None:
    state = _data(context).get(_KEY)
    return state if isinstance(state, dict) else None


async def note_typed(update: Update, context: BotContext) -> str | int:
    state = _pending(context)
    if state is None:
        return ConversationHandler.END
    lang = lang_of(context, update)
    note = parsing.clean_text(typed_text(update), max_len=lifecycle.MAX_REASON)
    if isinstance(note, parsing.ParseError) or not note:
        await say(update, context, t("orders.note_again", lang, limit=lifecycle.MAX_REASON))
        return NOTE
    _data(context).pop(_KEY, None)
    await _advance(
        update,
        context,
        int(state["order_id"]),
        Action(state["action"]),
        seen=str(state["seen"]),
        note=note,
    )
    return ConversationHandler.END


async def ticket_typed(update: Update, context: BotContext) -> str | int:
    state = _pending(context)
    if state is None:
        return ConversationHandler.END
    lang = lang_of(context, update)
    lines = parse_ticket_lines(typed_text(update))
    total = int(state["total"])
    if isinstance(lines, str):
        await say(update, context, t(f"orders.ticket_{lines}", lang, total=total))
        return TICKET
    counted = sum(line.quantity for line in lines)
    probe = Ticket(total, utcnow().date(), lines)
    problem = lifecycle.ticket_problem(probe)
    if problem is not None:
        await say(
            update, context, t(f"orders.ticket_{problem}", lang, total=total, counted=counted)
        )
        return TICKET
    state["lines"] = [[line.colourway, line.size, line.quantity] for line in lines]
    await say(update, context, t("orders.ask_delivery", lang, counted=counted))
    return TICKET_DATE


async def _typed_date(update: Update, context: BotContext) -> date | None:
    """The date typed for a delivery; None, with the reason said, for one that cannot be."""
    lang = lang_of(context, update)
    day = parsing.parse_deadline(
        typed_text(update), lang, today=utcnow().date(), max_weeks=MAX_DELIVERY_WEEKS
    )
    if isinstance(day, parsing.ParseError):
        code = day.code if day.code in ("in_the_past", "too_far") else "unreadable"
        await say(update, context, t(f"orders.date_{code}", lang))
        return None
    return day


async def ticket_date_typed(update: Update, context: BotContext) -> str | int:
    state = _pending(context)
    if state is None or "lines" not in state:
        return ConversationHandler.END
    delivery = await _typed_date(update, context)
    if delivery is None:
        return TICKET_DATE
    lines = tuple(lifecycle.TicketLine(c, s, int(q)) for c, s, q in state["lines"])
    ticket = Ticket(int(state["total"]), delivery, lines)
    _data(context).pop(_KEY, None)
    await _advance(
        update,
        context,
        int(state["order_id"]),
        Action.PROPOSE_TICKET,
        seen=str(state["seen"]),
        ticket=ticket,
    )
    return ConversationHandler.END


async def new_date_pressed(update: Update, context: BotContext, button: NewDate) -> str | int:
    query, lang, session, user = await press_of(update, context)
    found = await orders.parties(session, button.id)
    if found is None or found.side_of(user) is not lifecycle.Side.ATELIER:
        await refuse(update, context, "orders.error_not_your_side")
        return ConversationHandler.END
    if found.order.state not in orders.NEW_DATE_STATES:
        await refuse(update, context, "orders.error_not_now")
        return ConversationHandler.END
    await query.answer()
    _data(context)[_KEY] = {"order_id": button.id, "action": "new_date"}
    await say(update, context, t("orders.ask_new_date", lang))
    return NEW_DATE


async def new_date_typed(update: Update, context: BotContext) -> str | int:
    state = _pending(context)
    if state is None:
        return ConversationHandler.END
    day = await _typed_date(update, context)
    if day is None:
        return NEW_DATE
    lang = lang_of(context, update)
    user = await context.uow.user()
    try:
        found = await orders.new_date(
            context.uow.session, order_id=int(state["order_id"]), user=user, day=day
        )
    except OrderError as exc:
        await context.uow.discard()
        _data(context).pop(_KEY, None)
        await refuse(update, context, f"orders.error_{exc.code}")
        return ConversationHandler.END
    _data(context).pop(_KEY, None)
    context.uow.deliveries_added()
    message = order_message(found, user, lang)
    await say(
        update, context, t("orders.new_date_saved", lang) + "\n\n" + message.text, message.buttons
    )
    return ConversationHandler.END


async def not_text(update: Update, context: BotContext) -> None:
    await say(update, context, t("orders.text_only", lang_of(context, update)))


async def cancel(update: Update, context: BotContext) -> int:
    _data(context).pop(_KEY, None)
    await say(update, context, t("orders.input_cancelled", lang_of(context, update)))
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    _data(context).pop(_KEY, None)


def build_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    flow = conversation(
        "order",
        entry_points=[on_button(OrderPress, pressed), on_button(NewDate, new_date_pressed)],
        states={
            NOTE: typed_step(note_typed, not_text),
            TICKET: typed_step(ticket_typed, not_text),
            TICKET_DATE: typed_step(ticket_date_typed, not_text),
            NEW_DATE: typed_step(new_date_typed, not_text),
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        timeout=TIMEOUT_SECONDS,
        on_timeout=timed_out,
    )
    return [flow, CommandHandler("orders", list_orders)]
