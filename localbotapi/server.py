"""Local stand-in for the Telegram Bot API, for end-to-end tests and ``bottega chat``.

:class:`LocalBotAPI` runs an aiohttp server on 127.0.0.1 that answers the subset of the
Bot API that Bottega uses, in the wire format python-telegram-bot's ``HTTPXRequest``
expects (``POST {base_url}{token}/{method}``, form-encoded or multipart, answered with
``{"ok": true, "result": ...}`` or an error object).  The same object plays the users:
it queues their messages and button presses as updates for ``getUpdates`` and records
everything the bot sends, so a test reads like a conversation::

    async with LocalBotAPI() as api:
        app = Application.builder().token("123:TEST").base_url(api.base_url).build()
        ...  # start the app and its polling updater
        await api.user_sends(42, "/start")
        msg = await api.wait_for(42, contains="Welcome")
        await api.press(42, msg, "Designer")

It can also simulate flood control (HTTP 429 with ``retry_after``), users who blocked
the bot (403), and transient server failures, for testing the delivery layer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import inspect
import itertools
import json
import logging
import math
import re
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeAlias

from aiohttp import web

__all__ = [
    "Call",
    "CallbackAnswer",
    "LocalBotAPI",
    "SentMessage",
]

_LOGGER = logging.getLogger(__name__)

JSONDict: TypeAlias = dict[str, Any]
OutgoingHook: TypeAlias = Callable[["SentMessage"], Awaitable[None] | None]
AnswerHook: TypeAlias = Callable[["CallbackAnswer"], Awaitable[None] | None]

# Parameters whose form values are JSON documents (PTB json-dumps every non-str value).
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "menu_button",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
        "rights",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "cache_time",
        "reply_to_message_id",
        "user_id",
        "from_chat_id",
        "message_thread_id",
    }
)
_FLOAT_FIELDS = frozenset({"timeout"})
_BOOL_FIELDS = frozenset(
    {
        "show_alert",
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
    }
)

# Methods that create or change a message in a chat: subject to flood control.
_RATE_LIMITED = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)
# Methods that fail with 403 when the target user blocked the bot.
_BLOCKABLE = _RATE_LIMITED | {"sendchataction"}
_SENDING = frozenset({"sendmessage", "sendphoto", "senddocument"})

_HTTP_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

_MAX_TEXT = 4096
_MAX_CAPTION = 1024
_MAX_CALLBACK_DATA = 64
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_HTML_STRIP_RE = re.compile(r"<[^>]*>")
_MDV2_LINK_RE = re.compile(r"\[([^\]]*)\]\((?:[^)\\]|\\.)*\)")
_MDV2_ESCAPE_RE = re.compile(r"\\(.)")
_MDV2_MARKER_RE = re.compile(r"(?<!\\)(\|\||__|[*_~`])")


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class SentMessage:
    """A message the bot sent, as the server currently knows it.

    ``text`` holds the text, or the caption of a photo/document.  ``buttons`` are the
    inline keyboard rows as ``(text, callback_data or url)`` pairs; ``keyboard`` are the
    rows of a reply keyboard.  Edits replace the stored object with a new one whose
    ``history`` lists the earlier texts, so objects returned by :meth:`LocalBotAPI.wait_for`
    are snapshots.
    """

    message_id: int
    chat_id: int
    text: str | None
    kind: str = "text"
    parse_mode: str | None = None
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    keyboard: list[list[str]] = field(default_factory=list)
    remove_keyboard: bool = False
    reply_markup: JSONDict | None = None
    reply_to: int | None = None
    file_id: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    file_data: bytes | None = None
    date: int = 0
    edited: bool = False
    history: list[str | None] = field(default_factory=list)
    deleted: bool = False

    @property
    def caption(self) -> str | None:
        """The caption of a photo or document (``None`` for text messages)."""
        return None if self.kind == "text" else self.text

    @property
    def plain_text(self) -> str:
        """The text with HTML/Markdown markup removed (approximately, as a user sees it)."""
        return _plain_text(self.text or "", self.parse_mode)

    @property
    def button_texts(self) -> list[str]:
        """All inline button labels, row by row."""
        return [text for row in self.buttons for text, _ in row]

    def button(self, label: str) -> tuple[str, str]:
        """Find an inline button by exact label, else by unique case-insensitive substring."""
        flat = [button for row in self.buttons for button in row]
        for button in flat:
            if button[0] == label:
                return button
        needle = label.casefold()
        found = [button for button in flat if needle in button[0].casefold()]
        if len(found) == 1:
            return found[0]
        problem = "ambiguous" if found else "not found"
        raise AssertionError(
            f"button {label!r} {problem} in message {self.message_id}: {self.button_texts}"
        )

    def describe(self) -> str:
        """A one-message rendering for transcripts and terminal chat."""
        parts: list[str] = []
        if self.kind != "text":
            size = f", {self.file_size} bytes" if self.file_size is not None else ""
            name = f" {self.file_name}" if self.file_name else ""
            parts.append(f"[{self.kind}{name}{size}]")
        if self.text:
            parts.append(self.plain_text)
        for row in self.buttons:
            parts.append("  ".join(f"[{text}]" for text, _ in row))
        if self.keyboard:
            rows = " / ".join(" | ".join(row) for row in self.keyboard)
            parts.append(f"(keyboard: {rows})")
        if self.remove_keyboard:
            parts.append("(keyboard removed)")
        if self.deleted:
            parts.append("(deleted)")
        return "\n".join(parts)


@dataclass(slots=True, frozen=True)
class CallbackAnswer:
    """What the bot answered to a callback query (``answerCallbackQuery``)."""

    callback_id: str
    text: str | None
    show_alert: bool
    url: str | None = None


class Call(NamedTuple):
    """One request received by the server: method name and decoded parameters."""

    method: str
    params: JSONDict


@dataclass(slots=True)
class _Upload:
    filename: str | None
    content_type: str | None
    data: bytes


class _Event(NamedTuple):
    seq: int
    who: str  # user, bot, edit, delete, press, answer
    message: SentMessage | None
    note: str


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass(slots=True)
class _Failure:
    method: str
    remaining: int
    status: int
    description: str | None
    retry_after: int | None


class _Bucket:
    __slots__ = ("stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp

    def wait_time(self, rate: float, now: float) -> float:
        capacity = max(1.0, rate)
        self.tokens = min(capacity, self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / rate


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


# --------------------------------------------------------------------------- the server


class LocalBotAPI:
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

    All methods must be called from the event loop the server runs in.
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

        self._tokens: set[str] = set()
        self._runner: web.AppRunner | None = None
        self._base_url: str | None = None
        self._closing = False
        self._update_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._updates: deque[tuple[int, str, JSONDict]] = deque()
        self._allowed_updates: frozenset[str] | None = None
        self._update_event = asyncio.Event()
        self._outgoing_event = asyncio.Event()
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[int, OrderedDict[int, SentMessage]] = {}
        self._log: dict[int, deque[_Event]] = {}
        self._cursor: dict[int, int] = {}
        self._users: dict[int, JSONDict] = {}
        self._callbacks: dict[str, int] = {}
        self._files: dict[str, _Upload] = {}
        self._failures: list[_Failure] = []
        self._global_bucket: _Bucket | None = None
        self._chat_buckets: dict[int, _Bucket] = {}
        self._methods: dict[str, Callable[[JSONDict], Awaitable[Any]]] = {
            "getme": self._get_me,
            "logout": self._true,
            "close": self._true,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "sendchataction": self._send_chat_action,
            "getchat": self._get_chat,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": self._get_chat_menu_button,
            "setmydescription": self._set_bot_setting("description"),
            "setmyshortdescription": self._set_bot_setting("short_description"),
            "setmyname": self._set_bot_setting("name"),
            "getfile": self._get_file,
        }

    # ----------------------------------------------------------------- lifecycle

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
        """Release pending long polls and stop the server."""
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

    # ----------------------------------------------------------------- users

    def set_user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSONDict:
        """Create or update a simulated user; return the User object dict."""
        user = self._users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": "Ada", "language_code": "en"}
            self._users[user_id] = user
        for key, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value is not None:
                user[key] = value
        return user

    async def user_sends(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str | None = None,
        language_code: str | None = None,
        username: str | None = None,
    ) -> int:
        """Queue a text message from a user in their private chat; return its message_id.

        A leading ``/command`` (also ``/start payload`` deep links) gets a ``bot_command``
        entity so ``CommandHandler`` fires.  Unset profile fields keep earlier values
        (defaults: first name "Ada", language "en").
        """
        self.set_user(
            user_id, first_name=first_name, language_code=language_code, username=username
        )
        fields: JSONDict = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            fields["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
            ]
        return self._queue_user_message(user_id, fields, text)

    async def user_sends_sticker(
        self, user_id: int, *, emoji: str = "\N{THUMBS UP SIGN}", set_name: str | None = None
    ) -> int:
        """Queue a sticker message; return its message_id."""
        self.set_user(user_id)
        file_id, unique_id = self._new_file_id("sticker")
        sticker: JSONDict = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        if set_name is not None:
            sticker["set_name"] = set_name
        return self._queue_user_message(user_id, {"sticker": sticker}, f"[sticker {emoji}]")

    async def user_sends_photo(
        self,
        user_id: int,
        data: bytes = b"\x89PNG\r\n\x1a\n",
        *,
        caption: str | None = None,
        width: int = 800,
        height: int = 600,
    ) -> int:
        """Queue a photo message (downloadable through ``getFile``); return its message_id."""
        self.set_user(user_id)
        file_id, unique_id = self._new_file_id("photo")
        self._files[file_id] = _Upload(f"{file_id}.jpg", "image/jpeg", data)
        small = {"file_id": file_id + "s", "file_unique_id": unique_id + "s"}
        self._files[small["file_id"]] = self._files[file_id]
        photo = [
            {**small, "width": 90, "height": 90 * height // max(width, 1), "file_size": len(data)},
            {
                "file_id": file_id,
                "file_unique_id": unique_id,
                "width": width,
                "height": height,
                "file_size": len(data),
            },
        ]
        fields: JSONDict = {"photo": photo}
        if caption is not None:
            fields["caption"] = caption
        return self._queue_user_message(user_id, fields, f"[photo] {caption or ''}".rstrip())

    async def user_sends_document(
        self,
        user_id: int,
        data: bytes = b"%PDF-1.4\n",
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
    ) -> int:
        """Queue a document message (downloadable through ``getFile``); return its message_id."""
        self.set_user(user_id)
        file_id, unique_id = self._new_file_id("document")
        self._files[file_id] = _Upload(file_name, mime_type, data)
        document = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        fields: JSONDict = {"document": document}
        if caption is not None:
            fields["caption"] = caption
        note = f"[document {file_name}] {caption or ''}".rstrip()
        return self._queue_user_message(user_id, fields, note)

    async def user_sends_contact(
        self, user_id: int, phone_number: str, *, first_name: str | None = None
    ) -> int:
        """Queue a shared contact (e.g. from a ``request_contact`` button)."""
        user = self.set_user(user_id)
        contact = {
            "phone_number": phone_number,
            "first_name": first_name or user["first_name"],
            "user_id": user_id,
        }
        return self._queue_user_message(user_id, {"contact": contact}, f"[contact {phone_number}]")

    async def user_sends_location(self, user_id: int, latitude: float, longitude: float) -> int:
        """Queue a shared location."""
        self.set_user(user_id)
        location = {"latitude": latitude, "longitude": longitude}
        return self._queue_user_message(
            user_id, {"location": location}, f"[location {latitude},{longitude}]"
        )

    async def user_sends_raw(self, user_id: int, fields: Mapping[str, Any]) -> int:
        """Queue a message with arbitrary extra Message fields (escape hatch)."""
        self.set_user(user_id)
        return self._queue_user_message(user_id, dict(fields), f"[message {sorted(fields)}]")

    async def user_presses(self, user_id: int, message_id: int, callback_data: str) -> str:
        """Queue a callback query for a button on a bot message; return the query id."""
        user = self.set_user(user_id)
        chat_id = user_id
        callback_id = str(4_000_000_000 + next(self._callback_ids))
        current = self._lookup(chat_id, message_id)
        if current is not None:
            message = self._message_dict(current)
        else:
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": self._chat_dict(chat_id),
                "from": self._bot_user(),
                "text": "",
            }
        query = {
            "id": callback_id,
            "from": dict(user),
            "chat_instance": str(chat_id * 7919),
            "message": message,
            "data": callback_data,
        }
        self._callbacks[callback_id] = chat_id
        label = callback_data
        if current is not None:
            for text, data in (b for row in current.buttons for b in row):
                if data == callback_data:
                    label = text
                    break
        self._remember(chat_id, "press", None, f"[pressed {label!r} on #{message_id}]")
        self._push_update("callback_query", query)
        return callback_id

    async def press(self, user_id: int, message: SentMessage | int, button: str) -> str:
        """Press an inline button by its label (exact, else unique substring).

        The button is looked up on the message as the server currently knows it.
        Returns the callback query id (see :meth:`wait_for_answer`).
        """
        message_id = message if isinstance(message, int) else message.message_id
        chat_id = user_id if isinstance(message, int) else message.chat_id
        current = self._lookup(chat_id, message_id)
        if current is None:
            if isinstance(message, int):
                raise AssertionError(f"no message {message_id} in chat {chat_id}")
            current = message
        text, data = current.button(button)
        if not current.reply_markup or not _is_callback_button(current.reply_markup, text):
            raise AssertionError(f"button {text!r} is not a callback button ({data!r})")
        return await self.user_presses(user_id, message_id, data)

    # ----------------------------------------------------------------- inspection

    def sent(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to a chat, oldest first, in their current state."""
        return list(self._messages.get(chat_id, {}).values())

    def last(self, chat_id: int) -> SentMessage:
        """The most recent message the bot sent to a chat."""
        messages = self._messages.get(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return next(reversed(messages.values()))

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """A bot message by id, in its current state."""
        try:
            return self._messages[chat_id][message_id]
        except KeyError:
            raise AssertionError(f"no bot message {message_id} in chat {chat_id}") from None

    def calls_to(self, method: str) -> list[JSONDict]:
        """Parameters of every recorded call to ``method`` (case-insensitive)."""
        wanted = method.lower()
        return [call.params for call in self.calls if call.method.lower() == wanted]

    def commands_for(self, language_code: str = "", scope: str = "default") -> list[str]:
        """Command names set with setMyCommands for a language and scope key."""
        return [name for name, _ in self.commands.get((scope, language_code), [])]

    def transcript(self, chat_id: int) -> str:
        """The conversation in a chat as text (users ``>``, bot ``<``)."""
        cursor = self._cursor.get(chat_id, 0)
        lines = [f"--- chat {chat_id} ---"]
        marked = False
        for event in self._log.get(chat_id, ()):
            if not marked and event.seq > cursor and cursor:
                lines.append("    ---- (already consumed above) ----")
                marked = True
            if event.message is not None:
                head = {"bot": "<", "edit": "< (edit)", "delete": "< (delete)"}[event.who]
                body = event.message.describe().replace("\n", "\n      ")
                lines.append(f"  {head} #{event.message.message_id} {body}")
            else:
                head = ">" if event.who in {"user", "press"} else "  "
                lines.append(f"  {head} {event.note}")
        return "\n".join(lines)

    def clear(self) -> None:
        """Forget recorded messages, calls, answers and counters (keeps configuration)."""
        self.calls.clear()
        self.call_counts.clear()
        self.unknown_methods.clear()
        self.answers.clear()
        self.delivered.clear()
        self.chat_actions.clear()
        self.too_many_requests = self.forbidden = self.injected_failures = 0
        self._messages.clear()
        self._log.clear()
        self._cursor.clear()

    async def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        *,
        contains: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> SentMessage:
        """Wait for the next new bot message or edit in a chat that matches.

        Only messages after the last one consumed by an earlier ``wait_for`` count;
        non-matching ones in between are skipped.  ``contains`` matches the raw text or
        :attr:`SentMessage.plain_text`.  Raises AssertionError with the transcript on
        timeout.
        """
        if not self.record:
            raise RuntimeError("wait_for needs record=True")

        def matches(message: SentMessage) -> bool:
            if contains is not None:
                raw = message.text or ""
                if contains not in raw and contains not in message.plain_text:
                    return False
            return predicate is None or predicate(message)

        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            event_flag = self._outgoing_event
            cursor = self._cursor.get(chat_id, 0)
            for event in self._log.get(chat_id, ()):
                if event.seq <= cursor or event.who not in {"bot", "edit"}:
                    continue
                assert event.message is not None
                if matches(event.message):
                    self._cursor[chat_id] = event.seq
                    return event.message
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or not await _wait_event(event_flag, remaining):
                wanted = []
                if contains is not None:
                    wanted.append(f"containing {contains!r}")
                if predicate is not None:
                    wanted.append(f"matching {getattr(predicate, '__name__', predicate)}")
                raise AssertionError(
                    f"no new bot message {' and '.join(wanted) or ''} in chat {chat_id} "
                    f"within {timeout}s\n{self.transcript(chat_id)}"
                )

    async def drain(self, chat_id: int) -> list[SentMessage]:
        """Consume and return every new bot message/edit in a chat (no waiting)."""
        cursor = self._cursor.get(chat_id, 0)
        fresh = [
            event
            for event in self._log.get(chat_id, ())
            if event.seq > cursor and event.who in {"bot", "edit"}
        ]
        if fresh:
            self._cursor[chat_id] = fresh[-1].seq
        return [event.message for event in fresh if event.message is not None]

    async def expect_silence(self, chat_id: int, within: float = 0.2) -> None:
        """Assert the bot sends or edits nothing new in a chat for ``within`` seconds."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            event_flag = self._outgoing_event
            cursor = self._cursor.get(chat_id, 0)
            for event in self._log.get(chat_id, ()):
                if event.seq > cursor and event.who in {"bot", "edit"}:
                    raise AssertionError(
                        f"unexpected bot output in chat {chat_id}\n{self.transcript(chat_id)}"
                    )
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or not await _wait_event(event_flag, remaining):
                return

    async def wait_for_answer(
        self,
        callback_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> CallbackAnswer:
        """Wait until the bot answers a callback query."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            event_flag = self._outgoing_event
            answer = self.answers.get(callback_id)
            if answer is not None:
                return answer
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or not await _wait_event(event_flag, remaining):
                chat_id = self._callbacks.get(callback_id)
                transcript = self.transcript(chat_id) if chat_id is not None else ""
                raise AssertionError(
                    f"callback query {callback_id} not answered within {timeout}s\n{transcript}"
                )

    async def wait_idle(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has fetched every queued update."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._updates:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{len(self._updates)} updates still pending")
            await asyncio.sleep(0.005)

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
        self._failures.append(_Failure(method.lower(), n, status, description, retry_after))

    # ----------------------------------------------------------------- HTTP plumbing

    async def _handle(self, request: web.Request) -> web.Response:
        self._tokens.add(request.match_info["token"])
        method = request.match_info["method"]
        key = method.lower()
        try:
            params = await _read_params(request)
        except ValueError as exc:
            return _error_response(400, f"Bad Request: {exc}")
        self.call_counts[method] += 1
        if self.record:
            self.calls.append(Call(method, params))
        handler = self._methods.get(key)
        if handler is None:
            self.unknown_methods.append(method)
            return _error_response(404, "Not Found: method not found")
        try:
            self._inject_failure(key)
            if key in _BLOCKABLE:
                self._check_delivery(key, params)
            result = await handler(params)
        except _ApiError as exc:
            return _error_response(exc.status, exc.description, exc.parameters)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            _LOGGER.exception("LocalBotAPI could not handle %s", method)
            return _error_response(400, f"Bad Request: invalid parameters ({exc!r})")
        return web.Response(
            body=json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode(),
            content_type="application/json",
        )

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        upload = self._files.get(path.rsplit("/", 1)[-1])
        if upload is None:
            return _error_response(404, "Not Found")
        return web.Response(body=upload.data, content_type="application/octet-stream")

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
                phrase = _HTTP_PHRASES.get(failure.status, "Error")
                raise _ApiError(failure.status, failure.description or phrase, parameters)

    def _check_delivery(self, key: str, params: JSONDict) -> None:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            if "inline_message_id" in params:
                return
            raise _bad_request("chat not found")
        if chat_id in self.blocked_users:
            self.forbidden += 1
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if key not in _RATE_LIMITED:
            return
        global_rate, chat_rate = self.global_limit_per_s, self.per_chat_limit_per_s
        if not global_rate and not chat_rate:
            return
        now = time.monotonic()
        wait = 0.0
        global_bucket = chat_bucket = None
        if global_rate:
            if self._global_bucket is None:
                self._global_bucket = _Bucket(max(1.0, global_rate), now)
            global_bucket = self._global_bucket
            wait = global_bucket.wait_time(global_rate, now)
        if chat_rate:
            chat_bucket = self._chat_buckets.get(chat_id)
            if chat_bucket is None:
                chat_bucket = self._chat_buckets[chat_id] = _Bucket(max(1.0, chat_rate), now)
            wait = max(wait, chat_bucket.wait_time(chat_rate, now))
        if wait > 0:
            self.too_many_requests += 1
            retry_after = max(1, math.ceil(wait))
            raise _ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        for bucket in (global_bucket, chat_bucket):
            if bucket is not None:
                bucket.tokens -= 1.0

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

    def _new_file_id(self, kind: str) -> tuple[str, str]:
        number = next(self._file_ids)
        return f"local-{kind}-{number}", f"u{kind[:2]}{number}"

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
        log.append(_Event(next(self._seq), who, message, note))

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
        flag, self._outgoing_event = self._outgoing_event, asyncio.Event()
        flag.set()
        hook = self.on_outgoing
        if hook is None:
            return
        try:
            result = hook(message)
            if inspect.isawaitable(result):
                await result
        except Exception:
            _LOGGER.exception("on_outgoing hook failed")

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
        if message.kind == "photo":
            data["photo"] = [
                {
                    "file_id": message.file_id,
                    "file_unique_id": f"u{message.file_id}",
                    "width": 1280,
                    "height": 960,
                    "file_size": message.file_size or 0,
                }
            ]
        elif message.kind == "document":
            document: JSONDict = {
                "file_id": message.file_id,
                "file_unique_id": f"u{message.file_id}",
                "file_size": message.file_size or 0,
            }
            if message.file_name:
                document["file_name"] = message.file_name
            data["document"] = document
        if message.reply_markup is not None and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        if message.edited:
            data["edit_date"] = int(time.time())
        return data

    def _lookup(self, chat_id: object, message_id: object) -> SentMessage | None:
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            return None
        messages = self._messages.get(chat_id)
        return None if messages is None else messages.get(message_id)

    def _find_message(self, params: JSONDict, action: str) -> SentMessage | None:
        """The stored message addressed by chat_id/message_id; None when not recording."""
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            raise _bad_request(f"message to {action} not found")
        message = self._lookup(chat_id, message_id)
        if message is None or message.deleted:
            if self.record and (self.max_history is None or message is not None):
                raise _bad_request(f"message to {action} not found")
            return None
        return message

    # ----------------------------------------------------------------- Bot API methods

    async def _true(self, params: JSONDict) -> bool:
        return True

    def _set_bot_setting(self, name: str) -> Callable[[JSONDict], Awaitable[bool]]:
        async def setter(params: JSONDict) -> bool:
            value = params.get(name)
            language = str(params.get("language_code") or "")
            self.bot_settings[f"{name}:{language}"] = "" if value is None else str(value)
            return True

        return setter

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        offset = params.get("offset")
        limit = params.get("limit") or 100
        timeout = float(params.get("timeout") or 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed) or None
        if isinstance(offset, int):
            if offset < 0:
                while len(self._updates) > -offset:
                    self._updates.popleft()
            else:
                while self._updates and self._updates[0][0] < offset:
                    self._updates.popleft()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            flag = self._update_event
            allowed_now = self._allowed_updates
            result = [
                {"update_id": update_id, kind: payload}
                for update_id, kind, payload in self._updates
                if allowed_now is None or kind in allowed_now
            ][: max(1, min(int(limit), 100))]
            remaining = deadline - loop.time()
            if result or remaining <= 0 or self._closing:
                return result
            if not await _wait_event(flag, remaining):
                return []

    def _parse_markup(self, params: JSONDict, message: SentMessage) -> None:
        markup = params.get("reply_markup")
        if not isinstance(markup, dict):
            message.reply_markup = None
            message.buttons = []
            return
        message.reply_markup = markup
        message.buttons = []
        message.keyboard = []
        inline = markup.get("inline_keyboard")
        if isinstance(inline, list):
            for row in inline:
                buttons: list[tuple[str, str]] = []
                for button in row:
                    data = button.get("callback_data")
                    size = len(str(data).encode()) if data is not None else 1
                    if self.validate and not 1 <= size <= _MAX_CALLBACK_DATA:
                        raise _bad_request("BUTTON_DATA_INVALID")
                    value = data if data is not None else _button_value(button)
                    buttons.append((str(button.get("text", "")), str(value)))
                message.buttons.append(buttons)
        keyboard = markup.get("keyboard")
        if isinstance(keyboard, list):
            message.keyboard = [
                [str(b.get("text", "")) if isinstance(b, dict) else str(b) for b in row]
                for row in keyboard
            ]
        message.remove_keyboard = bool(markup.get("remove_keyboard"))

    def _check_text(self, text: str, parse_mode: str | None, *, caption: bool) -> None:
        if not self.validate:
            return
        limit = _MAX_CAPTION if caption else _MAX_TEXT
        if not caption and not text.strip():
            raise _bad_request("message text is empty")
        if len(text) > limit:
            raise _bad_request("message caption is too long" if caption else "message is too long")
        problem = _markup_problem(text, parse_mode)
        if problem is not None:
            raise _bad_request(f"can't parse entities: {problem}")

    def _new_sent(self, params: JSONDict, kind: str, text: str | None) -> SentMessage:
        chat_id = params["chat_id"]
        parse_mode = params.get("parse_mode")
        if text is not None:
            self._check_text(text, parse_mode, caption=kind != "text")
        message = SentMessage(
            message_id=self._new_message_id(chat_id),
            chat_id=chat_id,
            text=text,
            kind=kind,
            parse_mode=parse_mode,
            date=int(time.time()),
        )
        self._parse_markup(params, message)
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and isinstance(reply.get("message_id"), int):
            message.reply_to = reply["message_id"]
        elif isinstance(params.get("reply_to_message_id"), int):
            message.reply_to = params["reply_to_message_id"]
        return message

    async def _deliver(self, message: SentMessage) -> JSONDict:
        if self.latency:
            await asyncio.sleep(self.latency)
        self.delivered[message.chat_id] += 1
        self._store(message)
        await self._emit("bot", message)
        return self._message_dict(message)

    async def _send_message(self, params: JSONDict) -> JSONDict:
        text = params.get("text")
        if text is None:
            raise _bad_request("message text is empty")
        return await self._deliver(self._new_sent(params, "text", str(text)))

    async def _send_file(self, params: JSONDict, kind: str) -> JSONDict:
        caption = params.get("caption")
        message = self._new_sent(params, kind, None if caption is None else str(caption))
        source = params.get(kind)
        if isinstance(source, str) and source.startswith("attach://"):
            source = params.get(source.removeprefix("attach://"))
        if isinstance(source, _Upload):
            file_id, _ = self._new_file_id(kind)
            message.file_id = file_id
            message.file_size = len(source.data)
            message.file_name = source.filename if kind == "document" else None
            if self.keep_files:
                message.file_data = source.data
        elif isinstance(source, str) and source:
            message.file_id = source
            known = self._files.get(source)
            message.file_size = len(known.data) if known else None
        else:
            raise _bad_request(f"there is no {kind} in the request")
        return await self._deliver(message)

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        return await self._send_file(params, "photo")

    async def _send_document(self, params: JSONDict) -> JSONDict:
        return await self._send_file(params, "document")

    async def _edit(self, params: JSONDict, *, text: str | None, markup: bool) -> JSONDict | bool:
        if "inline_message_id" in params:
            return True
        current = self._find_message(params, "edit")
        known = current is not None
        if current is None:  # not recorded: answer with a synthetic message
            chat_id, message_id = params["chat_id"], params["message_id"]
            current = SentMessage(message_id, chat_id, None, date=int(time.time()))
        new = dataclasses.replace(current, history=[*current.history, current.text])
        if text is not None:
            new.text = text
            new.parse_mode = params.get("parse_mode")
            self._check_text(text, new.parse_mode, caption=current.kind != "text")
        if markup:
            self._parse_markup(params, new)
        unchanged = new.text == current.text and new.reply_markup == current.reply_markup
        if known and self.validate and unchanged:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup "
                "are exactly the same as a current content and reply markup of the message"
            )
        new.edited = True
        self._store(new)
        await self._emit("edit", new)
        return self._message_dict(new)

    async def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        text = params.get("text")
        if text is None:
            raise _bad_request("text must be non-empty")
        current = self._lookup(params.get("chat_id"), params.get("message_id"))
        if current is not None and current.kind != "text":
            raise _bad_request("there is no text in the message to edit")
        return await self._edit(params, text=str(text), markup=True)

    async def _edit_message_caption(self, params: JSONDict) -> JSONDict | bool:
        caption = params.get("caption")
        current = self._lookup(params.get("chat_id"), params.get("message_id"))
        if current is not None and current.kind == "text":
            raise _bad_request("there is no caption in the message to edit")
        return await self._edit(params, text="" if caption is None else str(caption), markup=True)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        return await self._edit(params, text=None, markup=True)

    async def _delete_message(self, params: JSONDict) -> bool:
        message = self._find_message(params, "delete")
        if message is not None:
            message.deleted = True
            await self._emit("delete", message)
        return True

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        callback_id = str(params.get("callback_query_id", ""))
        if callback_id not in self._callbacks or callback_id in self.answers:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        answer = CallbackAnswer(
            callback_id,
            None if text is None else str(text),
            bool(params.get("show_alert")),
            params.get("url"),
        )
        self.answers[callback_id] = answer
        note = f"(answer: {answer.text!r}{' alert' if answer.show_alert else ''})"
        self._remember(self._callbacks[callback_id], "answer", None, note)
        flag, self._outgoing_event = self._outgoing_event, asyncio.Event()
        flag.set()
        hook = self.on_answer
        if hook is not None:
            try:
                result = hook(answer)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                _LOGGER.exception("on_answer hook failed")
        return True

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("commands must be a list of at most 100 BotCommand")
        stored: list[tuple[str, str]] = []
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            description = str(command.get("description", "")) if isinstance(command, dict) else ""
            if self.validate and not _COMMAND_RE.fullmatch(name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if self.validate and not 1 <= len(description) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            stored.append((name, description))
        self.commands[_commands_key(params)] = stored
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        stored = self.commands.get(_commands_key(params), [])
        return [{"command": name, "description": text} for name, text in stored]

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    async def _send_chat_action(self, params: JSONDict) -> bool:
        self.chat_actions[params["chat_id"]] += 1
        return True

    async def _get_chat(self, params: JSONDict) -> JSONDict:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int) or (chat_id > 0 and chat_id not in self._users):
            raise _bad_request("chat not found")
        return {
            **self._chat_dict(chat_id),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    async def _set_chat_menu_button(self, params: JSONDict) -> bool:
        chat_id = params.get("chat_id")
        button = params.get("menu_button")
        key = chat_id if isinstance(chat_id, int) else None
        self.menu_buttons[key] = button if isinstance(button, dict) else {"type": "default"}
        return True

    async def _get_chat_menu_button(self, params: JSONDict) -> JSONDict:
        chat_id = params.get("chat_id")
        key = chat_id if isinstance(chat_id, int) else None
        return self.menu_buttons.get(key) or self.menu_buttons.get(None) or {"type": "commands"}

    async def _get_file(self, params: JSONDict) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        upload = self._files.get(file_id)
        if upload is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(upload.data),
            "file_path": f"files/{file_id}",
        }


