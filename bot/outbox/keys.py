"""The dedupe keys that more than one feature writes or cancels by.

A key is stored in every `Delivery` row it schedules, so its spelling is part of the stored
format: rows already waiting in the outbox are found and cancelled by it after an upgrade.
"""

from __future__ import annotations


def intro_key(intro_id: int, what: str = "") -> str:
    """The key of a delivery about introduction `intro_id` (`what` says which one: `reminder`,
    `feedback:designer`, …); with no `what`, the prefix every such key starts with.

    Introductions, quotes, orders and the digest's offers schedule and cancel in this space (an
    accepted offer cancels its expiry as a request's does); briefs and erasure cancel by prefix.
    """
    return f"intro:{intro_id}:{what}"


def quote_key(quote_id: int, what: str = "") -> str:
    """The key of a delivery about quote `quote_id` (`received`, `expiry`, …); with no `what`,
    the prefix of them all. Quotes schedule in this space; erasure (in orders) cancels by it."""
    return f"quote:{quote_id}:{what}"
