"""Sweeping the outbox: claim due rows atomically, render, send within Telegram's limits, record.

Claiming is one UPDATE … RETURNING over a sub-select of due rows: on PostgreSQL the sub-select
takes `FOR UPDATE SKIP LOCKED`, so several processes sweep without waiting on or double-claiming
each other; SQLite serialises writers, and the `state` guard in the UPDATE does the rest. A claimed
row carries a lease and its claimer's id: if the process dies, the row is claimed again once the
lease has expired, and a late answer from the old claimer can no longer change it.

A sweep is a small pipeline so the sending rate, not the database, sets the pace: a producer
claims and renders batches, a pool of senders sends them (the bot's AIORateLimiter keeps the
overall rate, a `ChatPacer` the per-chat rate), and outcomes are written back in bulk a few times
a second. Outcomes: sent; `Forbidden` → the user is marked unreachable and their deliveries
cancelled; `RetryAfter` → due again after the wait, without using up an attempt; other errors →
retried with exponential backoff, and marked failed with the reason after `MAX_ATTEMPTS`.

What the sweeper needs from the renderers is only `renderer_for(kind)` and `Outgoing` (from
`bot.core.renderers`): wherever the renderers live, they register there before a sweep runs. The
row's payload is decoded into the kind's typed payload (`bot.outbox.payloads`) before rendering; a
row of a kind nothing renders, or whose payload does not decode, is marked failed with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.core import users
from bot.core.renderers import Outgoing, renderer_for
from bot.core.replies import keyboard
from bot.db.base import utcnow
from bot.db.models import Delivery, DeliveryState, User
from bot.outbox.pacing import ChatPacer
from bot.outbox.payloads import PayloadError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=2)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
# A chat whose next free slot is further away than this is retried later instead of holding a
# sender (many messages queued for one person must not stall everyone else's).
MAX_CHAT_WAIT_SECONDS = 3.0
FLUSH_EVERY_SECONDS = 0.25
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
# Kinds a user can opt out of with /digest off (checked again right before sending).
OPT_OUT_KINDS = frozenset({"digest"})


@dataclass(slots=True)
class SweepReport:
    claimed: int = 0
    sent: int = 0
    dropped: int = 0
    retried: int = 0
    failed: int = 0


def backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … capped at an hour."""
    wait: timedelta = BACKOFF_BASE * (2 ** max(0, attempts - 1))
    return min(BACKOFF_MAX, wait)


def _clock(now: datetime | None) -> datetime:
    return now or utcnow()


async def claim_due(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    now: datetime | None = None,
    limit: int = 100,
    worker: str = WORKER_ID,
    lease: timedelta = LEASE,
) -> list[int]:
    """Atomically take up to `limit` due deliveries (or ones whose lease expired)."""
    now = _clock(now)
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
                lease_until=now + lease,
                claimed_by=worker,
                attempts=Delivery.attempts + 1,
            )
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
        ids = list((await session.scalars(statement)).all())
        await session.commit()
    return sorted(ids)


async def send_outgoing(
    bot: Bot, chat_id: int, outgoing: Outgoing, *, pacer: ChatPacer | None = None
) -> None:
    """The one way a rendered message leaves the process: through the bot's rate limiter, and
    through `pacer` for the per-chat limit when given."""
    if pacer is not None:
        await pacer.wait(chat_id)
    if outgoing.photo is not None:
        await bot.send_photo(
            chat_id,
            outgoing.photo,
            caption=outgoing.text[:1024] or None,
            reply_markup=keyboard(outgoing.buttons),
        )
    else:
        await bot.send_message(
            chat_id, outgoing.text[:4096], reply_markup=keyboard(outgoing.buttons)
        )
    for follower in outgoing.followers:
        await send_outgoing(bot, chat_id, follower, pacer=pacer)


# --- outcomes ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Retry:
    delivery_id: int
    due_at: datetime
    error: str
    refund: bool  # the attempt did not count (rate limited, paced, stopping)


