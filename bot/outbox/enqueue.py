"""Enqueueing: use cases schedule and cancel `Delivery` rows as facts change, in their own
transaction.

The sweeper (`bot.outbox.sweeper`, run by the clock in `bot.scheduling.jobs`) claims due rows,
renders them in the recipient's language and sends them. Nothing here knows Telegram.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import utcnow
from bot.db.models import Delivery, DeliveryState
from bot.outbox.payloads import Payload


async def schedule(
    session: AsyncSession,
    payload: Payload,
    *,
    recipient_id: int,
    due_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Add a pending delivery of `payload` (its type says the kind); with a `dedupe_key` the same
    fact is never scheduled twice.

    Returns whether a new row was added.
    """
    values = {
        "kind": payload.kind,
        "recipient_id": recipient_id,
        "payload": payload.encode(),
        "due_at": due_at or utcnow(),
        "dedupe_key": dedupe_key,
        "state": DeliveryState.PENDING,
        "attempts": 0,
        "created_at": utcnow(),
    }
    if dedupe_key is None:
        session.add(Delivery(**values))
        return True
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Delivery).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))


async def cancel(session: AsyncSession, *, dedupe_key: str, reason: str) -> int:
    """Cancel a pending delivery scheduled under `dedupe_key` (the fact it was for changed)."""
    result = await session.execute(
        update(Delivery)
        .where(Delivery.dedupe_key == dedupe_key, Delivery.state == DeliveryState.PENDING)
        .values(state=DeliveryState.CANCELLED, last_error=reason)
    )
    return int(getattr(result, "rowcount", 0))


async def cancel_matching(session: AsyncSession, *, key_prefix: str, reason: str) -> int:
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.dedupe_key.startswith(key_prefix, autoescape=True),
            Delivery.state == DeliveryState.PENDING,
        )
        .values(state=DeliveryState.CANCELLED, last_error=reason)
    )
    return int(getattr(result, "rowcount", 0))


async def cancel_for_recipient(session: AsyncSession, recipient_id: int, *, reason: str) -> int:
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.recipient_id == recipient_id,
            Delivery.state.in_([DeliveryState.PENDING, DeliveryState.CLAIMED]),
        )
        .values(state=DeliveryState.CANCELLED, last_error=reason)
    )
    return int(getattr(result, "rowcount", 0))


async def pending_for(session: AsyncSession, recipient_id: int) -> list[Delivery]:
    rows = await session.scalars(
        select(Delivery)
        .where(Delivery.recipient_id == recipient_id, Delivery.state == DeliveryState.PENDING)
        .order_by(Delivery.due_at)
    )
    return list(rows.all())
