"""Delivery as Telegram enforces it, and faults on demand: flood control, blocked users, injected errors."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from localbotapi.records import ApiError, JSONDict, bad_request
from localbotapi.state import ServerState
from localbotapi.wire import HTTP_PHRASES

__all__ = ["BLOCKABLE", "RATE_LIMITED", "Bucket", "Failure", "FaultInjection"]

# Methods that create or change a message in a chat: subject to flood control.
RATE_LIMITED = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendvideo",
        "sendaudio",
        "sendvoice",
        "sendanimation",
        "sendmediagroup",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)
# Methods that fail with 403 when the target user blocked the bot.
BLOCKABLE = RATE_LIMITED | {"sendchataction"}


@dataclass(slots=True)
class Failure:
    method: str
    remaining: int
    status: int
    description: str | None
    retry_after: int | None


class Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp

    def wait_time(self, rate: float, now: float) -> float:
        capacity = max(1.0, rate)
        self.tokens = min(capacity, self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / rate


class FaultInjection(ServerState):
    """429 with ``retry_after`` from token buckets, 403 for blocked users, errors on demand."""

    # ----------------------------------------------------------------- failure injection

    def fail_next(
        self,
        method: str = "*",
        n: int = 1,
        status: int = 500,
        *,
        description: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer the next ``n`` calls of ``method`` (``"*"`` = any but getUpdates) with
        an error ``status``; for 429 pass ``retry_after``."""
        self._failures.append(Failure(method.lower(), n, status, description, retry_after))

    # ----------------------------------------------------------------- HTTP plumbing

    def _inject_failure(self, key: str) -> None:
        for failure in self._failures:
            if failure.method == key or (failure.method == "*" and key != "getupdates"):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                self.injected_failures += 1
                parameters = None
                if failure.retry_after is not None:
                    parameters = {"retry_after": failure.retry_after}
                    self.too_many_requests += 1
                phrase = HTTP_PHRASES.get(failure.status, "Error")
                raise ApiError(failure.status, failure.description or phrase, parameters)

    def _check_delivery(self, key: str, params: JSONDict) -> None:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            if "inline_message_id" in params:
                return
            raise bad_request("chat not found")
        if chat_id in self.blocked_users:
            self.forbidden += 1
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if key not in RATE_LIMITED:
            return
        global_rate, chat_rate = self.global_limit_per_s, self.per_chat_limit_per_s
        if not global_rate and not chat_rate:
            return
        now = time.monotonic()
        wait = 0.0
        global_bucket = chat_bucket = None
        if global_rate:
            if self._global_bucket is None:
                self._global_bucket = Bucket(max(1.0, global_rate), now)
            global_bucket = self._global_bucket
            wait = global_bucket.wait_time(global_rate, now)
        if chat_rate:
            chat_bucket = self._chat_buckets.get(chat_id)
            if chat_bucket is None:
                chat_bucket = self._chat_buckets[chat_id] = Bucket(max(1.0, chat_rate), now)
            wait = max(wait, chat_bucket.wait_time(chat_rate, now))
        if wait > 0:
            self.too_many_requests += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        # An album counts as as many messages as it has items: it may overdraw the bucket,
        # so what follows it waits for every one of them.
        media = params.get("media") if key == "sendmediagroup" else None
        cost = float(len(media)) if isinstance(media, list) and media else 1.0
        for bucket in (global_bucket, chat_bucket):
            if bucket is not None:
                bucket.tokens -= cost
