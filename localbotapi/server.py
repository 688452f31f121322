"""The local Bot API server's HTTP side: routes, method dispatch, error answers, file downloads."""

from __future__ import annotations

import logging

from aiohttp import web

from localbotapi.faults import BLOCKABLE, FaultInjection
from localbotapi.files import BOT_DOWNLOAD_LIMIT
from localbotapi.inspection import Inspection
from localbotapi.media import MediaMethods
from localbotapi.records import ApiError, Call
from localbotapi.users import SimulatedUsers
from localbotapi.webhook import WebhookDelivery
from localbotapi.wire import error_response, ok_response, read_params

__all__ = ["LocalBotAPI"]

_LOGGER = logging.getLogger(__name__)


class LocalBotAPI(SimulatedUsers, Inspection, FaultInjection, WebhookDelivery, MediaMethods):
    """An in-process Telegram Bot API server plus the users talking to the bot.

    Bot side: point python-telegram-bot at :attr:`base_url` (and :attr:`base_file_url` for
    file downloads).  User side: :meth:`user_sends`, :meth:`press` and friends queue
    updates; :meth:`sent`, :meth:`last`, :meth:`wait_for`, :attr:`answers`, :attr:`calls`
    and :attr:`commands` expose what the bot did.

    ``record=False`` keeps no messages, calls or transcripts (counters only), and
    ``max_history`` bounds what is kept per chat, so memory stays flat in long runs.

    Delivery simulation: ``global_limit_per_s`` / ``per_chat_limit_per_s`` are token
    buckets over message-creating and -editing methods (429 with ``retry_after`` when
    empty); sends and edits to ``blocked_users`` get 403; :meth:`fail_next` injects
    errors; ``latency`` delays every delivered message.  ``validate`` makes the server
    reject what Telegram rejects (empty or overlong text, broken HTML/MarkdownV2,
    oversized callback_data, invalid command names, edits that change nothing).

    Webhook: after ``setWebhook`` (loopback URLs only) updates are POSTed to the bot
    instead of waiting for ``getUpdates``, redelivered until it answers 2xx; the
    ``webhook_*`` settings bound the wait for an answer and the pause between attempts,
    and :attr:`webhook_delivered` lists the update ids the bot accepted.

    All methods must be called from the event loop the server runs in.
    """

    async def start(self) -> str:
        """Start serving; return the ``base_url`` to give to PTB."""
        if self._runner is not None:
            return self.base_url
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        self._closing = False
        port = runner.addresses[0][1]
        self.port = int(port)
        self._base_url = f"http://{self.host}:{self.port}/bot"
        return self._base_url

    async def stop(self) -> None:
        """Stop webhook delivery, release pending long polls and stop the server."""
        await self._stop_webhook()
        self._closing = True
        self._notify_updates()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> LocalBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/bot`` (PTB appends the token)."""
        if self._base_url is None:
            raise RuntimeError("LocalBotAPI is not started")
        return self._base_url

    @property
    def base_file_url(self) -> str:
        """The ``base_file_url`` for PTB, to download files users sent."""
        return self.base_url.removesuffix("/bot") + "/file/bot"

    def __repr__(self) -> str:
        where = self._base_url or "not started"
        return f"<LocalBotAPI {where} pending_updates={len(self._updates)}>"

    # ----------------------------------------------------------------- HTTP plumbing

    async def _handle(self, request: web.Request) -> web.Response:
        self._tokens.add(request.match_info["token"])
        method = request.match_info["method"]
        key = method.lower()
        try:
            params = await read_params(request)
        except ValueError as exc:
            return error_response(400, f"Bad Request: {exc}")
        self.call_counts[method] += 1
        if self.record:
            self.calls.append(Call(method, params))
        handler = self._methods.get(key)
        if handler is None:
            self.unknown_methods.append(method)
            return error_response(404, "Not Found: method not found")
        try:
            self._inject_failure(key)
            if key in BLOCKABLE:
                self._check_delivery(key, params)
            result = await handler(params)
        except ApiError as exc:
            return error_response(exc.status, exc.description, exc.parameters)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            _LOGGER.exception("LocalBotAPI could not handle %s", method)
            return error_response(400, f"Bad Request: invalid parameters ({exc!r})")
        return ok_response(result)

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self.files.by_path(request.match_info["path"])
        if stored is None or stored.file_size > BOT_DOWNLOAD_LIMIT:
            return error_response(404, "Not Found")
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)
