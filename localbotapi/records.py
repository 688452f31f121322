"""What the local Bot API server records: the bot's messages, callback answers, calls, uploads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeAlias

from localbotapi.formatting import plain_text

__all__ = [
    "AnswerHook",
    "ApiError",
    "Attachment",
    "Call",
    "CallbackAnswer",
    "Event",
    "JSONDict",
    "OutgoingHook",
    "SentMessage",
    "Upload",
    "bad_request",
]

JSONDict: TypeAlias = dict[str, Any]
OutgoingHook: TypeAlias = Callable[["SentMessage"], Awaitable[None] | None]
AnswerHook: TypeAlias = Callable[["CallbackAnswer"], Awaitable[None] | None]


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
    file_unique_id: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    media_group_id: str | None = None
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
        return plain_text(self.text or "", self.parse_mode)

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
class Attachment:
    """A file a simulated user sends: a photo, document, video or audio file.

    ``file_size`` is the size Telegram reports, when it should differ from ``data`` (a
    60 MB video without 60 MB of bytes).
    """

    kind: str
    data: bytes
    caption: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    duration: int | None = None
    file_size: int | None = None

    @classmethod
    def photo(
        cls,
        data: bytes = b"\x89PNG\r\n\x1a\n",
        *,
        caption: str | None = None,
        width: int | None = None,
        height: int | None = None,
        file_size: int | None = None,
    ) -> Attachment:
        return cls("photo", data, caption, width=width, height=height, file_size=file_size)

    @classmethod
    def document(
        cls,
        data: bytes = b"%PDF-1.4\n",
        file_name: str = "document.pdf",
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        file_size: int | None = None,
    ) -> Attachment:
        return cls("document", data, caption, file_name, mime_type, file_size=file_size)

    @classmethod
    def video(
        cls,
        data: bytes = b"\x00\x00\x00\x18ftypmp42",
        *,
        duration: int = 10,
        caption: str | None = None,
        file_size: int | None = None,
    ) -> Attachment:
        return cls(
            "video",
            data,
            caption,
            mime_type="video/mp4",
            width=1280,
            height=720,
            duration=duration,
            file_size=file_size,
        )


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
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes


class Event(NamedTuple):
    seq: int
    who: str  # user, bot, edit, delete, press, answer
    message: SentMessage | None
    note: str


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")
