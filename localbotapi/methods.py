"""The bot's side of the Bot API: sending, editing, callbacks, commands, chats, updates, files."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from localbotapi.formatting import (
    COMMAND_RE,
    MAX_CALLBACK_DATA,
    MAX_CAPTION,
    MAX_TEXT,
    markup_problem,
)
from localbotapi.records import ApiError, CallbackAnswer, JSONDict, SentMessage, bad_request
from localbotapi.state import BotMethod, ServerState, wait_event

__all__ = ["BotMethods"]


class BotMethods(ServerState):
    """The Bot API methods Bottega calls, answered the way Telegram answers them."""

    def _method_table(self) -> dict[str, BotMethod]:
        return {
            **super()._method_table(),
            "getme": self._get_me,
            "logout": self._true,
            "close": self._true,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
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
        }

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

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self._webhook is not None:
            raise _webhook_conflict()
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
            if self._webhook is not None:
                raise _webhook_conflict()
            if result or remaining <= 0 or self._closing:
                return result
            if not await wait_event(flag, remaining):
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
                    if self.validate and not 1 <= size <= MAX_CALLBACK_DATA:
                        raise bad_request("BUTTON_DATA_INVALID")
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
        limit = MAX_CAPTION if caption else MAX_TEXT
        if not caption and not text.strip():
            raise bad_request("message text is empty")
        if len(text) > limit:
            raise bad_request("message caption is too long" if caption else "message is too long")
        problem = markup_problem(text, parse_mode)
        if problem is not None:
            raise bad_request(f"can't parse entities: {problem}")

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
            raise bad_request("message text is empty")
        return await self._deliver(self._new_sent(params, "text", str(text)))

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
            raise bad_request(
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
            raise bad_request("text must be non-empty")
        current = self._lookup(params.get("chat_id"), params.get("message_id"))
        if current is not None and current.kind != "text":
            raise bad_request("there is no text in the message to edit")
        return await self._edit(params, text=str(text), markup=True)

    async def _edit_message_caption(self, params: JSONDict) -> JSONDict | bool:
        caption = params.get("caption")
        current = self._lookup(params.get("chat_id"), params.get("message_id"))
        if current is not None and current.kind == "text":
            raise bad_request("there is no caption in the message to edit")
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
            raise bad_request(
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
        await self._bot_acted(self.on_answer, answer, "on_answer")
        return True

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 BotCommand")
        stored: list[tuple[str, str]] = []
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            description = str(command.get("description", "")) if isinstance(command, dict) else ""
            if self.validate and not COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if self.validate and not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
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
            raise bad_request("chat not found")
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


# --------------------------------------------------------------------------- helpers


def _webhook_conflict() -> ApiError:
    return ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )


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
