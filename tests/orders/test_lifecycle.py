"""The order lifecycle: the right side, from the right state, or nothing changes; no sequence of
presses, forged or not, reaches an order that breaks the rules."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.orders.lifecycle import (
    Action,
    OrderFacts,
    OrderState,
    Refusal,
    Side,
    Ticket,
    TicketLine,
    actions_for,
    apply,
    check,
    ticket_problem,
)

TODAY = date(2027, 1, 10)
GOOD = Ticket(
    total=80,
    delivery=date(2027, 3, 1),
    lines=(
        TicketLine("navy", "S", 20),
        TicketLine("navy", "M", 20),
        TicketLine("ecru", "S", 20),
        TicketLine("ecru", "M", 20),
    ),
)


def _run(*presses: tuple[Side | None, Action]) -> OrderFacts:
    order = OrderFacts()
    for side, action in presses:
        result = apply(order, side, action, ticket=GOOD, reason="r", today=TODAY)
        assert not isinstance(result, Refusal), (side, action, result)
        order = result
    return order


def test_the_whole_way_with_a_second_sample_round() -> None:
    order = _run(
        (Side.ATELIER, Action.SEND_SAMPLE),
        (Side.DESIGNER, Action.REQUEST_CHANGES),
        (Side.ATELIER, Action.SEND_SAMPLE),
        (Side.DESIGNER, Action.APPROVE_SAMPLE),
        (Side.ATELIER, Action.PROPOSE_TICKET),
        (Side.DESIGNER, Action.CONFIRM_TICKET),
        (Side.ATELIER, Action.START_PRODUCTION),
        (Side.ATELIER, Action.SHIP),
        (Side.DESIGNER, Action.CONFIRM_DELIVERY),
    )
    assert order.state is OrderState.DELIVERED
    assert order.sample_round == 2
    assert order.confirmed_by == frozenset(Side)


def test_only_the_right_side_and_only_from_the_right_state() -> None:
    start = OrderFacts()
    assert apply(start, Side.DESIGNER, Action.SEND_SAMPLE) is Refusal.NOT_YOUR_SIDE
    assert apply(start, None, Action.CANCEL, reason="x") is Refusal.NOT_YOUR_SIDE
    assert apply(start, Side.DESIGNER, Action.APPROVE_SAMPLE) is Refusal.NOT_NOW
    assert apply(start, Side.ATELIER, Action.SHIP) is Refusal.NOT_NOW
    assert apply(start, Side.ATELIER, Action.CANCEL, reason="  ") is Refusal.NEED_REASON
    shipped = _run(
        (Side.ATELIER, Action.SEND_SAMPLE),
        (Side.DESIGNER, Action.APPROVE_SAMPLE),
        (Side.DESIGNER, Action.PROPOSE_TICKET),
        (Side.ATELIER, Action.CONFIRM_TICKET),
        (Side.ATELIER, Action.START_PRODUCTION),
        (Side.ATELIER, Action.SHIP),
    )
    assert apply(shipped, Side.DESIGNER, Action.CANCEL, reason="late") is Refusal.NOT_NOW


def test_a_ticket_needs_both_sides_and_sizes_that_add_up() -> None:
    approved = _run((Side.ATELIER, Action.SEND_SAMPLE), (Side.DESIGNER, Action.APPROVE_SAMPLE))
    assert apply(approved, Side.ATELIER, Action.CONFIRM_TICKET) is Refusal.NO_TICKET
    short = Ticket(80, date(2027, 3, 1), (TicketLine("navy", "S", 20), TicketLine("navy", "M", 50)))
    assert ticket_problem(short) == "sum"
    assert apply(approved, Side.ATELIER, Action.PROPOSE_TICKET, ticket=short) is Refusal.BAD_TICKET
    proposed = apply(approved, Side.ATELIER, Action.PROPOSE_TICKET, ticket=GOOD, today=TODAY)
    assert isinstance(proposed, OrderFacts) and proposed.state is OrderState.SAMPLE_APPROVED
    assert apply(proposed, Side.ATELIER, Action.CONFIRM_TICKET) is Refusal.ALREADY_CONFIRMED
    confirmed = apply(proposed, Side.DESIGNER, Action.CONFIRM_TICKET)
    assert isinstance(confirmed, OrderFacts)
    assert confirmed.state is OrderState.PRODUCTION_CONFIRMED
    # A counter-proposal resets the other side's confirmation.
    countered = apply(proposed, Side.DESIGNER, Action.PROPOSE_TICKET, ticket=GOOD, today=TODAY)
    assert isinstance(countered, OrderFacts) and countered.confirmed_by == {Side.DESIGNER}
    past = Ticket(80, date(2027, 1, 1), GOOD.lines)
    assert ticket_problem(past, TODAY) == "past"
    dup = Ticket(40, GOOD.delivery, (TicketLine("navy", "S", 20), TicketLine("Navy", "s", 20)))
    assert ticket_problem(dup) == "duplicate"


def test_the_buttons_shown_are_exactly_the_presses_that_would_work() -> None:
    order = OrderFacts()
    for side in Side:
        for action in Action:
            works = not isinstance(
                apply(order, side, action, ticket=GOOD, reason="r", today=TODAY), Refusal
            )
            assert works == (action in actions_for(order, side)), (side, action)


tickets = st.builds(
    Ticket,
    total=st.integers(-5, 100),
    delivery=st.dates(date(2026, 12, 1), date(2027, 6, 1)),
    lines=st.lists(
        st.builds(
            TicketLine,
            colourway=st.sampled_from(["navy", "ecru", "Navy"]),
            size=st.sampled_from(["S", "M", "s"]),
            quantity=st.integers(-3, 60),
        ),
        max_size=5,
    ).map(tuple),
)
presses = st.tuples(
    st.sampled_from([Side.DESIGNER, Side.ATELIER, None]),
    st.sampled_from(list(Action)),
    st.one_of(st.none(), tickets, st.just(GOOD)),
    st.sampled_from([None, "", "  ", "too slow"]),
)


@settings(max_examples=400)
@given(st.lists(presses, max_size=40))
def test_no_sequence_of_presses_reaches_an_invalid_order(
    sequence: list[tuple[Side | None, Action, Ticket | None, str | None]],
) -> None:
    order = OrderFacts()
    for side, action, ticket, reason in sequence:
        result = apply(order, side, action, ticket=ticket, reason=reason, today=TODAY)
        if isinstance(result, Refusal):
            continue  # a refused press is a no-op: the caller keeps `order`
        if order.state in {OrderState.DELIVERED, OrderState.CANCELLED}:
            raise AssertionError(f"{action} moved a finished order")
        if side is not None:
            assert action in actions_for(order, side)
        order = result
        assert check(order) == [], (order, action)
