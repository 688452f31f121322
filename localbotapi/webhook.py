"""Webhook delivery as Telegram does it: each update POSTed as JSON to the bot's URL until it answers 2xx.

``setWebhook`` switches the server from ``getUpdates`` to pushing: every update a
simulated user causes is POSTed to the webhook URL with the
``X-Telegram-Bot-Api-Secret-Token`` header, one at a time per chat (so a chat's updates
arrive in order) and at most ``max_connections`` at once overall.  A non-2xx answer, a
refused connection or a timeout is recorded as ``last_error_date``/``last_error_message``
and the update is sent again after a growing pause; later updates of that chat wait for
it.  Meanwhile ``getUpdates`` answers 409 Conflict, as Telegram does.

Only loopback URLs are accepted: this server never sends anything off the machine
(redirects are not followed, proxies from the environment are ignored).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import re
import socket
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass, field

import aiohttp

from localbotapi.records import JSONDict, bad_request
from localbotapi.state import BotMethod, ServerState, wait_event

__all__ = ["SECRET_HEADER", "Webhook", "WebhookDelivery"]

_LOGGER = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_DEFAULT_MAX_CONNECTIONS = 40

PendingUpdate = tuple[int, str, JSONDict]


@dataclass(slots=True)
class Webhook:
    """The webhook the bot set, and how delivering to it goes."""

    url: str
    ip_address: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None
    # Update ids handed to a chat's lane (delivered or waiting their turn).
    assigned: set[int] = field(default_factory=set)
    lanes: dict[object, deque[PendingUpdate]] = field(default_factory=dict)
    workers: set[asyncio.Task[None]] = field(default_factory=set)
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))
    task: asyncio.Task[None] | None = None


class WebhookDelivery(ServerState):
    """``setWebhook``, ``deleteWebhook``, ``getWebhookInfo`` and the delivery loop behind them."""

    def _method_table(self) -> dict[str, BotMethod]:
        return {
            **super()._method_table(),
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
        }

    @property
    def webhook_url(self) -> str:
        """The URL updates are POSTed to, or ``""`` while the bot polls."""
        return "" if self._webhook is None else self._webhook.url

    # ----------------------------------------------------------------- Bot API methods

    async def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        ip_address = await _loopback_address(url)
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        max_connections = params.get("max_connections", _DEFAULT_MAX_CONNECTIONS)
        if not isinstance(max_connections, int) or not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed) or None
        drop = bool(params.get("drop_pending_updates"))
        current = self._webhook
        if current is not None and current.url == url and not drop:
            # Same URL: new settings apply to the next requests, nothing is resent.
            current.secret_token = None if secret is None else str(secret)
            if current.max_connections != max_connections:
                current.max_connections = max_connections
                current.slots = asyncio.Semaphore(max_connections)
            return True
        await self._stop_webhook()
        if drop:
            self._updates.clear()
        hook = Webhook(
            url=url,
            ip_address=ip_address,
            secret_token=None if secret is None else str(secret),
            max_connections=max_connections,
            slots=asyncio.Semaphore(max_connections),
        )
        self._webhook = hook
        hook.task = asyncio.get_running_loop().create_task(self._dispatch(hook))
        # Wake long polls so they answer 409 like Telegram does.
        self._notify_updates()
        return True

    async def _delete_webhook(self, params: JSONDict) -> bool:
        await self._stop_webhook()
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        hook = self._webhook
        if hook is None:
            return info
        info["url"] = hook.url
        info["ip_address"] = hook.ip_address
        info["max_connections"] = hook.max_connections
        if self._allowed_updates is not None:
            info["allowed_updates"] = sorted(self._allowed_updates)
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        return info

    # ----------------------------------------------------------------- delivery

    async def _stop_webhook(self) -> None:
        hook, self._webhook = self._webhook, None
        if hook is None or hook.task is None:
            return
        hook.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await hook.task

    async def _dispatch(self, hook: Webhook) -> None:
        """Hand each pending update to its chat's lane, in update order, as they come."""
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
        # trust_env=False: an HTTP(S)_PROXY in the environment must not carry updates away.
        async with aiohttp.ClientSession(timeout=timeout, trust_env=False) as session:
            try:
                while True:
                    flag = self._update_event
                    self._assign(hook, session)
                    await wait_event(flag, 3600.0)
            finally:
                for worker in hook.workers:
                    worker.cancel()
                await asyncio.gather(*hook.workers, return_exceptions=True)

    def _assign(self, hook: Webhook, session: aiohttp.ClientSession) -> None:
        allowed = self._allowed_updates
        for update in list(self._updates):
            update_id, kind, payload = update
            if update_id in hook.assigned:
                continue
            if allowed is not None and kind not in allowed:
                # Telegram never delivers a kind the bot did not ask for.
                self._updates.remove(update)
                continue
            hook.assigned.add(update_id)
            key = _chat_key(kind, payload)
            lane = hook.lanes.get(key)
            if lane is not None:
                lane.append(update)
                continue
            hook.lanes[key] = deque([update])
            worker = asyncio.get_running_loop().create_task(self._drain_lane(hook, session, key))
            hook.workers.add(worker)
            worker.add_done_callback(hook.workers.discard)

    async def _drain_lane(self, hook: Webhook, session: aiohttp.ClientSession, key: object) -> None:
        lane = hook.lanes[key]
        while lane:
            await self._deliver_until_accepted(hook, session, lane[0])
            lane.popleft()
        del hook.lanes[key]

    async def _deliver_until_accepted(
        self, hook: Webhook, session: aiohttp.ClientSession, update: PendingUpdate
    ) -> None:
        update_id, kind, payload = update
        body = json.dumps({"update_id": update_id, kind: payload}, ensure_ascii=False).encode()
        delay = self.webhook_retry_delay
        while True:
            async with hook.slots:
                error = await _post(session, hook, body)
            self.webhook_attempts += 1
            if error is None:
                break
            self.webhook_failures += 1
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            _LOGGER.info("webhook delivery of update %d failed: %s", update_id, error)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.webhook_retry_max_delay)
        with contextlib.suppress(ValueError):
            self._updates.remove(update)
        self.webhook_delivered.append(update_id)
        self._notify_updates()


