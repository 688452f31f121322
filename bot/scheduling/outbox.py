"""Sweeping the outbox: claim due rows atomically, send them, record the outcome.

Claiming is one UPDATE … RETURNING over a sub-select of due rows: on PostgreSQL the sub-select
takes `FOR UPDATE SKIP LOCKED`, so several processes sweep without waiting on or double-claiming
each other; SQLite serialises writers, and the `state` guard in the UPDATE does the rest. A claimed
row carries a lease: if its process dies, the row is claimed again once the lease has expired.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.db.base import utcnow
from bot.db.models import Delivery, DeliveryState, User
from bot.scheduling.render import Outgoing, renderer_for
from bot.services import users

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=2)
BACKOFF_BASE = timedelta(seconds=30)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


@dataclass(slots=True)
class SweepReport:
    claimed: int = 0
    sent: int = 0
    dropped: int = 0
    retried: int = 0
    failed: int = 0


async def claim_due(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    now: datetime | None = None,
    limit: int = 100,
    worker: str = WORKER_ID,
) -> list[int]:
    """Atomically take up to `limit` due deliveries (or ones whose lease expired)."""
    now = now or utcnow()
    due = or_(
        and_(Delivery.state == DeliveryState.PENDING, Delivery.due_at <= now),
        and_(Delivery.state == DeliveryState.CLAIMED, Delivery.lease_until < now),
    )
    async with session_factory() as session:
        candidates = (
            select(Delivery.id).where(due).order_by(Delivery.due_at, Delivery.id).limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        statement = (
            update(Delivery)
            .where(Delivery.id.in_(candidates.scalar_subquery()), due)
            .values(
                state=DeliveryState.CLAIMED,
                lease_until=now + LEASE,
                claimed_by=worker,
                attempts=Delivery.attempts + 1,
            )
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
        ids = list((await session.scalars(statement)).all())
        await session.commit()
    return sorted(ids)


def _markup(outgoing: Outgoing) -> InlineKeyboardMarkup | None:
    if not outgoing.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label[:64], callback_data=data) for label, data in row]
            for row in outgoing.buttons
        ]
    )


async def send_outgoing(bot: Bot, chat_id: int, outgoing: Outgoing) -> None:
    """The one way a rendered message leaves the process (through the bot's rate limiter)."""
    if outgoing.photo is not None:
        await bot.send_photo(
            chat_id,
            outgoing.photo,
            caption=outgoing.text[:1024] or None,
            reply_markup=_markup(outgoing),
        )
    else:
        await bot.send_message(chat_id, outgoing.text[:4096], reply_markup=_markup(outgoing))
    for follower in outgoing.followers:
        await send_outgoing(bot, chat_id, follower)


async def _finish(
    session_factory: async_sessionmaker[AsyncSession], delivery_id: int, **values: object
) -> None:
    async with session_factory() as session:
        await session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.CLAIMED)
            .values(**values)
        )
        await session.commit()


async def deliver_one(
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    delivery_id: int,
    report: SweepReport,
) -> None:
    async with session_factory() as session:
        delivery = await session.get(Delivery, delivery_id)
        if delivery is None or delivery.state != DeliveryState.CLAIMED:
            return
        recipient = (
            await session.get(User, delivery.recipient_id) if delivery.recipient_id else None
        )
        if (
            recipient is None
            or recipient.deleted
            or recipient.telegram_id is None
            or not recipient.reachable
        ):
            delivery.state = DeliveryState.CANCELLED
            delivery.last_error = "recipient gone or unreachable"
            await session.commit()
            report.dropped += 1
            return
        render = renderer_for(delivery.kind)
        if render is None:
            delivery.state = DeliveryState.FAILED
            delivery.last_error = f"no renderer for kind {delivery.kind!r}"
            await session.commit()
            report.failed += 1
            return
        outgoing = await render(session, delivery, recipient)
        chat_id = recipient.telegram_id
        attempts = delivery.attempts
        if outgoing is None:
            delivery.state = DeliveryState.CANCELLED
            delivery.last_error = "nothing to say any more"
            await session.commit()
            report.dropped += 1
            return
        await session.commit()

    try:
        await send_outgoing(bot, chat_id, outgoing)
    except Forbidden as exc:
        async with session_factory() as session:
            await users.mark_unreachable(session, chat_id)
        await _finish(
            session_factory,
            delivery_id,
            state=DeliveryState.CANCELLED,
            last_error=f"forbidden: {exc}",
        )
        report.dropped += 1
        return
    except RetryAfter as exc:
        wait = (
            exc.retry_after
            if isinstance(exc.retry_after, timedelta)
            else timedelta(seconds=float(exc.retry_after))
        )
        await _finish(
            session_factory,
            delivery_id,
            state=DeliveryState.PENDING,
            due_at=utcnow() + wait,
            attempts=max(0, attempts - 1),
            lease_until=None,
            last_error="rate limited",
        )
        report.retried += 1
        return
    except (BadRequest, TelegramError) as exc:
        permanent = isinstance(exc, BadRequest) or attempts >= MAX_ATTEMPTS
        if permanent:
            await _finish(
                session_factory, delivery_id, state=DeliveryState.FAILED, last_error=str(exc)[:500]
            )
            report.failed += 1
        else:
            await _finish(
                session_factory,
                delivery_id,
                state=DeliveryState.PENDING,
                due_at=utcnow() + BACKOFF_BASE * (2 ** (attempts - 1)),
                lease_until=None,
                last_error=str(exc)[:500],
            )
            report.retried += 1
        return
    await _finish(
        session_factory, delivery_id, state=DeliveryState.SENT, sent_at=utcnow(), lease_until=None
    )
    report.sent += 1


async def sweep(
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    *,
    batch: int = 100,
    concurrency: int = 20,
    now: datetime | None = None,
) -> SweepReport:
    """Deliver everything due now; returns what happened."""
    report = SweepReport()
    gate = asyncio.Semaphore(concurrency)

    async def guarded(delivery_id: int) -> None:
        async with gate:
            try:
                await deliver_one(bot, session_factory, delivery_id, report)
            except Exception:
                log.exception("delivery %s failed unexpectedly", delivery_id)

    while True:
        ids = await claim_due(session_factory, now=now, limit=batch)
        if not ids:
            return report
        report.claimed += len(ids)
        await asyncio.gather(*(guarded(i) for i in ids))