@dataclass(slots=True)
class _Ledger:
    """Outcomes waiting to be written back, in bulk."""

    worker: str
    sent: list[int] = field(default_factory=list)
    cancelled: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    retries: list[_Retry] = field(default_factory=list)
    blocked_chats: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return (
            len(self.sent)
            + len(self.cancelled)
            + len(self.failed)
            + len(self.retries)
            + len(self.blocked_chats)
        )

    async def flush(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        if not len(self):
            return
        sent, self.sent = self.sent, []
        cancelled, self.cancelled = self.cancelled, []
        failed, self.failed = self.failed, []
        retries, self.retries = self.retries, []
        blocked, self.blocked_chats = self.blocked_chats, []
        mine = (Delivery.state == DeliveryState.CLAIMED, Delivery.claimed_by == self.worker)
        async with session_factory() as session:
            if sent:
                await session.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(sent), *mine)
                    .values(
                        state=DeliveryState.SENT,
                        sent_at=utcnow(),
                        lease_until=None,
                        last_error=None,
                    )
                    .execution_options(synchronize_session=False)
                )
            for delivery_id, reason in cancelled:
                await session.execute(
                    update(Delivery)
                    .where(Delivery.id == delivery_id, *mine)
                    .values(state=DeliveryState.CANCELLED, lease_until=None, last_error=reason)
                )
            for delivery_id, reason in failed:
                await session.execute(
                    update(Delivery)
                    .where(Delivery.id == delivery_id, *mine)
                    .values(state=DeliveryState.FAILED, lease_until=None, last_error=reason[:500])
                )
            for retry in retries:
                values: dict[str, object] = {
                    "state": DeliveryState.PENDING,
                    "due_at": retry.due_at,
                    "lease_until": None,
                    "claimed_by": None,
                    "last_error": retry.error[:500],
                }
                if retry.refund:
                    values["attempts"] = Delivery.attempts - 1
                await session.execute(
                    update(Delivery).where(Delivery.id == retry.delivery_id, *mine).values(values)
                )
            for chat_id in blocked:
                await users.mark_unreachable(session, chat_id)
            await session.commit()


# --- one delivery -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Prepared:
    delivery_id: int
    chat_id: int
    attempts: int
    outgoing: Outgoing