# --------------------------------------------------------------------------- helpers


async def _wait_event(flag: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(flag.wait(), seconds)
    except TimeoutError:
        return False
    return True


def _error_response(
    status: int, description: str, parameters: JSONDict | None = None
) -> web.Response:
    body: JSONDict = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.Response(
        status=status, body=json.dumps(body).encode(), content_type="application/json"
    )


async def _read_params(request: web.Request) -> JSONDict:
    params: JSONDict = {}
    raw: Mapping[str, Any]
    if request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        if not isinstance(body, dict):
            raise ValueError("JSON body must be an object")
        params.update(body)
        raw = request.query
    else:
        form = await request.post() if request.can_read_body else {}
        raw = {**request.query, **form}
    for key, value in raw.items():
        if isinstance(value, web.FileField):
            params[key] = _Upload(value.filename, value.content_type, value.file.read())
        elif isinstance(value, (bytes, bytearray)):
            params[key] = _Upload(None, None, bytes(value))
        else:
            params[key] = _decode_value(key, str(value))
    return params


def _decode_value(key: str, value: str) -> Any:
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            raise ValueError(f"can't parse {key} JSON object") from None
    if key in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value
    if key in _FLOAT_FIELDS:
        try:
            return float(value)
        except ValueError:
            return 0.0
    if key in _BOOL_FIELDS:
        return value.lower() in {"true", "1"}
    return value


def _commands_key(params: JSONDict) -> tuple[str, str]:
    scope = params.get("scope")
    language = str(params.get("language_code") or "")
    if not isinstance(scope, dict):
        return "default", language
    parts = [str(scope.get("type", "default"))]
    for key in ("chat_id", "user_id"):
        if key in scope:
            parts.append(str(scope[key]))
    return ":".join(parts), language


def _button_value(button: Mapping[str, Any]) -> str:
    if "url" in button:
        return str(button["url"])
    for key, value in button.items():
        if key == "text":
            continue
        if isinstance(value, dict):
            return str(value.get("url", json.dumps(value)))
        return str(value)
    return ""


def _is_callback_button(markup: Mapping[str, Any], text: str) -> bool:
    for row in markup.get("inline_keyboard") or ():
        for button in row:
            if button.get("text") == text and "callback_data" in button:
                return True
    return False


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _markup_problem(text: str, parse_mode: str | None) -> str | None:
    """Return a Telegram-style description of a formatting error, or None."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _html_problem(text)
    if mode == "markdownv2":
        return _markdown_v2_problem(text)
    if mode == "markdown":
        return _markdown_problem(text)
    return None


def _html_problem(text: str) -> str | None:
    stack: list[tuple[str, int]] = []
    index = text.find("<")
    while index != -1:
        end = text.find(">", index)
        if end == -1:
            return f"Unclosed start tag at byte offset {_byte_offset(text, index)}"
        tag = text[index + 1 : end].strip()
        if tag.startswith("/"):
            name = tag[1:].strip().lower()
            if not stack:
                return f"Unexpected end tag at byte offset {_byte_offset(text, index)}"
            if stack[-1][0] != name:
                return (
                    f"Unmatched end tag at byte offset {_byte_offset(text, index)}, "
                    f'expected "</{stack[-1][0]}>", found "</{name}>"'
                )
            stack.pop()
        else:
            name = tag.split(None, 1)[0].lower() if tag else ""
            if name not in _HTML_TAGS:
                return f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, index)}'
            stack.append((name, index))
        index = text.find("<", end)
    if stack:
        name, _ = stack[-1]
        return f'Can\'t find end tag corresponding to start tag "{name}"'
    return None


def _markdown_v2_problem(text: str) -> str | None:
    stack: list[tuple[str, int]] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        code = "```" if text.startswith("```", index) else "`" if char == "`" else None
        if code is not None:
            close = index + len(code)
            while close < length and not text.startswith(code, close):
                close += 2 if text[close] == "\\" else 1
            if close >= length:
                offset = _byte_offset(text, index)
                return f"Can't find end of Pre entity at byte offset {offset}"
            index = close + len(code)
            continue
        marker = _mdv2_marker(text, index)
        if marker is not None:
            if stack and stack[-1][0] == marker:
                stack.pop()
            else:
                stack.append((marker, index))
            index += len(marker)
            continue
        if char == "[":
            stack.append(("[", index))
        elif char == "]":
            if not stack or stack[-1][0] != "[":
                return "Character ']' is reserved and must be escaped with the preceding '\\'"
            stack.pop()
            if text.startswith("(", index + 1):
                close = index + 2
                while close < length and text[close] != ")":
                    close += 2 if text[close] == "\\" else 1
                if close >= length:
                    offset = _byte_offset(text, index + 1)
                    return f"Can't find end of a url at byte offset {offset}"
                index = close
        elif char == ">" and (index == 0 or text[index - 1] == "\n"):
            pass
        elif char in _MDV2_RESERVED:
            return f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        index += 1
    if stack:
        marker, where = stack[-1]
        return f"Can't find end of the entity starting at byte offset {_byte_offset(text, where)}"
    return None


def _mdv2_marker(text: str, index: int) -> str | None:
    for marker in ("||", "__"):
        if text.startswith(marker, index):
            return marker
    return text[index] if text[index] in "*_~" else None


def _markdown_problem(text: str) -> str | None:
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char in "*_`[":
            closer = "]" if char == "[" else char
            close = text.find(closer, index + 1)
            if close == -1:
                offset = _byte_offset(text, index)
                return f"Can't find end of the entity starting at byte offset {offset}"
            index = close + 1
            continue
        index += 1
    return None


def _plain_text(text: str, parse_mode: str | None) -> str:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return html.unescape(_HTML_STRIP_RE.sub("", text))
    if mode == "markdownv2":
        text = _MDV2_LINK_RE.sub(r"\1", text)
        return _MDV2_ESCAPE_RE.sub(r"\1", _MDV2_MARKER_RE.sub("", text))
    if mode == "markdown":
        text = _MDV2_LINK_RE.sub(r"\1", text)
        return re.sub(r"(?<!\\)[*_`]", "", text).replace("\\", "")
    return text
