"""The webhook endpoint: Telegram POSTs each update here with the secret token in a header.

A request without the secret, or with another one, is refused with 403 and logged without
what it carried. An accepted update is answered 200 only once it is handled (committed, with
its replies), so an update whose process dies on the way is posted again by Telegram.
"""

from __future__ import annotations

import hmac
import json
import logging
import urllib.parse

from aiohttp import web
from telegram import Update

from bot.config import Settings
from bot.ops.feed import UpdateFeed

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024


def webhook_path(url: str) -> str:
    return urllib.parse.urlsplit(url).path or "/"


class WebhookReceiver:
    def __init__(self, settings: Settings, feed: UpdateFeed) -> None:
        self.settings = settings
        self.feed = feed
        self.path = webhook_path(settings.webhook_url or "/")
        self._secret = (settings.webhook_secret_value or "").encode()
        self._runner: web.AppRunner | None = None
        self._accepting = True
        self.port: int | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._receive)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.webhook_listen, self.settings.webhook_port)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        log.info("webhook listening on %s:%d%s", self.settings.webhook_listen, self.port, self.path)

    def stop_accepting(self) -> None:
        """Answer 503 from now on: Telegram keeps the update and posts it again later."""
        self._accepting = False

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not self._secret or not hmac.compare_digest(given, self._secret):
            log.warning(
                "webhook request refused: %s secret token (from %s)",
                "missing" if not given else "wrong",
                request.remote or "unknown",
            )
            return web.Response(status=403, text="Forbidden")
        if not self._accepting or not self.feed.accepting:
            return web.Response(status=503, text="Stopping")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, self.feed.application.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook request refused: the body is not an update")
            return web.Response(status=400, text="Bad Request")
        try:
            await self.feed.handle(update)
        except Exception:
            log.exception(
                "update %d could not be handled; Telegram will post it again", update.update_id
            )
            return web.Response(status=500, text="Try again")
        return web.Response(status=200)
