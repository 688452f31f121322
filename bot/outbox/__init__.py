"""The outbox: every message that must reach someone is a `Delivery` row first.

- `enqueue`: how use cases schedule and cancel deliveries, in their own transaction; re-exported
  here, so a service writes `from bot import outbox` and `outbox.schedule(...)`. No Telegram.
- `payloads`: the typed payload of each kind (`Payload`) and its one encoding in the row;
  `PayloadError` for a row that does not decode.
- `sweeper`: how due rows are claimed, rendered (through the renderer registry in
  `bot.core.renderers`), sent and recorded.
- `pacing`: the per-chat send rate.
- `keys`: the dedupe keys more than one feature schedules or cancels by (`intro_key`, `quote_key`).
"""

from bot.outbox.enqueue import cancel, cancel_for_recipient, cancel_matching, pending_for, schedule
from bot.outbox.keys import intro_key, quote_key
from bot.outbox.payloads import Payload, PayloadError

__all__ = [
    "Payload",
    "PayloadError",
    "cancel",
    "cancel_for_recipient",
    "cancel_matching",
    "intro_key",
    "pending_for",
    "quote_key",
    "schedule",
]
