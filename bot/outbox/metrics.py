"""What the outbox counts, as Prometheus metrics in the default registry (served on /metrics by
the application's HTTP port).

Counters are per process and by delivery kind; the backlog gauges describe the shared outbox (any
process's sweep refreshes them, so every process reports about the same figures).
"""

from __future__ import annotations

from datetime import datetime

from prometheus_client import Counter, Gauge
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.base import utcnow
from bot.db.models import Delivery, DeliveryState

SENT = Counter("bottega_deliveries_sent", "Deliveries sent.", ["kind"])
FAILED = Counter(
    "bottega_deliveries_failed",
    "Deliveries given up on (rejected by Telegram, unreadable, or out of attempts).",
    ["kind"],
)
RETRIED = Counter(
    "bottega_deliveries_retried",
    "Deliveries given back to be sent later (transient error, flood control, pacing, stopping).",
    ["kind"],
)
DROPPED = Counter(
    "bottega_deliveries_dropped",
    "Deliveries cancelled at send time (recipient gone, blocked or opted out; nothing to say).",
    ["kind"],
)
TOO_MANY_REQUESTS = Counter(
    "bottega_telegram_429",
    "429 Too Many Requests answers from the Bot API (each one waited for and retried).",
)
BACKLOG = Gauge(
    "bottega_outbox_backlog",
    "Deliveries due now and not yet sent (pending or claimed), as of the last sweep.",
)
OLDEST_DUE_AGE = Gauge(
    "bottega_outbox_oldest_due_age_seconds",
    "How long the oldest delivery due and not yet sent has been due, as of the last sweep.",
)


async def refresh_backlog(
    session_factory: async_sessionmaker[AsyncSession], now: datetime | None = None
) -> tuple[int, float]:
    """Count what is due and unsent (one indexed query) and set the gauges; returns both."""
    now = now or utcnow()
    async with session_factory() as session:
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(Delivery.due_at)).where(
                    Delivery.state.in_([DeliveryState.PENDING, DeliveryState.CLAIMED]),
                    Delivery.due_at <= now,
                )
            )
        ).one()
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    BACKLOG.set(int(count))
    OLDEST_DUE_AGE.set(age)
    return int(count), age
