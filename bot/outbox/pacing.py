"""Per-chat pacing for outgoing deliveries: Telegram allows about one message per second per chat.

The application's AIORateLimiter enforces the overall limit (and per-group limits) but does not
pace private chats, so the outbox sender asks a `ChatPacer` for each chat's next free slot.
Memory stays bounded: slots already in the past are forgotten once the table grows.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal

# Telegram measures on its side; a little slack keeps us under its bucket despite network jitter.
SLACK_SECONDS = 0.05
_PRUNE_AT = 4096


class ChatPacer:
    def __init__(self, per_chat_per_second: float, overall_per_second: float | None = None) -> None:
        if per_chat_per_second <= 0:
            raise ValueError("per_chat_per_second must be positive")
        self.interval = 1.0 / per_chat_per_second + SLACK_SECONDS
        self._next_slot: dict[int, float] = {}
        # Album items beyond the first, against the overall limit (None: not counted here).
        self.overall_interval = 1.0 / overall_per_second if overall_per_second else 0.0
        self._overall_slot = 0.0

    def reserve(self, chat_id: int, messages: int = 1) -> float:
        """Book the chat's next slot for what counts as `messages` messages (an album counts one
        per item, so what follows it waits for all of them); return the seconds until the slot."""
        now = asyncio.get_running_loop().time()
        if len(self._next_slot) >= _PRUNE_AT:
            self._next_slot = {c: s for c, s in self._next_slot.items() if s > now}
        slot = max(now, self._next_slot.get(chat_id, now))
        self._next_slot[chat_id] = slot + self.interval * max(1, messages)
        if self.overall_interval:
            # The bot's rate limiter counts an album as one request; the rest of it is booked here.
            self._overall_slot = max(now, self._overall_slot) + self.overall_interval * max(
                0, messages - 1
            )
        return slot - now

    def delay(self, chat_id: int) -> float:
        """Seconds until the chat's next free slot, without booking it."""
        now = asyncio.get_running_loop().time()
        return max(0.0, self._next_slot.get(chat_id, now) - now)

    async def wait(self, chat_id: int, messages: int = 1) -> None:
        now = asyncio.get_running_loop().time()
        overall = max(0.0, self._overall_slot - now)
        delay = max(self.reserve(chat_id, messages), overall)
        if delay > 0:
            await asyncio.sleep(delay)

    def __len__(self) -> int:
        return len(self._next_slot)


# Telegram's fee for a message sent with allow_paid_broadcast, in Telegram Stars, and the most
# such messages a bot may send a second.
STARS_PER_PAID_MESSAGE = Decimal("0.1")
PAID_MESSAGES_PER_SECOND = 1000
# What may go out as a paid broadcast when the operator opts in: the weekly digest only.
PAID_KINDS = frozenset({"digest"})


@dataclass
class PaidBroadcast:
    """Deliveries of `kinds` are sent with `allow_paid_broadcast` (beyond the free 30/s, for a
    fee per message), at most `rate` a second overall."""

    kinds: frozenset[str]
    rate: float
    _next_slot: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        if not 0 < self.rate <= PAID_MESSAGES_PER_SECOND:
            raise ValueError(f"the paid broadcast rate must be in (0, {PAID_MESSAGES_PER_SECOND}]")

    def covers(self, kind: str) -> bool:
        return kind in self.kinds

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(now, self._next_slot)
        self._next_slot = slot + 1.0 / self.rate
        if slot > now:
            await asyncio.sleep(slot - now)


def paid_cost(messages: int) -> Decimal:
    """What `messages` paid broadcast messages cost, in Telegram Stars."""
    return STARS_PER_PAID_MESSAGE * messages
