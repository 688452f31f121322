"""What every handler and job shares: settings, the session factory and the match index."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

import matching
from bot.config import Settings


@dataclass
class MatchIndexCache:
    """The in-memory index of the registry, rebuilt lazily after any atelier changes."""

    session_factory: async_sessionmaker[AsyncSession]
    _index: matching.AtelierIndex | None = None
    _stale: bool = True
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def invalidate(self) -> None:
        self._stale = True

    async def get(self) -> matching.AtelierIndex:
        async with self._lock:
            if self._stale or self._index is None:
                from bot.registry.profiles import load_profiles

                async with self.session_factory() as session:
                    profiles = await load_profiles(session)
                self._index = matching.AtelierIndex.build(profiles)
                self._stale = False
            return self._index


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    match_index: MatchIndexCache
    extras: dict[str, Any] = field(default_factory=dict)

    def session(self) -> AsyncSession:
        return self.session_factory()


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Handlers' context, with typed access to the runtime."""

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.application.bot_data["runtime"]
        return runtime


BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]


def runtime_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    runtime: Runtime = application.bot_data["runtime"]
    return runtime
