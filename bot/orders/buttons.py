"""The buttons of an order: one per step the presser's side may take now, each carrying the
state it was shown in (a button from an older state is stale), and "New date" for a late one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import ButtonData, choice, number
from bot.orders.lifecycle import Action, OrderState


@dataclass(frozen=True)
class OrderPress(ButtonData):
    PREFIX = "o:do"
    order_id: int = number(1)
    action: str = choice(*(a.value for a in Action))
    seen: str = choice(*(s.value for s in OrderState))


@dataclass(frozen=True)
class NewDate(ButtonData):
    PREFIX = "o:date"
    order_id: int = number(1)
