"""The simulated users: their messages, shared contacts and locations, and button presses."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from localbotapi.formatting import utf16_len
from localbotapi.records import Attachment, JSONDict, SentMessage
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
        stored = self.files.add("sticker", b"RIFF\x00\x00\x00\x00WEBP", width=512, height=512)
        sticker: JSONDict = {
            **stored.as_object(),
            "type": "regular",
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
        file_size: int | None = None,
    ) -> int:
        """Queue a photo message (its sizes downloadable through ``getFile``); return its message_id."""
        item = Attachment.photo(
            data, caption=caption, width=width, height=height, file_size=file_size
        )
        return self._queue_attachment(user_id, item, None)

    async def user_sends_document(
        self,
        user_id: int,
        data: bytes = b"%PDF-1.4\n",
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        file_size: int | None = None,
    ) -> int:
        """Queue a document message (downloadable through ``getFile``); return its message_id.

        ``file_size`` is the size Telegram reports when it should differ from ``data``
        (a 60 MB file without 60 MB of bytes).
        """
        item = Attachment.document(
            data, file_name, mime_type=mime_type, caption=caption, file_size=file_size
        )
        return self._queue_attachment(user_id, item, None)

    async def user_sends_video(
        self,
        user_id: int,
        data: bytes = b"\x00\x00\x00\x18ftypmp42",
        *,
        duration: int = 10,
        caption: str | None = None,
        file_size: int | None = None,
    ) -> int:
        """Queue a video message; return its message_id."""
        item = Attachment.video(data, duration=duration, caption=caption, file_size=file_size)
        return self._queue_attachment(user_id, item, None)

    async def user_sends_voice(
        self, user_id: int, data: bytes = b"OggS\x00", *, duration: int = 3
    ) -> int:
        """Queue a voice note; return its message_id."""
        self.set_user(user_id)
        stored = self.files.add("voice", data, mime_type="audio/ogg", duration=duration)
        return self._queue_user_message(
            user_id, {"voice": stored.as_object()}, f"[voice {duration}s]"
        )

    async def user_sends_media_group(self, user_id: int, items: Sequence[Attachment]) -> list[int]:
        """Queue an album as Telegram clients send it; return the message_ids.

        Each item is a message of its own, delivered as a separate update; the messages of
        one album share a ``media_group_id``.  Like a Telegram client, more than 10 items,
        or documents among photos and videos, go out as several albums, and a lone item as
        a plain message.
        """
        self.set_user(user_id)
        message_ids: list[int] = []
        for group in _albums(items):
            group_id = None if len(group) == 1 else str(next(self._media_group_ids))
            message_ids.extend(self._queue_attachment(user_id, item, group_id) for item in group)
        return message_ids

    def _queue_attachment(self, user_id: int, item: Attachment, group_id: str | None) -> int:
        self.set_user(user_id)
        stored = self.files.add(
            item.kind,
            item.data,
            file_name=item.file_name,
            mime_type=item.mime_type,
            width=item.width,
            height=item.height,
            duration=item.duration,
            file_size=item.file_size,
        )
        fields = self._media_fields(item.kind, stored.file_id)
        if item.caption is not None:
            fields["caption"] = item.caption
        if group_id is not None:
            fields["media_group_id"] = group_id
        label = item.kind if item.file_name is None else f"{item.kind} {item.file_name}"
        note = f"[{label}] {item.caption or ''}".rstrip()
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


def _albums(items: Sequence[Attachment]) -> Iterator[list[Attachment]]:
    """Split items as a Telegram client does: at most 10 per album, documents and audio apart."""
    group: list[Attachment] = []
    for item in items:
        family = _ALBUM_FAMILY.get(item.kind, item.kind)
        if group and (len(group) == 10 or _ALBUM_FAMILY.get(group[0].kind) != family):
            yield group
            group = []
        group.append(item)
    if group:
        yield group


# Photos and videos can share an album; documents and audio files only with their own kind.
_ALBUM_FAMILY = {"photo": "visual", "video": "visual", "document": "document", "audio": "audio"}