def _watch_writes(session: AsyncSession) -> list[bool]:
    """A flag list that fills when the session flushes or runs an INSERT/UPDATE/DELETE, so a
    batch commits after a renderer only when that renderer changed something."""
    writes: list[bool] = []

    @event.listens_for(session.sync_session, "after_flush")
    def _flushed(*_: object) -> None:
        writes.append(True)

    @event.listens_for(session.sync_session, "do_orm_execute")
    def _executed(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            writes.append(True)

    return writes


def _undeliverable(delivery: Delivery, recipient: User | None) -> str | None:
    if recipient is None or recipient.deleted or recipient.telegram_id is None:
        return "recipient gone"
    if not recipient.reachable:
        return "recipient unreachable"
    if delivery.kind in OPT_OUT_KINDS and not recipient.digest_opt_in:
        return "recipient opted out"
    return None


async def _prepare(
    session_factory: async_sessionmaker[AsyncSession],
    ids: list[int],
    ledger: _Ledger,
    report: SweepReport,
    now: datetime | None,
) -> list[_Prepared]:
    """Render claimed deliveries in one session; renderers see the current facts."""
    prepared: list[_Prepared] = []
    async with session_factory() as session:
        writes = _watch_writes(session)
        rows = (
            await session.execute(
                select(Delivery, User)
                .outerjoin(User, Delivery.recipient_id == User.id)
                .where(
                    Delivery.id.in_(ids),
                    Delivery.state == DeliveryState.CLAIMED,
                    Delivery.claimed_by == ledger.worker,
                )
                .order_by(Delivery.due_at, Delivery.id)
            )
        ).all()
        for delivery, recipient in rows:
            if delivery.attempts > MAX_ATTEMPTS:
                ledger.failed.append(
                    (delivery.id, f"gave up after {MAX_ATTEMPTS} attempts: {delivery.last_error}")
                )
                report.failed += 1
                continue
            reason = _undeliverable(delivery, recipient)
            if reason is not None:
                ledger.cancelled.append((delivery.id, reason))
                report.dropped += 1
                continue
            rendering = renderer_for(delivery.kind)
            if rendering is None:
                ledger.failed.append((delivery.id, f"unknown kind {delivery.kind!r}"))
                report.failed += 1
                continue
            try:
                payload = rendering.payload.decode(delivery.payload)
            except PayloadError as exc:
                log.error("delivery %s: %s", delivery.id, exc)
                ledger.failed.append((delivery.id, str(exc)[:500]))
                report.failed += 1
                continue
            try:
                writes.clear()
                outgoing = await rendering.render(session, payload, recipient)
                if writes:
                    # The renderer changed facts (expiring an intro): keep them before sending.
                    await session.commit()
            except Exception as exc:
                await session.rollback()
                log.exception("rendering delivery %s (%s) failed", delivery.id, delivery.kind)
                _retry_or_fail(ledger, report, delivery.id, delivery.attempts, repr(exc), now)
                continue
            if outgoing is None:
                ledger.cancelled.append((delivery.id, "nothing to say any more"))
                report.dropped += 1
                continue
            assert recipient is not None and recipient.telegram_id is not None
            prepared.append(
                _Prepared(delivery.id, recipient.telegram_id, delivery.attempts, outgoing)
            )
    return prepared


def _retry_or_fail(
    ledger: _Ledger,
    report: SweepReport,
    delivery_id: int,
    attempts: int,
    error: str,
    now: datetime | None,
) -> None:
    if attempts >= MAX_ATTEMPTS:
        ledger.failed.append((delivery_id, f"gave up after {attempts} attempts: {error}"))
        report.failed += 1
    else:
        ledger.retries.append(
            _Retry(delivery_id, _clock(now) + backoff(attempts), error, refund=False)
        )
        report.retried += 1


async def _send(
    bot: Bot,
    item: _Prepared,
    ledger: _Ledger,
    report: SweepReport,
    pacer: ChatPacer | None,
    now: datetime | None,
) -> None:
    if pacer is not None and pacer.delay(item.chat_id) > MAX_CHAT_WAIT_SECONDS:
        wait = timedelta(seconds=pacer.delay(item.chat_id))
        ledger.retries.append(_Retry(item.delivery_id, _clock(now) + wait, "paced", refund=True))
        report.retried += 1
        return
    try:
        await send_outgoing(bot, item.chat_id, item.outgoing, pacer=pacer)
    except Forbidden as exc:
        ledger.blocked_chats.append(item.chat_id)
        ledger.cancelled.append((item.delivery_id, f"forbidden: {exc.message}"[:500]))
        report.dropped += 1
    except RetryAfter as exc:
        # The limiter already waited and retried; give the row back, the attempt not counted.
        with warnings.catch_warnings():  # int vs timedelta, changing in PTB 23
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            after = exc.retry_after
        wait = after if isinstance(after, timedelta) else timedelta(seconds=float(after))
        ledger.retries.append(
            _Retry(item.delivery_id, _clock(now) + wait, "rate limited", refund=True)
        )
        report.retried += 1
    except BadRequest as exc:
        ledger.failed.append((item.delivery_id, f"bad request: {exc.message}"))
        report.failed += 1
    except TelegramError as exc:
        _retry_or_fail(ledger, report, item.delivery_id, item.attempts, repr(exc), now)
    except Exception as exc:
        log.exception("sending delivery %s failed unexpectedly", item.delivery_id)
        _retry_or_fail(ledger, report, item.delivery_id, item.attempts, repr(exc), now)
    else:
        ledger.sent.append(item.delivery_id)
        report.sent += 1


async def deliver_one(
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    delivery_id: int,
    report: SweepReport,
    *,
    worker: str = WORKER_ID,
    pacer: ChatPacer | None = None,
    now: datetime | None = None,
) -> None:
    """Render and send one delivery already claimed by `worker`, and record the outcome."""
    ledger = _Ledger(worker)
    for item in await _prepare(session_factory, [delivery_id], ledger, report, now):
        await _send(bot, item, ledger, report, pacer, now)
    await ledger.flush(session_factory)


# --- the sweep --------------------------------------------------------------------------------


async def sweep(
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    *,
    batch: int = 100,
    concurrency: int = 20,
    now: datetime | None = None,
    worker: str = WORKER_ID,
    lease: timedelta = LEASE,
    pacer: ChatPacer | None = None,
    keep_going: Callable[[], bool] = lambda: True,
) -> SweepReport:
    """Deliver everything due now; returns what happened.

    `keep_going` is asked before each batch and each send: when it turns false (the application
    is stopping) no more rows are claimed and rows claimed but not yet sent are given back.
    """
    report = SweepReport()
    ledger = _Ledger(worker)
    queue: asyncio.Queue[_Prepared | None] = asyncio.Queue(maxsize=max(1, batch))
    done = asyncio.Event()

    async def produce() -> None:
        try:
            while keep_going():
                ids = await claim_due(
                    session_factory, now=now, limit=batch, worker=worker, lease=lease
                )
                if not ids:
                    break
                report.claimed += len(ids)
                for item in await _prepare(session_factory, ids, ledger, report, now):
                    await queue.put(item)
        finally:
            for _ in range(concurrency):
                await queue.put(None)

    async def send() -> None:
        while (item := await queue.get()) is not None:
            if not keep_going():
                ledger.retries.append(
                    _Retry(item.delivery_id, _clock(now), "released at shutdown", refund=True)
                )
                continue
            await _send(bot, item, ledger, report, pacer, now)

    async def record() -> None:
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), FLUSH_EVERY_SECONDS)
            await ledger.flush(session_factory)

    recorder = asyncio.create_task(record())
    try:
        await asyncio.gather(produce(), *(send() for _ in range(concurrency)))
    finally:
        done.set()
        await recorder
        await ledger.flush(session_factory)
    return report
