"""What the local Bot API server knows: users, chats, the bot's messages, pending updates, files."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from localbotapi.files import FileStore
from localbotapi.records import (
    AnswerHook,
    Call,
    CallbackAnswer,
    Event,
    JSONDict,
    OutgoingHook,
    SentMessage,
    bad_request,
)

if TYPE_CHECKING:
    from localbotapi.faults import Bucket, Failure
    from localbotapi.webhook import Webhook

__all__ = ["BotMethod", "ServerState", "wait_event"]

_LOGGER = logging.getLogger(__name__)
_Seen = TypeVar("_Seen")

BotMethod = Callable[[JSONDict], Awaitable[Any]]


class ServerState:
    """The state shared by the server's parts, and the helpers that keep it consistent.

    The user side (:mod:`localbotapi.users`), the bot side (:mod:`localbotapi.methods`),
    fault injection (:mod:`localbotapi.faults`) and inspection
    (:mod:`localbotapi.inspection`) all read and change this one state, from the event
    loop the server runs in.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "bottega_local_bot",
        bot_first_name: str = "Bottega",
        record: bool = True,
        max_history: int | None = None,
        max_calls: int | None = None,
        global_limit_per_s: float | None = None,
        per_chat_limit_per_s: float | None = None,
        blocked_users: Iterable[int] = (),
        latency: float = 0.0,
        validate: bool = True,
        keep_files: bool = False,
        on_outgoing: OutgoingHook | None = None,
        on_answer: AnswerHook | None = None,
        webhook_timeout: float = 10.0,
        webhook_retry_delay: float = 0.2,
        webhook_retry_max_delay: float = 5.0,
    ) -> None:
        self.host = host
        self.port = port
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.record = record
        self.max_history = max_history
        self.global_limit_per_s = global_limit_per_s
        self.per_chat_limit_per_s = per_chat_limit_per_s
        self.blocked_users: set[int] = set(blocked_users)
        self.latency = latency
        self.validate = validate
        self.keep_files = keep_files
        self.on_outgoing = on_outgoing
        self.on_answer = on_answer
        self.webhook_timeout = webhook_timeout
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_retry_max_delay = webhook_retry_max_delay

        # Every file users and the bot sent, with its bytes.
        self.files = FileStore()
        # What the bot did.
        self.calls: deque[Call] = deque(maxlen=max_calls)
        self.call_counts: Counter[str] = Counter()
        self.unknown_methods: list[str] = []
        self.answers: dict[str, CallbackAnswer] = {}
        self.commands: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.bot_settings: dict[str, str] = {}
        self.chat_actions: Counter[int] = Counter()
        # Delivery counters.
        self.delivered: Counter[int] = Counter()
        self.too_many_requests = 0
        self.forbidden = 0
        self.injected_failures = 0
        # Webhook delivery: POSTs made, POSTs refused or failed, update ids accepted in order.
        self.webhook_attempts = 0
        self.webhook_failures = 0
        self.webhook_delivered: list[int] = []

        self._tokens: set[str] = set()
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._closing = False
        self._update_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._media_group_ids = itertools.count(13_000_000_000_000_001)
        self._updates: deque[tuple[int, str, JSONDict]] = deque()
        self._allowed_updates: frozenset[str] | None = None
        self._update_event = asyncio.Event()
        self._outgoing_event = asyncio.Event()
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[int, OrderedDict[int, SentMessage]] = {}
        self._log: dict[int, deque[Event]] = {}
        self._cursor: dict[int, int] = {}
        self._users: dict[int, JSONDict] = {}
        self._callbacks: dict[str, int] = {}
        self._failures: list[Failure] = []
        self._global_bucket: Bucket | None = None
        self._chat_buckets: dict[int, Bucket] = {}
        self._webhook: Webhook | None = None
        self._methods = self._method_table()

    def _method_table(self) -> dict[str, BotMethod]:
        """Bot API methods by lower-case name (filled in by the bot side)."""
        return {}

    # ----------------------------------------------------------------- state helpers

    def _bot_user(self) -> JSONDict:
        bot_id = 1
        for token in self._tokens:
            head = token.split(":", 1)[0]
            if head.isdigit():
                bot_id = int(head)
                break
        return {
            "id": bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _chat_dict(self, chat_id: int) -> JSONDict:
        if chat_id > 0:
            chat: JSONDict = {"id": chat_id, "type": "private"}
            user = self._users.get(chat_id)
            chat["first_name"] = user["first_name"] if user else "User"
            if user:
                for key in ("last_name", "username"):
                    if key in user:
                        chat[key] = user[key]
            return chat
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Group {chat_id}"}

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _queue_user_message(self, user_id: int, fields: JSONDict, note: str) -> int:
        message_id = self._new_message_id(user_id)
        message: JSONDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat_dict(user_id),
            "from": dict(self._users[user_id]),
            **fields,
        }
        self._remember(user_id, "user", None, note)
        self._push_update("message", message)
        return message_id

    def _push_update(self, kind: str, payload: JSONDict) -> None:
        self._updates.append((next(self._update_ids), kind, payload))
        self._notify_updates()

    def _notify_updates(self) -> None:
        flag, self._update_event = self._update_event, asyncio.Event()
        flag.set()

    def _remember(self, chat_id: int, who: str, message: SentMessage | None, note: str) -> None:
        if not self.record:
            return
        log = self._log.get(chat_id)
        if log is None:
            log = self._log[chat_id] = deque(maxlen=self.max_history)
        log.append(Event(next(self._seq), who, message, note))

    def _store(self, message: SentMessage) -> None:
        if not self.record:
            return
        messages = self._messages.get(message.chat_id)
        if messages is None:
            messages = self._messages[message.chat_id] = OrderedDict()
        messages[message.message_id] = message
        if self.max_history is not None and len(messages) > self.max_history:
            messages.popitem(last=False)

    async def _emit(self, who: str, message: SentMessage) -> None:
        self._remember(message.chat_id, who, message, "")
        await self._bot_acted(self.on_outgoing, message, "on_outgoing")

    async def _bot_acted(
        self, hook: Callable[[_Seen], Awaitable[None] | None] | None, seen: _Seen, name: str
    ) -> None:
        """Wake whoever waits for the bot's next action, then run the test's hook on it (plain
        or async); a hook that fails is logged and never fails the bot's request."""
        flag, self._outgoing_event = self._outgoing_event, asyncio.Event()
        flag.set()
        if hook is None:
            return
        try:
            result = hook(seen)
            if inspect.isawaitable(result):
                await result
        except Exception:
            _LOGGER.exception("%s hook failed", name)

    def _message_dict(self, message: SentMessage) -> JSONDict:
        data: JSONDict = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self._chat_dict(message.chat_id),
            "from": self._bot_user(),
        }
        if message.kind == "text":
            data["text"] = message.text or ""
        elif message.text is not None:
            data["caption"] = message.text
        if message.kind != "text" and message.file_id is not None:
            data.update(self._media_fields(message.kind, message.file_id))
        if message.media_group_id is not None:
            data["media_group_id"] = message.media_group_id
        if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.edited:
            data["edit_date"] = int(time.time())
        return data

    def _media_fields(self, kind: str, file_id: str) -> JSONDict:
        """The ``photo`` list of sizes, or the ``document``/``video``/… object, of a file."""
        if kind == "photo":
            return {"photo": [size.as_object() for size in self.files.photo_sizes(file_id)]}
        stored = self.files.get(file_id)
        if stored is None:
            return {kind: {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": 0}}
        return {kind: stored.as_object()}

    def _lookup(self, chat_id: object, message_id: object) -> SentMessage | None:
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            return None
        messages = self._messages.get(chat_id)
        return None if messages is None else messages.get(message_id)

    def _find_message(self, params: JSONDict, action: str) -> SentMessage | None:
        """The stored message addressed by chat_id/message_id; None when not recording."""
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            raise bad_request(f"message to {action} not found")
        message = self._lookup(chat_id, message_id)
        if message is None or message.deleted:
            if self.record and (self.max_history is None or message is not None):
                raise bad_request(f"message to {action} not found")
            return None
        return message


async def wait_event(flag: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(flag.wait(), seconds)
    except TimeoutError:
        return False
    return True
