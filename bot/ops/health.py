"""A small HTTP port for the operator: `/healthz` (the process is up), `/readyz` (the database
answers and this process is active or standing by) and `/metrics` (Prometheus, the default
registry: every module defines the metrics it counts there)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import text

from bot.config import Settings
from bot.runtime import BotApplication, runtime_of

if TYPE_CHECKING:
    from bot.ops.service import Role

log = logging.getLogger(__name__)


class HealthServer:
    def __init__(self, settings: Settings, role: Role, application: BotApplication) -> None:
        self.settings = settings
        self.role = role
        self.application = application
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    async def start(self) -> None:
        if self.settings.health_port is None:
            return
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.health_listen, self.settings.health_port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("health and metrics on %s:%d", self.settings.health_listen, self.port)

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        return _json(200, {"status": "ok", "role": self.role.name})

    async def _readyz(self, request: web.Request) -> web.Response:
        database = "ok"
        try:
            engine = runtime_of(self.application).engine
            async with asyncio.timeout(3.0), engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:
            database = f"unreachable ({type(exc).__name__})"
        ready = database == "ok" and self.role.name in {"active", "standby"}
        return _json(200 if ready else 503, {"database": database, "role": self.role.name})

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def _json(status: int, body: dict[str, str]) -> web.Response:
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")
