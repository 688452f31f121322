"""The buttons of an order: one per step the presser's side may take now, each carrying the
state it was shown in (a button from an older state is stale), and "New date" for a late one."""

from __future__ import annotations

from bot.core.callbacks import ButtonData, OnRecord, choice, number
from bot.orders.lifecycle import Action, OrderState


class OrderPress(ButtonData, prefix="o:do"):
    order_id: int = number(1)
    action: str = choice(*(a.value for a in Action))
    seen: str = choice(*(s.value for s in OrderState))


class NewDate(OnRecord, prefix="o:date"):
    """A new delivery date for a late order (by its id)."""
