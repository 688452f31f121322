"""Reading what the bot did: messages per chat, transcripts, and waiting for the bot's next move."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from localbotapi.records import CallbackAnswer, JSONDict, SentMessage
from localbotapi.state import ServerState, wait_event

__all__ = ["Inspection"]


class Inspection(ServerState):
    """What tests and the terminal chat read: the bot's messages, calls and answers."""

    # ----------------------------------------------------------------- inspection

    def sent(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to a chat, oldest first, in their current state."""
        return list(self._messages.get(chat_id, {}).values())

    def files_sent(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages with a file in a chat, oldest first (kind, file_id, caption…)."""
        return [message for message in self.sent(chat_id) if message.file_id is not None]

    def albums_sent(self, chat_id: int) -> list[list[SentMessage]]:
        """The media groups the bot sent to a chat, each as its messages in order."""
        groups: dict[str, list[SentMessage]] = {}
        for message in self.files_sent(chat_id):
            if message.media_group_id is not None:
                groups.setdefault(message.media_group_id, []).append(message)
        return list(groups.values())

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
            if remaining <= 0 or not await wait_event(event_flag, remaining):
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
            if remaining <= 0 or not await wait_event(event_flag, remaining):
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
            if remaining <= 0 or not await wait_event(event_flag, remaining):
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
