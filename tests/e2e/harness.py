"""Runs the real Bottega application over python-telegram-bot's HTTP stack against a local
Bot API server, on a real database, with the real JobQueue."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_application, start_polling, stop_polling
from bot.config import Settings, load_settings
from bot.runtime import BotApplication, runtime_of
from localbotapi import LocalBotAPI

ADMIN_ID = 900_000_001
TOKEN = "123456:LOCAL-TEST-TOKEN"


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "_env_file": None,
        "database_url": database_url,
        "admin_user_ids": str(ADMIN_ID),
        "sweep_interval_seconds": 0.2,
        "send_rate_per_second": 1000.0,
    }
    values.update(overrides)
    return load_settings(**values)


@dataclass
class RunningBot:
    api: LocalBotAPI
    app: BotApplication
    settings: Settings

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        return runtime_of(self.app).session_factory


async def start_app(api: LocalBotAPI, settings: Settings) -> BotApplication:
    app = build_application(settings, token=TOKEN, base_url=api.base_url)
    await start_polling(app)
    return app


@asynccontextmanager
async def running_bot(
    database_url: str, api: LocalBotAPI | None = None, **overrides: Any
) -> AsyncIterator[RunningBot]:
    own_api = api is None
    api = api or LocalBotAPI()
    if own_api:
        await api.start()
    settings = make_settings(database_url, **overrides)
    app = await start_app(api, settings)
    try:
        yield RunningBot(api=api, app=app, settings=settings)
    finally:
        await stop_polling(app)
        if own_api:
            await api.stop()


async def load_registry(session_factory: async_sessionmaker[AsyncSession], csv_text: str) -> None:
    from bot.registry.importing import import_registry

    async with session_factory() as session:
        report = await import_registry(session, io.StringIO(csv_text))
    assert report.ok, report.errors
