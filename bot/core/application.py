"""The application class: python-telegram-bot's Application with a unit of work around every
update, so a handler's writes are committed once after it (or rolled back when it fails) and the
after-commit hooks run only for committed facts."""

from __future__ import annotations

import logging
import time
from contextvars import ContextVar
from typing import Any

from prometheus_client import Counter, Histogram
from telegram import Update
from telegram.ext import Application, ExtBot, Job

from bot.core import unit_of_work
from bot.core.unit_of_work import Person, UnitOfWork
from bot.runtime import BotContext, Runtime, runtime_of

log = logging.getLogger(__name__)

UPDATES = Counter(
    "bottega_updates_total",
    "Updates taken by this process, by kind and outcome (handled, failed, redelivered: seen "
    "and committed before, so skipped).",
    ["kind", "outcome"],
)
HANDLER_SECONDS = Histogram(
    "bottega_update_handling_seconds",
    "Time from taking an update to its commit and replies.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


# Whether the update being processed (in this task) reached the error handler.
_failed: ContextVar[list[bool] | None] = ContextVar("update_failed", default=None)


def update_kind(update: object) -> str:
    """The kind of an update (message, callback_query, …), a bounded label."""
    if isinstance(update, Update):
        for kind in Update.ALL_TYPES:
            if getattr(update, kind, None) is not None:
                return kind
    return "other"


def open_unit_of_work(
    application: Application[Any, Any, Any, Any, Any, Any],
    runtime: Runtime,
    person: Person | None = None,
) -> UnitOfWork:
    """A unit of work whose hooks refresh this process's match index and kick its outbox."""
    from bot.scheduling.jobs import kick

    return UnitOfWork(
        runtime.session_factory,
        person=person,
        refresh_index=runtime.match_index.invalidate,
        kick_outbox=lambda: kick(application),
    )


def _person(update: object) -> Person | None:
    if not isinstance(update, Update) or update.effective_user is None:
        return None
    user = update.effective_user
    return Person(user.id, user.language_code, user.first_name)


class BottegaApplication(
    Application[ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
):
    async def process_update(self, update: object) -> None:
        """One update in one unit of work: skipped when it was handled before (a redelivery);
        otherwise its handlers run, and the conversation state they leave is written in the
        same transaction as their effects, before any reply is sent."""
        from bot.persistence import DatabasePersistence

        started = time.perf_counter()
        kind = update_kind(update)
        persistence = self.persistence
        durable = isinstance(persistence, DatabasePersistence) and isinstance(update, Update)
        uow = open_unit_of_work(self, runtime_of(self), _person(update))
        token = unit_of_work.enter(uow)
        failed = _failed.set([])
        try:
            if durable:
                assert isinstance(persistence, DatabasePersistence)
                assert isinstance(update, Update)
                if await persistence.already_handled(uow.session, update):
                    log.info("update %d was handled before; not handled again", update.update_id)
                    UPDATES.labels(kind, "redelivered").inc()
                    return
            await super().process_update(update)
            if durable:
                assert isinstance(persistence, DatabasePersistence)
                written = await persistence.store_update(uow.session, self, update)
                uow.after_commit("persistence", lambda: persistence.remember(written))
            await uow.finish(lambda exc: self.process_error(update, exc))
            outcome = "failed" if _failed.get() else "handled"
            UPDATES.labels(kind, outcome).inc()
            HANDLER_SECONDS.observe(time.perf_counter() - started)
        except BaseException:
            if isinstance(persistence, DatabasePersistence):
                persistence.forget_written()
            UPDATES.labels(kind, "failed").inc()
            raise
        finally:
            _failed.reset(failed)
            unit_of_work.leave(token)
            await uow.close()

    async def process_error(
        self,
        update: object | None,
        error: Exception,
        job: Job[BotContext] | None = None,
        coroutine: Any = None,
    ) -> bool:
        # The failed handler's writes go; what the error handlers write (an unreachable user)
        # is committed with the rest of the update.
        uow = unit_of_work.current()
        if uow is not None and update is not None:
            await uow.discard()
        failures = _failed.get()
        if update is not None and failures is not None:
            failures.append(True)
        return await super().process_error(update, error, job, coroutine)
