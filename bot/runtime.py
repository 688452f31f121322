"""What every handler and job shares: settings, the session factory and the match index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.core import unit_of_work
from bot.core.unit_of_work import UnitOfWork
from bot.registry.index_cache import MatchIndexCache


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    match_index: MatchIndexCache
    extras: dict[str, Any] = field(default_factory=dict)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Handlers' context, with typed access to the runtime and to the update's unit of work."""

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.application.bot_data["runtime"]
        return runtime

    @property
    def uow(self) -> UnitOfWork:
        """The session and current user of this update (opened by the application)."""
        uow = unit_of_work.current()
        if uow is None:
            raise RuntimeError("no unit of work: updates and jobs run inside one")
        return uow


BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]


def runtime_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    runtime: Runtime = application.bot_data["runtime"]
    return runtime