async def _post(session: aiohttp.ClientSession, hook: Webhook, body: bytes) -> str | None:
    """POST one update; None when the bot accepted it, else Telegram's wording of the error."""
    headers = {"Content-Type": "application/json"}
    if hook.secret_token is not None:
        headers[SECRET_HEADER] = hook.secret_token
    try:
        async with session.post(
            hook.url, data=body, headers=headers, allow_redirects=False
        ) as response:
            await response.read()
            if 200 <= response.status < 300:
                return None
            return f"Wrong response from the webhook: {response.status} {response.reason or ''}".rstrip()
    except TimeoutError:
        return "Read timeout expired"
    except aiohttp.ClientConnectorError:
        return "Connection refused"
    except aiohttp.ClientError as exc:
        return f"Connection failed: {exc.__class__.__name__}"


async def _loopback_address(url: str) -> str:
    """The loopback IP ``url`` points to; 400 for anything that could leave the machine."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise bad_request("bad webhook: an HTTP or HTTPS URL must be provided for webhook")
    refusal = bad_request(
        "bad webhook: the local Bot API server delivers only to loopback addresses "
        "(127.0.0.1, ::1, localhost)"
    )
    try:
        port = parts.port
    except ValueError:
        raise bad_request("bad webhook: invalid port in the URL") from None
    host = parts.hostname
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        if host.lower() != "localhost":
            raise refusal from None
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port or 80, type=socket.SOCK_STREAM
            )
        except OSError:
            raise bad_request("bad webhook: Failed to resolve host") from None
        addresses = {ipaddress.ip_address(info[4][0]) for info in infos}
    if not addresses or not all(address.is_loopback for address in addresses):
        raise refusal
    return str(min(addresses, key=lambda address: (address.version, str(address))))


def _chat_key(kind: str, payload: JSONDict) -> object:
    """The chat an update belongs to: its updates are delivered one after another."""
    for holder in (payload.get("message"), payload):
        if isinstance(holder, dict):
            chat = holder.get("chat")
            if isinstance(chat, dict) and "id" in chat:
                return chat["id"]
    sender = payload.get("from")
    if isinstance(sender, dict) and "id" in sender:
        return sender["id"]
    return kind
