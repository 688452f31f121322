"""The application class: python-telegram-bot's Application with a unit of work around every
update, so a handler's writes are committed once after it (or rolled back when it fails) and the
after-commit hooks run only for committed facts."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, ExtBot, Job

from bot.core import unit_of_work
from bot.core.unit_of_work import Person, UnitOfWork
from bot.runtime import BotContext, Runtime, runtime_of

log = logging.getLogger(__name__)


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
        uow = open_unit_of_work(self, runtime_of(self), _person(update))
        token = unit_of_work.enter(uow)
        try:
            await super().process_update(update)
            await uow.finish(lambda exc: self.process_error(update, exc))
        finally:
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
        return await super().process_error(update, error, job, coroutine)
