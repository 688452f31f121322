"""The order lifecycle as a pure state machine: which side may do what, from which state.

    sampling ─(atelier: sample sent)→ sample_sent ─(designer: approve)→ sample_approved
       ↑                                   │
       └──(atelier: sample sent)── changes_requested ←(designer: changes, notes: a new round)┘

    sample_approved: either side proposes the cutting ticket (quantities per colourway × size
    that sum to the total, and a delivery date); the proposer has confirmed it, the other side
    confirms with a button → production_confirmed ─(atelier)→ in_production ─(atelier)→
    shipped ─(designer: received)→ delivered.

Either side may cancel, with a reason, before the goods are shipped. A press by the wrong side,
from the wrong state, or with a ticket that does not add up is refused with a code and changes
nothing; `check()` states what every reachable order satisfies (the property tests drive random
presses at it). Nothing here touches the database or Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Final


class OrderState(StrEnum):
    SAMPLING = "sampling"
    SAMPLE_SENT = "sample_sent"
    CHANGES_REQUESTED = "changes_requested"
    SAMPLE_APPROVED = "sample_approved"
    PRODUCTION_CONFIRMED = "production_confirmed"
    IN_PRODUCTION = "in_production"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Side(StrEnum):
    DESIGNER = "designer"
    ATELIER = "atelier"


class Action(StrEnum):
    SEND_SAMPLE = "send_sample"
    APPROVE_SAMPLE = "approve_sample"
    REQUEST_CHANGES = "request_changes"
    PROPOSE_TICKET = "propose_ticket"
    CONFIRM_TICKET = "confirm_ticket"
    START_PRODUCTION = "start_production"
    SHIP = "ship"
    CONFIRM_DELIVERY = "confirm_delivery"
    CANCEL = "cancel"


TERMINAL: Final = frozenset({OrderState.DELIVERED, OrderState.CANCELLED})
# Cancelling stops here: once the goods travel, the order ends with their arrival.
CANCELLABLE: Final = frozenset(OrderState) - TERMINAL - {OrderState.SHIPPED}
MAX_TICKET_LINES: Final = 60
MAX_REASON: Final = 500

# (action) -> (who may, from which states, to which state; None = stays, decided below)
_RULES: Final[dict[Action, tuple[frozenset[Side], frozenset[OrderState], OrderState | None]]] = {
    Action.SEND_SAMPLE: (
        frozenset({Side.ATELIER}),
        frozenset({OrderState.SAMPLING, OrderState.CHANGES_REQUESTED}),
        OrderState.SAMPLE_SENT,
    ),
    Action.APPROVE_SAMPLE: (
        frozenset({Side.DESIGNER}),
        frozenset({OrderState.SAMPLE_SENT}),
        OrderState.SAMPLE_APPROVED,
    ),
    Action.REQUEST_CHANGES: (
        frozenset({Side.DESIGNER}),
        frozenset({OrderState.SAMPLE_SENT}),
        OrderState.CHANGES_REQUESTED,
    ),
    Action.PROPOSE_TICKET: (
        frozenset(Side),
        frozenset({OrderState.SAMPLE_APPROVED}),
        None,
    ),
    Action.CONFIRM_TICKET: (
        frozenset(Side),
        frozenset({OrderState.SAMPLE_APPROVED}),
        None,
    ),
    Action.START_PRODUCTION: (
        frozenset({Side.ATELIER}),
        frozenset({OrderState.PRODUCTION_CONFIRMED}),
        OrderState.IN_PRODUCTION,
    ),
    Action.SHIP: (
        frozenset({Side.ATELIER}),
        frozenset({OrderState.IN_PRODUCTION}),
        OrderState.SHIPPED,
    ),
    Action.CONFIRM_DELIVERY: (
        frozenset({Side.DESIGNER}),
        frozenset({OrderState.SHIPPED}),
        OrderState.DELIVERED,
    ),
    Action.CANCEL: (frozenset(Side), CANCELLABLE, OrderState.CANCELLED),
}


@dataclass(frozen=True, slots=True)
class TicketLine:
    colourway: str
    size: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Ticket:
    """The cutting ticket: how many of each colourway in each size, and when they arrive."""

    total: int
    delivery: date
    lines: tuple[TicketLine, ...]

    @property
    def counted(self) -> int:
        return sum(line.quantity for line in self.lines)


class Refusal(StrEnum):
    """Why a press changed nothing; each value picks the polite message."""

    NOT_YOUR_SIDE = "not_your_side"
    NOT_NOW = "not_now"
    NO_TICKET = "no_ticket"
    BAD_TICKET = "bad_ticket"
    ALREADY_CONFIRMED = "already_confirmed"
    NEED_REASON = "need_reason"


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What the state machine knows of an order."""

    state: OrderState = OrderState.SAMPLING
    sample_round: int = 1
    ticket: Ticket | None = None
    confirmed_by: frozenset[Side] = frozenset()
    cancelled_by: Side | None = None


