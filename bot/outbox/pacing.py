"""Per-chat pacing for outgoing deliveries: Telegram allows about one message per second per chat.

The application's AIORateLimiter enforces the overall limit (and per-group limits) but does not
pace private chats, so the outbox sender asks a `ChatPacer` for each chat's next free slot.
Memory stays bounded: slots already in the past are forgotten once the table grows.
"""

from __future__ import annotations

import asyncio

# Telegram measures on its side; a little slack keeps us under its bucket despite network jitter.
SLACK_SECONDS = 0.05
_PRUNE_AT = 4096


class ChatPacer:
    def __init__(self, per_chat_per_second: float) -> None:
        if per_chat_per_second <= 0:
            raise ValueError("per_chat_per_second must be positive")
        self.interval = 1.0 / per_chat_per_second + SLACK_SECONDS
        self._next_slot: dict[int, float] = {}

    def reserve(self, chat_id: int) -> float:
        """Book the chat's next slot; return how many seconds to wait until it."""
        now = asyncio.get_running_loop().time()
        if len(self._next_slot) >= _PRUNE_AT:
            self._next_slot = {c: s for c, s in self._next_slot.items() if s > now}
        slot = max(now, self._next_slot.get(chat_id, now))
        self._next_slot[chat_id] = slot + self.interval
        return slot - now

    def delay(self, chat_id: int) -> float:
        """Seconds until the chat's next free slot, without booking it."""
        now = asyncio.get_running_loop().time()
        return max(0.0, self._next_slot.get(chat_id, now) - now)

    async def wait(self, chat_id: int) -> None:
        delay = self.reserve(chat_id)
        if delay > 0:
            await asyncio.sleep(delay)

    def __len__(self) -> int:
        return len(self._next_slot)
