"""An atelier's measured reliability, computed each time from the events themselves: the
introduction requests it was sent and when it answered, the quotes it sent, and its orders' log
(samples and deliveries against the days it promised). Nothing is stored as a counter, so the
figures cannot drift from the facts.

- response rate: requests answered (accepted or declined) of those that were answered or expired;
  median response time over the answered ones;
- quote rate: accepted introductions with at least one quote, of all accepted ones;
- samples on time: each sample sent by its promised day (the quote's turnaround from the order,
  or from the change request that opened the round), or by the new day the atelier named;
- deliveries on time: the designer confirmed delivery by the cutting ticket's delivery date;
- orders completed: delivered.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import IntroRequest, IntroState, Order, OrderEvent, Quote
from bot.i18n import t


@dataclass(frozen=True, slots=True)
class Reliability:
    answered: int = 0
    asked: int = 0  # answered + expired
    median_response: timedelta | None = None
    quoted: int = 0
    accepted: int = 0
    samples_on_time: int = 0
    samples: int = 0
    deliveries_on_time: int = 0
    deliveries: int = 0
    completed: int = 0

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None

    @property
    def quote_rate(self) -> float | None:
        return self.quoted / self.accepted if self.accepted else None

    @property
    def on_time(self) -> tuple[int, int]:
        """Promises kept of promises made (samples and deliveries together)."""
        return (
            self.samples_on_time + self.deliveries_on_time,
            self.samples + self.deliveries,
        )

    def score(self) -> float | None:
        """0..1 for ranking: on-time promises and answering weigh most; None with no record."""
        parts: list[tuple[float, float]] = []
        kept, made = self.on_time
        if made:
            parts.append((2.0, kept / made))
        if self.response_rate is not None:
            parts.append((1.0, self.response_rate))
        if self.quote_rate is not None:
            parts.append((1.0, self.quote_rate))
        if not parts:
            return None
        return sum(w * v for w, v in parts) / sum(w for w, _ in parts)

    def reasons(self, lang: str) -> list[str]:
        """ "answers in 3 days · 9 of 10 on time", in the reader's language."""
        found: list[str] = []
        if self.median_response is not None:
            hours = self.median_response.total_seconds() / 3600
            if hours < 48:  # "36 h" rather than "1 days"
                found.append(t("reliability.answers_hours", lang, hours=max(1, round(hours))))
            else:
                found.append(t("reliability.answers_days", lang, days=round(hours / 24)))
        kept, made = self.on_time
        if made:
            found.append(t("reliability.on_time", lang, kept=kept, made=made))
        if self.completed:
            found.append(t("reliability.completed", lang, count=self.completed))
        return found


def for_matching(
    reliability: Reliability,
) -> tuple[float | None, float | None, tuple[int, int]]:
    """What the matcher takes: the score, the median hours to answer, promises kept of made."""
    hours = (
        reliability.median_response.total_seconds() / 3600
        if reliability.median_response is not None
        else None
    )
    return reliability.score(), hours, reliability.on_time


async def touch(session: AsyncSession, atelier_id: int) -> None:
    """An event changed the atelier's record: log it in the registry's change log (an UPDATE
    that changes no value fires the log's triggers), so every match index reloads it."""
    from sqlalchemy import update

    from bot.db.models import Atelier

    await session.execute(
        update(Atelier)
        .where(Atelier.id == atelier_id)
        .values(updated_at=Atelier.updated_at)
        .execution_options(synchronize_session=False)
    )


def _day(moment: datetime) -> date:
    return moment.date()


async def figures(
    session: AsyncSession, atelier_ids: Collection[int] | None
) -> dict[int, Reliability]:
    """Reliability of each atelier in `atelier_ids` (ateliers with no record get the empty one);
    with None, of every atelier that has a record (and only those)."""
    ids = None if atelier_ids is None else list(atelier_ids)
    if ids is not None and not ids:
        return {}

    def among(column: Any) -> Any:
        return true() if ids is None else column.in_(ids)

    answered: dict[int, list[timedelta]] = defaultdict(list)
    expired: dict[int, int] = defaultdict(int)
    accepted_intros: dict[int, set[int]] = defaultdict(set)
    for intro in (
        await session.scalars(
            select(IntroRequest).where(
                among(IntroRequest.atelier_id), IntroRequest.initiated_by == "designer"
            )
        )
    ).all():
        if intro.state in (IntroState.ACCEPTED, IntroState.DECLINED) and intro.answered_at:
            answered[intro.atelier_id].append(intro.answered_at - intro.requested_at)
        elif intro.state == IntroState.EXPIRED:
            expired[intro.atelier_id] += 1
        if intro.state == IntroState.ACCEPTED:
            accepted_intros[intro.atelier_id].add(intro.id)
    quoted: dict[int, set[int]] = defaultdict(set)
    sample_days: dict[int, int] = {}
    for quote in (await session.scalars(select(Quote).where(among(Quote.atelier_id)))).all():
        quoted[quote.atelier_id].add(quote.intro_id)
        sample_days[quote.id] = quote.sample_days
    orders = list((await session.scalars(select(Order).where(among(Order.atelier_id)))).all())
    events: dict[int, list[OrderEvent]] = defaultdict(list)
    if orders:
        for event in (
            await session.scalars(
                select(OrderEvent)
                .where(OrderEvent.order_id.in_([o.id for o in orders]))
                .order_by(OrderEvent.created_at, OrderEvent.id)
            )
        ).all():
            events[event.order_id].append(event)
    samples: dict[int, list[bool]] = defaultdict(list)
    deliveries: dict[int, list[bool]] = defaultdict(list)
    completed: dict[int, int] = defaultdict(int)
    for order in orders:
        turnaround = timedelta(days=sample_days.get(order.quote_id, 0))
        due: date | None = None
        promised_delivery: date | None = None
        for event in events[order.id]:
            if event.action in ("accept_quote", "request_changes"):
                due = _day(event.created_at) + turnaround
            elif event.action == "new_sample_date" and event.note:
                due = date.fromisoformat(event.note)
            elif event.action == "send_sample" and due is not None:
                samples[order.atelier_id].append(_day(event.created_at) <= due)
                due = None
            elif event.action == "confirm_ticket" and event.to_state == "production_confirmed":
                ticket = order.ticket or {}
                delivery = ticket.get("delivery")
                promised_delivery = date.fromisoformat(delivery) if delivery else None
            elif event.action == "confirm_delivery":
                completed[order.atelier_id] += 1
                if promised_delivery is not None:
                    deliveries[order.atelier_id].append(_day(event.created_at) <= promised_delivery)
    found: dict[int, Reliability] = {}
    known = set(answered) | set(expired) | set(accepted_intros) | {o.atelier_id for o in orders}
    for atelier_id in ids if ids is not None else sorted(known):
        times = answered[atelier_id]
        accepted = accepted_intros[atelier_id]
        found[atelier_id] = Reliability(
            answered=len(times),
            asked=len(times) + expired[atelier_id],
            median_response=(
                timedelta(seconds=statistics.median(d.total_seconds() for d in times))
                if times
                else None
            ),
            quoted=len(accepted & quoted[atelier_id]),
            accepted=len(accepted),
            samples_on_time=sum(samples[atelier_id]),
            samples=len(samples[atelier_id]),
            deliveries_on_time=sum(deliveries[atelier_id]),
            deliveries=len(deliveries[atelier_id]),
            completed=completed[atelier_id],
        )
    return found
