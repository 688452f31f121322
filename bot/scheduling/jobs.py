"""JobQueue wiring: the outbox sweeper runs every few seconds in every process."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.runtime import runtime_of
from bot.scheduling.outbox import sweep

log = logging.getLogger(__name__)
SWEEP_JOB = "outbox-sweep"


async def sweep_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = runtime_of(context.application)
    report = await sweep(context.bot, runtime.session_factory)
    if report.claimed:
        log.info("outbox: %s", report)


def schedule_jobs(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    job_queue = application.job_queue
    if job_queue is None:
        raise RuntimeError("python-telegram-bot[job-queue] is required")
    interval = runtime_of(application).settings.sweep_interval_seconds
    job_queue.run_repeating(
        sweep_job,
        interval=interval,
        first=0.5,
        name=SWEEP_JOB,
        job_kwargs={"max_instances": 1, "coalesce": True},
    )


def kick(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Sweep as soon as possible (a fact just changed and someone should hear about it)."""
    if application.job_queue is not None:
        application.job_queue.run_once(sweep_job, when=0, name="outbox-kick")
