"""JobQueue wiring: the clock. The outbox sweeper runs every few seconds in every process; the
digest and capacity-check planners add rows to the outbox ahead of time. Every job is safe to run
in several processes at once (claims are atomic, plans are idempotent)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.core.renderers import using_match_index
from bot.digest import service as digest
from bot.followups import service as followups
from bot.outbox.pacing import PAID_KINDS, ChatPacer, PaidBroadcast
from bot.outbox.sweeper import WORKER_ID, sweep
from bot.runtime import Runtime, runtime_of

log = logging.getLogger(__name__)
SWEEP_JOB = "outbox-sweep"
DIGEST_JOB = "digest-plan"
CAPACITY_JOB = "capacity-plan"
DIGEST_PLAN_EVERY_SECONDS = 10 * 60
CAPACITY_PLAN_EVERY_SECONDS = 6 * 60 * 60
# Claim about a second's worth of sending at a time, within sane bounds.
SECONDS_PER_BATCH = 1.0

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def _pacer(runtime: Runtime) -> ChatPacer:
    pacer = runtime.extras.get("chat_pacer")
    if not isinstance(pacer, ChatPacer):
        pacer = ChatPacer(
            runtime.settings.send_rate_per_chat_per_second,
            overall_per_second=runtime.settings.send_rate_per_second,
        )
        runtime.extras["chat_pacer"] = pacer
    return pacer


def _paid(runtime: Runtime) -> PaidBroadcast | None:
    """The weekly digest as a paid broadcast, when the operator opted in (PAID_BROADCAST)."""
    settings = runtime.settings
    if not settings.paid_broadcast:
        return None
    paid = runtime.extras.get("paid_broadcast")
    if not isinstance(paid, PaidBroadcast):
        paid = PaidBroadcast(PAID_KINDS, settings.paid_broadcast_rate_per_second)
        runtime.extras["paid_broadcast"] = paid
    return paid


def _worker(runtime: Runtime) -> str:
    worker = runtime.extras.get("worker_id")
    if not isinstance(worker, str):
        # Unique per application, so two instances in one process never share claims.
        worker = runtime.extras["worker_id"] = f"{WORKER_ID}:{uuid.uuid4().hex[:8]}"
    return worker


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One sweep at a time per application: a kick during a sweep makes it go round once more."""
    application = context.application
    runtime = runtime_of(application)
    if runtime.extras.get("sweeping"):
        runtime.extras["sweep_again"] = True
        return
    runtime.extras["sweeping"] = True
    try:
        again = True
        while again and application.running:
            runtime.extras["sweep_again"] = False
            await _sweep_once(application, runtime)
            again = bool(runtime.extras.get("sweep_again"))
    finally:
        runtime.extras["sweeping"] = False


async def _sweep_once(application: AnyApplication, runtime: Runtime) -> None:
    rate = runtime.settings.send_rate_per_second
    batch = max(20, min(1000, int(rate * SECONDS_PER_BATCH)))
    # Renderers rank and label with the index: built (off the event loop) before rows are held.
    await runtime.match_index.get()
    with using_match_index(runtime.match_index.get):
        report = await sweep(
            application.bot,
            runtime.session_factory,
            batch=batch,
            in_flight=runtime.settings.outbox_sends_in_flight,
            worker=_worker(runtime),
            pacer=_pacer(runtime),
            keep_going=lambda: application.running,
            paid=_paid(runtime),
        )
    if report.claimed:
        log.info("outbox: %s", report)


async def digest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context.application)
    report = await digest.plan_digests(
        runtime.session_factory,
        await runtime.match_index.get(),
        default_timezone=runtime.settings.default_timezone,
    )
    if report.considered:
        log.info("digest plan: %s", report)
        kick(context.application)


async def capacity_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context.application)
    scheduled = await followups.plan_capacity_checks(
        runtime.session_factory, default_timezone=runtime.settings.default_timezone
    )
    if scheduled:
        log.info("capacity checks scheduled: %d", scheduled)


def schedule_jobs(application: AnyApplication) -> None:
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required")
    interval = runtime_of(application).settings.sweep_interval_seconds
    once = {"max_instances": 1, "coalesce": True}
    # sweep_job guards itself (a tick during a long sweep only asks it to go round again), so
    # the scheduler may start it while one runs instead of warning on every tick.
    job_queue.run_repeating(
        sweep_job,
        interval=interval,
        first=0.5,
        name=SWEEP_JOB,
        job_kwargs={"max_instances": 2, "coalesce": True},
    )
    job_queue.run_repeating(
        digest_job, interval=DIGEST_PLAN_EVERY_SECONDS, first=5, name=DIGEST_JOB, job_kwargs=once
    )
    job_queue.run_repeating(
        capacity_job,
        interval=CAPACITY_PLAN_EVERY_SECONDS,
        first=30,
        name=CAPACITY_JOB,
        job_kwargs=once,
    )


def kick(application: AnyApplication, *, after: float = 0) -> None:
    """Sweep as soon as possible (a fact just changed and someone should hear about it), or
    `after` seconds from now (a delivery falls due then: an album's one answer)."""
    if application.job_queue is not None:
        application.job_queue.run_once(sweep_job, when=after, name="outbox-kick")
