"""Sweeping the outbox: claim due rows atomically, render, send within Telegram's limits, record.

Claiming is one UPDATE … RETURNING over a MATERIALIZED CTE of due rows: on PostgreSQL the CTE takes
`FOR UPDATE SKIP LOCKED`, so several processes sweep without waiting on or double-claiming each
other. (Written as `id IN (sub-select … LIMIT n FOR UPDATE SKIP LOCKED)` the sub-select may be
evaluated again while the UPDATE re-checks rows that others changed meanwhile, and each
evaluation picks a fresh set: one claim for 40 rows once took 900. A materialized CTE is
evaluated once.) SQLite serialises writers, and the `state` guard in the UPDATE does the rest.

A claimed row carries a short lease (`LEASE`, 6 s) and its claimer's id. While the sweep runs, a
keeper renews the leases of all the rows it holds every `RENEW_EVERY` (1.5 s); if the process
dies, its rows are free for any other sweeper within one lease, and a late answer from the old
claimer can no longer change them. A send starts only while the lease is known to hold for a
while yet and the row is still this worker's, so a process that stalled past its lease never
sends a row someone else has taken.

A kill -9 can always cost the message whose send was in flight (Telegram may have delivered it,
the outcome was not recorded yet): it is sent again by whoever picks the row up. To keep that to
one message per kill, each send's outcome is committed before the next send starts, and a process
has `in_flight` sends under way at a time (one by default; n allow n duplicates per kill). What
the sender waits for — claiming, rendering, pacing — is done ahead, so the one in flight is never
idle for long.

Outcomes: sent; `Forbidden` → the user is marked unreachable and their deliveries cancelled;
`RetryAfter` → due again after the wait, without using up an attempt; other errors → retried with
exponential backoff, and marked failed with the reason after `MAX_ATTEMPTS`.

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
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, event, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.core import users
from bot.core.renderers import Outgoing, renderer_for
from bot.core.replies import keyboard, send_media
from bot.db.base import utcnow
from bot.db.models import Delivery, DeliveryState, User
from bot.outbox import metrics
from bot.outbox.pacing import ChatPacer, PaidBroadcast
from bot.outbox.payloads import PayloadError

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
LEASE = timedelta(seconds=6)
RENEW_EVERY = timedelta(seconds=1.5)
# A send starts only while the lease is known to hold for this share of it yet (2 s of 6).
LEASE_MARGIN_SHARE = 1 / 3
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
# A chat whose next free slot is further away than this is retried later instead of holding a
# sender (many messages queued for one person must not stall everyone else's).
MAX_CHAT_WAIT_SECONDS = 3.0
# How far into the rendered rows a sender looks for one whose chat is free now.
PACING_LOOKAHEAD = 64
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

    def __iadd__(self, other: SweepReport) -> SweepReport:
        self.claimed += other.claimed
        self.sent += other.sent
        self.dropped += other.dropped
        self.retried += other.retried
        self.failed += other.failed
        return self


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
        picked = select(Delivery.id).where(due).order_by(Delivery.due_at, Delivery.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            picked = picked.with_for_update(skip_locked=True)
        # Evaluated once, whatever the UPDATE re-checks (see the module's docstring).
        chosen = picked.cte("chosen").prefix_with("MATERIALIZED")
        statement = (
            update(Delivery)
            .where(Delivery.id.in_(select(chosen.c.id)), due)
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


async def renew_leases(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    worker: str,
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> set[int]:
    """Extend the lease of every row `worker` holds; returns the ids it still holds."""
    async with session_factory() as session:
        ids = (
            await session.scalars(
                update(Delivery)
                .where(Delivery.state == DeliveryState.CLAIMED, Delivery.claimed_by == worker)
                .values(lease_until=_clock(now) + lease)
                .returning(Delivery.id)
                .execution_options(synchronize_session=False)
            )
        ).all()
        await session.commit()
    return set(ids)


async def send_outgoing(
    bot: Bot,
    chat_id: int,
    outgoing: Outgoing,
    *,
    pacer: ChatPacer | None = None,
    paid: PaidBroadcast | None = None,
) -> None:
    """The one way a rendered message leaves the process: through the bot's rate limiter, and
    through `pacer` for the per-chat limit when given; with `paid`, as a paid broadcast at its
    rate (the limiter then keeps Telegram's 1000/s instead of the free 30/s)."""
    if pacer is not None:
        await pacer.wait(chat_id)
    if paid is not None:
        await paid.wait()
    if outgoing.photo is not None:
        await bot.send_photo(
            chat_id,
            outgoing.photo,
            caption=outgoing.text[:1024] or None,
            reply_markup=keyboard(outgoing.buttons),
            allow_paid_broadcast=paid is not None or None,
        )
    else:
        await bot.send_message(
            chat_id,
            outgoing.text[:4096],
            reply_markup=keyboard(outgoing.buttons),
            allow_paid_broadcast=paid is not None or None,
        )
    if outgoing.media:

        async def pace(messages: int) -> None:
            if pacer is not None:
                await pacer.wait(chat_id, messages=messages)

        await send_media(bot, chat_id, outgoing.media, pace=pace)
    for follower in outgoing.followers:
        await send_outgoing(bot, chat_id, follower, pacer=pacer, paid=paid)


# --- outcomes ---------------------------------------------------------------------------------

_ASYNC_COMMIT = text("SET LOCAL synchronous_commit = off")
_ASYNC_COMMITS = text("SET synchronous_commit = off")
_SYNC_COMMITS = text("RESET synchronous_commit")
_deliveries = cast(Table, Delivery.__table__)
_MARK_SENT = (
    update(_deliveries)
    .where(
        _deliveries.c.id == bindparam("delivery_id"),
        _deliveries.c.state == DeliveryState.CLAIMED,
        _deliveries.c.claimed_by == bindparam("worker"),
    )
    .values(
        state=DeliveryState.SENT, sent_at=bindparam("sent_at"), lease_until=None, last_error=None
    )
)


@dataclass(slots=True)
class _Retry:
    delivery_id: int
    due_at: datetime
    error: str
    refund: bool  # the attempt did not count (rate limited, paced, stopping)


@dataclass(slots=True)
class _Ledger:
    """Outcomes waiting to be written back: after each send (one outcome), or in bulk for what
    was decided without sending (cancelled or failed at render time, rows given back)."""

    worker: str
    report: SweepReport = field(default_factory=SweepReport)
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

    # Each outcome is counted in the sweep's report and in the process's metrics, by kind.

    def mark_sent(self, delivery_id: int, kind: str) -> None:
        self.sent.append(delivery_id)
        self.report.sent += 1
        metrics.SENT.labels(kind).inc()

    def mark_dropped(self, delivery_id: int, kind: str, reason: str) -> None:
        self.cancelled.append((delivery_id, reason[:500]))
        self.report.dropped += 1
        metrics.DROPPED.labels(kind).inc()

    def mark_failed(self, delivery_id: int, kind: str, reason: str) -> None:
        self.failed.append((delivery_id, reason[:500]))
        self.report.failed += 1
        metrics.FAILED.labels(kind).inc()

    def mark_retry(self, kind: str, retry: _Retry, *, counted: bool = True) -> None:
        self.retries.append(retry)
        if counted:
            self.report.retried += 1
            metrics.RETRIED.labels(kind).inc()

    def retry_or_fail(
        self, delivery_id: int, kind: str, attempts: int, error: str, now: datetime | None
    ) -> None:
        if attempts >= MAX_ATTEMPTS:
            self.mark_failed(delivery_id, kind, f"gave up after {attempts} attempts: {error}")
        else:
            retry = _Retry(delivery_id, _clock(now) + backoff(attempts), error, refund=False)
            self.mark_retry(kind, retry)

    async def flush(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        if len(self):
            async with session_factory() as session:
                await self.flush_into(session)

    async def flush_sent(self, connection: AsyncConnection) -> bool:
        """The common case — one message sent, nothing else to write — as one UPDATE on
        `connection` (in autocommit mode: one round trip); False (nothing written) when the
        ledger holds more."""
        if len(self) != 1 or len(self.sent) != 1:
            return False
        delivery_id = self.sent.pop()
        await connection.execute(
            _MARK_SENT, {"delivery_id": delivery_id, "worker": self.worker, "sent_at": utcnow()}
        )
        return True

    async def flush_into(self, session: AsyncSession) -> None:
        """Write the outcomes in one transaction of `session`, and commit it."""
        if not len(self):
            return
        sent, self.sent = self.sent, []
        cancelled, self.cancelled = self.cancelled, []
        failed, self.failed = self.failed, []
        retries, self.retries = self.retries, []
        blocked, self.blocked_chats = self.blocked_chats, []
        mine = (Delivery.state == DeliveryState.CLAIMED, Delivery.claimed_by == self.worker)
        if session.get_bind().dialect.name == "postgresql":
            # An outcome needs to survive this process, not a crash of PostgreSQL itself: the
            # server has it (and every session sees it) once COMMIT returns, without waiting
            # for the disk. A database crash may forget the last fraction of a second of
            # outcomes, and those messages are sent again; none is lost.
            await session.execute(_ASYNC_COMMIT)
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
                .values(state=DeliveryState.FAILED, lease_until=None, last_error=reason)
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


# --- rendering --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Prepared:
    delivery_id: int
    kind: str
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
    now: datetime | None,
) -> list[_Prepared]:
    """Render claimed deliveries in one session; renderers see the current facts. Outcomes
    decided here (nothing to send) go to `ledger`."""
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
            kind = delivery.kind
            if delivery.attempts > MAX_ATTEMPTS:
                ledger.mark_failed(
                    delivery.id,
                    kind,
                    f"gave up after {MAX_ATTEMPTS} attempts: {delivery.last_error}",
                )
                continue
            reason = _undeliverable(delivery, recipient)
            if reason is not None:
                ledger.mark_dropped(delivery.id, kind, reason)
                continue
            rendering = renderer_for(kind)
            if rendering is None:
                ledger.mark_failed(delivery.id, kind, f"unknown kind {kind!r}")
                continue
            try:
                payload = rendering.payload.decode(delivery.payload)
            except PayloadError as exc:
                log.error("delivery %s: %s", delivery.id, exc)
                ledger.mark_failed(delivery.id, kind, str(exc))
                continue
            try:
                writes.clear()
                outgoing = await rendering.render(session, payload, recipient)
                if writes:
                    # The renderer changed facts (expiring an intro): keep them before sending.
                    await session.commit()
            except Exception as exc:
                await session.rollback()
                log.exception("rendering delivery %s (%s) failed", delivery.id, kind)
                ledger.retry_or_fail(delivery.id, kind, delivery.attempts, repr(exc), now)
                continue
            if outgoing is None:
                ledger.mark_dropped(delivery.id, kind, "nothing to say any more")
                continue
            assert recipient is not None and recipient.telegram_id is not None
            prepared.append(
                _Prepared(delivery.id, kind, recipient.telegram_id, delivery.attempts, outgoing)
            )
    return prepared


# --- sending ----------------------------------------------------------------------------------


def _retry_after(exc: RetryAfter) -> timedelta:
    with warnings.catch_warnings():  # int vs timedelta, changing in PTB 23
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        after = exc.retry_after
    return after if isinstance(after, timedelta) else timedelta(seconds=float(after))


async def _send(
    bot: Bot,
    item: _Prepared,
    ledger: _Ledger,
    pacer: ChatPacer | None,
    now: datetime | None,
    paid: PaidBroadcast | None = None,
) -> None:
    """Send one rendered delivery; its outcome goes to `ledger`."""
    if pacer is not None and pacer.delay(item.chat_id) > MAX_CHAT_WAIT_SECONDS:
        wait = timedelta(seconds=pacer.delay(item.chat_id))
        ledger.mark_retry(
            item.kind, _Retry(item.delivery_id, _clock(now) + wait, "paced", refund=True)
        )
        return
    try:
        paid_now = paid if paid is not None and paid.covers(item.kind) else None
        await send_outgoing(bot, item.chat_id, item.outgoing, pacer=pacer, paid=paid_now)
    except Forbidden as exc:
        ledger.blocked_chats.append(item.chat_id)
        ledger.mark_dropped(item.delivery_id, item.kind, f"forbidden: {exc.message}")
    except RetryAfter as exc:
        # The limiter already waited and retried; give the row back, the attempt not counted.
        retry = _Retry(item.delivery_id, _clock(now) + _retry_after(exc), "rate limited", True)
        ledger.mark_retry(item.kind, retry)
    except BadRequest as exc:
        ledger.mark_failed(item.delivery_id, item.kind, f"bad request: {exc.message}")
    except TelegramError as exc:
        ledger.retry_or_fail(item.delivery_id, item.kind, item.attempts, repr(exc), now)
    except Exception as exc:
        log.exception("sending delivery %s failed unexpectedly", item.delivery_id)
        ledger.retry_or_fail(item.delivery_id, item.kind, item.attempts, repr(exc), now)
    else:
        ledger.mark_sent(item.delivery_id, item.kind)


class _Lease:
    """What this worker knows of its claims: which rows it holds, and until when (by the event
    loop's clock) their leases hold at least."""

    def __init__(self, lease: timedelta) -> None:
        self.lease = lease.total_seconds()
        self.margin = self.lease * LEASE_MARGIN_SHARE
        self.held: set[int] = set()
        self.holds_until = float("-inf")
        self.lost = False

    def claimed(self, ids: Iterable[int], started: float) -> None:
        if not self.held:
            self.holds_until = started + self.lease
        self.held.update(ids)

    def renewed(self, before: set[int], still: set[int], started: float) -> None:
        """A renewal that began at `started` while holding `before` found `still` held: drop
        the rows it no longer holds (claimed since are kept)."""
        self.held -= before - still
        self.holds_until = started + self.lease

    def release(self, delivery_id: int) -> None:
        self.held.discard(delivery_id)

    def may_send(self, delivery_id: int) -> bool:
        loop_time = asyncio.get_running_loop().time()
        return delivery_id in self.held and loop_time + self.margin < self.holds_until


class _Pool:
    """Rendered deliveries waiting for a sender. A sender takes the first one whose chat is free
    now (within `PACING_LOOKAHEAD`), so one busy chat does not hold the others up."""

    def __init__(self, pacer: ChatPacer | None) -> None:
        self.pacer = pacer
        self.items: deque[_Prepared] = deque()
        self.changed = asyncio.Condition()
        self.closed = False

    def __len__(self) -> int:
        return len(self.items)

    async def add(self, items: list[_Prepared]) -> None:
        async with self.changed:
            self.items.extend(items)
            self.changed.notify_all()

    async def close(self) -> None:
        async with self.changed:
            self.closed = True
            self.changed.notify_all()

    async def wait_below(self, size: int) -> None:
        async with self.changed:
            await self.changed.wait_for(lambda: len(self.items) < size or self.closed)

    async def take(self) -> _Prepared | None:
        """The next delivery to send, or None once the pool is closed and empty."""
        async with self.changed:
            await self.changed.wait_for(lambda: bool(self.items) or self.closed)
            if not self.items:
                return None
            index = 0
            if self.pacer is not None:
                for position in range(min(len(self.items), PACING_LOOKAHEAD)):
                    if self.pacer.delay(self.items[position].chat_id) == 0:
                        index = position
                        break
            item = self.items[index]
            del self.items[index]
            self.changed.notify_all()
            return item

    def drain(self) -> list[_Prepared]:
        items = list(self.items)
        self.items.clear()
        return items


# --- the sweep --------------------------------------------------------------------------------


def _engine(session_factory: async_sessionmaker[AsyncSession]) -> AsyncEngine:
    bind = session_factory.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        raise TypeError("the outbox sweeper needs a session factory bound to an AsyncEngine")
    return bind


async def sweep(
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    *,
    batch: int = 100,
    in_flight: int = 1,
    now: datetime | None = None,
    worker: str = WORKER_ID,
    lease: timedelta = LEASE,
    renew_every: timedelta = RENEW_EVERY,
    pacer: ChatPacer | None = None,
    keep_going: Callable[[], bool] = lambda: True,
    paid: PaidBroadcast | None = None,
) -> SweepReport:
    """Deliver everything due now; returns what happened.

    `in_flight` sends run at a time, each one's outcome committed before that sender starts its
    next. `keep_going` is asked before each batch and each send: when it turns false (the
    application is stopping) no more rows are claimed and rows claimed but not yet sent are
    given back.
    """
    loop = asyncio.get_running_loop()
    held = _Lease(lease)
    pool = _Pool(pacer)
    report = SweepReport()
    decided = _Ledger(worker, report)  # outcomes reached without sending
    finished = asyncio.Event()
    unsent: list[_Prepared] = []

    def going() -> bool:
        return keep_going() and not held.lost

    async def produce() -> None:
        try:
            while going():
                # Half a batch ahead at most: rows wait rendered for a sender only briefly.
                await pool.wait_below(max(1, batch // 2))
                await metrics.refresh_backlog(session_factory, now)
                started = loop.time()
                ids = await claim_due(
                    session_factory, now=now, limit=batch, worker=worker, lease=lease
                )
                if not ids:
                    break
                held.claimed(ids, started)
                report.claimed += len(ids)
                await pool.add(await _prepare(session_factory, ids, decided, now))
                await decided.flush(session_factory)
        finally:
            await pool.close()

    async def send() -> None:
        ledger = _Ledger(worker, report)
        # A sent message's outcome is one autocommitted UPDATE on a connection this sender
        # keeps for the sweep: one round trip, no session or pool checkout per message.
        async with _engine(session_factory).connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            postgres = connection.dialect.name == "postgresql"
            if postgres:
                await connection.execute(_ASYNC_COMMITS)  # see _Ledger.flush_into
            try:
                await send_each(ledger, connection)
            finally:
                if postgres:
                    with contextlib.suppress(Exception):
                        await connection.execute(_SYNC_COMMITS)

    async def send_each(ledger: _Ledger, connection: AsyncConnection) -> None:
        while (item := await pool.take()) is not None:
            if not going():
                unsent.append(item)
                await pool.close()  # the producer stops, the other senders drain
                continue
            if not held.may_send(item.delivery_id) and item.delivery_id in held.held:
                # The loop was busy (a long render) past the last renewal: renew, then decide.
                try:
                    await renew()
                except Exception:
                    log.exception("renewing the outbox leases of %s failed", worker)
            if not held.may_send(item.delivery_id):
                # Not sure the row is still ours: give it back if it is (to whoever sweeps
                # next), leave it to whoever holds it now if it is not.
                log.warning("delivery %s: lease in doubt, given back unsent", item.delivery_id)
                held.release(item.delivery_id)
                retry = _Retry(item.delivery_id, _clock(now), "lease in doubt", refund=True)
                ledger.mark_retry(item.kind, retry, counted=False)
                await ledger.flush(session_factory)
                continue
            await _send(bot, item, ledger, pacer, now, paid)
            # Recorded before this sender's next send.
            if not await ledger.flush_sent(connection):
                await ledger.flush(session_factory)
            held.release(item.delivery_id)

    renewing = asyncio.Lock()

    async def renew() -> None:
        async with renewing:
            started, before = loop.time(), set(held.held)
            still = await renew_leases(session_factory, worker=worker, now=now, lease=lease)
            held.renewed(before, still, started)

    async def keep_leases() -> None:
        while not finished.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), renew_every.total_seconds())
            if finished.is_set() or not held.held:
                continue
            try:
                await renew()
            except Exception:
                log.exception("renewing the outbox leases of %s failed", worker)
                if loop.time() + held.margin >= held.holds_until:
                    held.lost = True
                    await pool.close()

    keeper = asyncio.create_task(keep_leases())
    workers = [asyncio.ensure_future(produce())]
    workers += [asyncio.ensure_future(send()) for _ in range(max(1, in_flight))]
    try:
        await asyncio.gather(*workers)
    except BaseException:
        for task in workers:  # one failed: no other sender may go on once the sweep is over
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        raise
    finally:
        finished.set()
        await keeper
        # Rows rendered but not sent (stopping, or a lease in doubt) go back, due now.
        for item in unsent + pool.drain():
            retry = _Retry(item.delivery_id, _clock(now), "released unsent", refund=True)
            decided.mark_retry(item.kind, retry, counted=False)
        await decided.flush(session_factory)
        with contextlib.suppress(Exception):  # a gauge is not worth failing the sweep for
            await metrics.refresh_backlog(session_factory, now)
    return report
