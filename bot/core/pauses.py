"""A pause with an end date, as a brief's and an atelier's: the lengths offered, the longest
accepted, and the one delivery that ends it by itself (a new end date replaces an earlier one)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox

# The buttons offered, in weeks; a pause may last up to MAX_PAUSE_WEEKS.
PAUSE_WEEKS: Final = (1, 2, 4)
MAX_PAUSE_WEEKS: Final = 12


def end_key_prefix(paused: str, paused_id: int) -> str:
    """What the keys of a pause's end deliveries start with: `brief:7:pause_ends` for brief 7."""
    return f"{paused}:{paused_id}:pause_ends"


async def end_pause_after(
    session: AsyncSession,
    ends: outbox.Payload,
    *,
    recipient_id: int,
    key_prefix: str,
    weeks: int,
    now: datetime,
) -> datetime:
    """Schedule `ends` (the message that ends the pause) `weeks` from now, in place of any end
    date still pending under `key_prefix`; returns the new end date."""
    await outbox.cancel_matching(session, key_prefix=key_prefix, reason="pause changed")
    until = now + timedelta(weeks=weeks)
    await outbox.schedule(
        session,
        ends,
        recipient_id=recipient_id,
        due_at=until,
        dedupe_key=f"{key_prefix}:{until.isoformat()}",
    )
    return until
