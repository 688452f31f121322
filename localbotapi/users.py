"""The simulated users: their messages, shared contacts and locations, and button presses."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from localbotapi.formatting import utf16_len
from localbotapi.records import JSONDict, SentMessage, Upload
from localbotapi.state import ServerState

__all__ = ["SimulatedUsers"]


class SimulatedUsers(ServerState):
    """Users talking to the bot: each action is queued as an update for the bot to fetch."""

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
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
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
        self._files[file_id] = Upload(f"{file_id}.jpg", "image/jpeg", data)
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
        self._files[file_id] = Upload(file_name, mime_type, data)
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


def _is_callback_button(markup: Mapping[str, Any], text: str) -> bool:
    for row in markup.get("inline_keyboard") or ():
        for button in row:
            if button.get("text") == text and "callback_data" in button:
                return True
    return False
