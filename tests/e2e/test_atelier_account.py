"""/delete_me, end to end: after confirming, no row holds the person's contact or Telegram id,
no delivery is waiting for them, and their conversations are forgotten."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.db.models import Atelier, ConversationState, Delivery, DeliveryState, User
from tests.e2e.atelier_steps import designer_requests_intro, quick_bot, seed_atelier
from tests.e2e.harness import RunningBot


@pytest.fixture
async def bottega(database_url: str) -> AsyncIterator[RunningBot]:
    async with quick_bot(database_url) as running:
        yield running


async def test_delete_me_erases_an_atelier_owner(bottega: RunningBot) -> None:
    api = bottega.api
    atelier = await seed_atelier(bottega, 241)
    await designer_requests_intro(bottega, designer_telegram_id=341, refs=[atelier.ref])
    # Often the test run's first match: the matcher's vocabulary is read first (seconds on a
    # loaded machine).
    await api.wait_for(241, contains="New introduction request", timeout=30)
    # Half-way through editing the profile when they decide to leave.
    await api.user_sends(241, "/profile")
    profile = await api.wait_for(241, contains="Your atelier")
    await api.press(241, profile, "Contact")
    await api.wait_for(241, contains="How should designers reach you")

    await api.user_sends(241, "/delete_me")
    confirm = await api.wait_for(241, contains="Delete your data?")
    await api.press(241, confirm, "Yes, delete my data")
    await api.wait_for(241, contains="your personal data has been erased")

    async with bottega.session_factory() as session:
        assert await session.scalar(select(User).where(User.telegram_id == 241)) is None
        stored = await session.get(Atelier, atelier.id)
        assert stored is not None
        assert (stored.listed, stored.contact, stored.owner_id) == (False, "", None)
        assert (
            await session.scalar(
                select(Atelier).where(Atelier.contact == "info@maglificio.example")
            )
            is None
        )
        owner_ids = (await session.scalars(select(User.id).where(User.deleted.is_(True)))).all()
        waiting = (
            await session.scalars(
                select(Delivery).where(
                    Delivery.recipient_id.in_(owner_ids),
                    Delivery.state.in_([DeliveryState.PENDING, DeliveryState.CLAIMED]),
                )
            )
        ).all()
        assert waiting == []
        kept = (await session.scalars(select(ConversationState))).all()
        assert not [row for row in kept if row.key == "241" or 241 in json.loads(row.key)]

    # Whatever they send next starts afresh rather than continuing the old edit.
    await api.user_sends(241, "new@contact.example")
    await api.wait_for(241, contains="didn't understand")


async def test_delete_me_can_be_called_off(bottega: RunningBot) -> None:
    api = bottega.api
    await api.user_sends(242, "/delete_me")
    confirm = await api.wait_for(242, contains="Delete your data?")
    await api.press(242, confirm, "No, keep it")
    await api.wait_for(242, contains="Nothing was deleted")
    async with bottega.session_factory() as session:
        assert await session.scalar(select(User).where(User.telegram_id == 242)) is not None