def ticket_problem(ticket: Ticket, today: date | None = None) -> str | None:
    """Why a ticket cannot be proposed: `sum` (sizes do not add up to the total), `empty`,
    `quantity` (a line of zero or less), `duplicate` (a colourway and size twice), `past`."""
    if not ticket.lines or len(ticket.lines) > MAX_TICKET_LINES or ticket.total < 1:
        return "empty"
    if any(line.quantity < 1 for line in ticket.lines):
        return "quantity"
    keys = [(line.colourway.casefold(), line.size.casefold()) for line in ticket.lines]
    if len(set(keys)) != len(keys):
        return "duplicate"
    if ticket.counted != ticket.total:
        return "sum"
    if today is not None and ticket.delivery < today:
        return "past"
    return None


def apply(
    order: OrderFacts,
    side: Side | None,
    action: Action,
    *,
    ticket: Ticket | None = None,
    reason: str | None = None,
    today: date | None = None,
) -> OrderFacts | Refusal:
    """The order after `side` presses `action`, or why the press changes nothing.

    `side` is None for someone who is neither the designer nor the atelier of this order."""
    allowed, sources, target = _RULES[action]
    if side is None or side not in allowed:
        return Refusal.NOT_YOUR_SIDE
    if order.state not in sources:
        return Refusal.NOT_NOW
    if action is Action.PROPOSE_TICKET:
        if ticket is None or ticket_problem(ticket, today) is not None:
            return Refusal.BAD_TICKET
        return replace(order, ticket=ticket, confirmed_by=frozenset({side}))
    if action is Action.CONFIRM_TICKET:
        if order.ticket is None:
            return Refusal.NO_TICKET
        if side in order.confirmed_by:
            return Refusal.ALREADY_CONFIRMED
        confirmed = order.confirmed_by | {side}
        state = OrderState.PRODUCTION_CONFIRMED if confirmed == frozenset(Side) else order.state
        return replace(order, confirmed_by=confirmed, state=state)
    if action is Action.CANCEL:
        if not (reason or "").strip():
            return Refusal.NEED_REASON
        return replace(order, state=OrderState.CANCELLED, cancelled_by=side)
    assert target is not None
    if action is Action.REQUEST_CHANGES:
        return replace(order, state=target, sample_round=order.sample_round + 1)
    return replace(order, state=target)


def actions_for(order: OrderFacts, side: Side) -> list[Action]:
    """What `side` may press now (the buttons it is shown)."""
    found = []
    for action, (allowed, sources, _target) in _RULES.items():
        if side not in allowed or order.state not in sources:
            continue
        if action is Action.CONFIRM_TICKET and (order.ticket is None or side in order.confirmed_by):
            continue
        found.append(action)
    return found


_AFTER_TICKET: Final = frozenset(
    {
        OrderState.PRODUCTION_CONFIRMED,
        OrderState.IN_PRODUCTION,
        OrderState.SHIPPED,
        OrderState.DELIVERED,
    }
)


def check(order: OrderFacts) -> list[str]:
    """Everything wrong with an order (empty for every order `apply` can reach)."""
    problems: list[str] = []
    if order.sample_round < 1:
        problems.append("sample round below 1")
    if not order.confirmed_by <= frozenset(Side):
        problems.append("confirmed by someone who is no side")
    if order.confirmed_by and order.ticket is None:
        problems.append("a confirmation without a ticket")
    if order.state in _AFTER_TICKET:
        if order.ticket is None or ticket_problem(order.ticket) is not None:
            problems.append(f"{order.state} without a valid ticket")
        if order.confirmed_by != frozenset(Side):
            problems.append(f"{order.state} without both confirmations")
    elif order.state is not OrderState.CANCELLED and order.confirmed_by == frozenset(Side):
        problems.append("both confirmed but production not confirmed")
    if order.state in _SAMPLING_STATES and order.ticket is not None:
        problems.append("a ticket before the sample was approved")
    if (order.state is OrderState.CANCELLED) != (order.cancelled_by is not None):
        problems.append("cancelled without who, or who without cancelled")
    return problems


_SAMPLING_STATES: Final = frozenset(
    {OrderState.SAMPLING, OrderState.SAMPLE_SENT, OrderState.CHANGES_REQUESTED}
)
